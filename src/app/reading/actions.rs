//! What the parts list, the links and the copy list do: save (asking before replacing a file),
//! save-all, open with a viewer from a private copy, pipe, follow a link (a mailto: link writes
//! a message), open the HTML part, and the other views of the message.

use std::path::PathBuf;

use crate::app::{App, Command, Confirmed, Mode};
use crate::mail::links::LinkKind;
use crate::mail::parts::{self, PartInfo, PartKind};

impl App {
    /// Where the part under the cursor is saved when the user just presses Enter.
    pub(crate) fn default_save_path(&self) -> PathBuf {
        let dir = crate::files::default_dir(self.reading.attachment_dir.as_deref())
            .unwrap_or_else(|_| PathBuf::from("."));
        let name = self
            .selected_part()
            .map(|p| p.file_name)
            .unwrap_or_else(|| "attachment".into());
        dir.join(name)
    }

    /// `view`: the part under the cursor in the preview.
    pub(crate) fn view_part(&mut self, part: Option<PartInfo>) {
        let Some(p) = part else {
            return;
        };
        if p.kind == PartKind::Multipart {
            self.status.info =
                Some("a multipart holds the parts under it: view one of them".into());
            return;
        }
        let width = self.preview_size().0;
        self.preview
            .set_view(crate::app::preview::View::Part(p.id.clone()), width);
        self.focus = crate::app::Pane::Preview;
        self.status.info = Some(format!("part {} (q goes back to the message)", p.id));
    }

    /// `save PATH`: the part under the cursor of the parts list, byte for byte. An existing
    /// file is replaced only after asking.
    pub(crate) fn save_part(&mut self, path: &str, overwrite: bool) {
        let Some(p) = self.selected_part() else {
            self.status.error = Some("save: list the parts first (A) and pick one".into());
            return;
        };
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        let dir = crate::files::default_dir(self.reading.attachment_dir.as_deref())
            .unwrap_or_else(|_| PathBuf::from("."));
        let target = crate::files::target_path(path, &dir, &p.file_name);
        let bytes = match parts::decoded_bytes(&raw, &p.id) {
            Ok(b) => b,
            Err(e) => {
                self.status.error = Some(format!("save: {e}"));
                return;
            }
        };
        match crate::files::save(&target, &bytes, overwrite) {
            Ok(saved) => {
                // Back to the parts list, for the next part.
                if let Some(m) = self.parts_menu.take() {
                    self.mode = Mode::Menu(m);
                }
                self.status.info = Some(format!(
                    "saved {} ({})",
                    saved.display(),
                    crate::mail::render::human_size(bytes.len())
                ));
            }
            Err(crate::files::SaveError::Exists(existing)) => {
                self.mode = Mode::Confirm {
                    prompt: format!("{} exists: replace it? (y/n)", existing.display()),
                    on_yes: Confirmed::Overwrite {
                        path: existing.display().to_string(),
                    },
                };
            }
            Err(e) => self.status.error = Some(format!("save: {e}")),
        }
    }

    /// `save-all`: every attachment, into `attachment_dir`, under names that never replace a
    /// file.
    pub(crate) fn save_all(&mut self) {
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        let all = parts::list(&raw);
        let want: Vec<(String, Vec<u8>)> = parts::saveable(&all)
            .into_iter()
            .filter_map(|p| {
                parts::decoded_bytes(&raw, &p.id)
                    .ok()
                    .map(|b| (p.file_name.clone(), b))
            })
            .collect();
        if want.is_empty() {
            self.status.info = Some("no attachments to save".into());
            return;
        }
        let dir = match crate::files::default_dir(self.reading.attachment_dir.as_deref()) {
            Ok(d) => d,
            Err(e) => {
                self.status.error = Some(format!("save-all: {e}"));
                return;
            }
        };
        let results =
            crate::files::save_all(&dir, want.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
        let ok = results.iter().filter(|r| r.is_ok()).count();
        match results.iter().find_map(|r| r.as_ref().err()) {
            Some(e) => {
                self.status.error = Some(format!(
                    "saved {ok} of {} to {}: {e}",
                    results.len(),
                    dir.display()
                ))
            }
            None => {
                // Never replaced: a name already taken got a number, and the user is told which.
                let renamed: Vec<String> = want
                    .iter()
                    .zip(&results)
                    .filter_map(|((name, _), r)| {
                        let path = r.as_ref().ok()?;
                        let now = path.file_name()?.to_string_lossy();
                        (now != name.as_str()).then(|| format!("{name} as {now}"))
                    })
                    .collect();
                let renamed = match renamed.len() {
                    0 => String::new(),
                    1 | 2 => format!(" ({})", renamed.join(", ")),
                    n => format!(" ({}, and {} more renamed)", renamed[0], n - 1),
                };
                self.status.info = Some(format!(
                    "saved {ok} attachment{} to {}{renamed}",
                    if ok == 1 { "" } else { "s" },
                    dir.display()
                ))
            }
        }
    }

    /// `open`: the part under the cursor with its viewer (the `[open]` table, else
    /// `open_command`), from a private copy; tmail does not wait for the viewer.
    pub(crate) fn open_part(&mut self, out: &mut Vec<Command>) {
        let Some(p) = self.selected_part() else {
            return;
        };
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        let bytes = match parts::decoded_bytes(&raw, &p.id) {
            Ok(b) => b,
            Err(e) => {
                self.status.error = Some(format!("open: {e}"));
                return;
            }
        };
        self.open_bytes(&p.file_name, &p.content_type, &bytes, out);
    }

    /// Write `bytes` to a private file and open it with the viewer for `mime`.
    pub(crate) fn open_bytes(
        &mut self,
        name: &str,
        mime: &str,
        bytes: &[u8],
        out: &mut Vec<Command>,
    ) {
        if self.scratch.is_none() {
            match crate::files::Scratch::new() {
                Ok(s) => self.scratch = Some(s),
                Err(e) => {
                    self.status.error = Some(format!("open: no private directory: {e}"));
                    return;
                }
            }
        }
        let Some(scratch) = &self.scratch else {
            return;
        };
        match scratch.write(name, bytes) {
            Ok(path) => {
                let command = self.reading.open.command_for(mime);
                let argv = command.argv(path.as_os_str());
                self.status.info = Some(format!("opening {name} with {}", command.program()));
                out.push(Command::Open {
                    argv,
                    what: format!("{} ({name})", command.program()),
                });
            }
            Err(e) => self.status.error = Some(format!("open: {e}")),
        }
    }

    /// Follow a link: a web page with `open_command`; a `mailto:` link opens the composer.
    pub(crate) fn follow_link(&mut self, l: &crate::mail::links::Link, out: &mut Vec<Command>) {
        if l.kind == LinkKind::Mail {
            let to = l
                .target
                .trim_start_matches("mailto:")
                .split('?')
                .next()
                .unwrap_or("")
                .to_string();
            let subject = l
                .target
                .split_once('?')
                .and_then(|(_, q)| {
                    q.split('&')
                        .find_map(|kv| kv.strip_prefix("subject=").map(str::to_string))
                })
                .unwrap_or_default();
            let account = self.list.account.clone();
            let from = self
                .compose_settings
                .get(&account)
                .and_then(|s| s.identities.first().cloned())
                .unwrap_or_default();
            let draft = crate::mail::compose::Draft {
                from,
                to: crate::app::compose::parse_addresses(&percent_decode(&to)),
                subject: percent_decode(&subject),
                ..Default::default()
            };
            self.open_composer(&account, "New message", draft, None);
            return;
        }
        let command = self.reading.open.command_for("text/html");
        let argv = command.argv(std::ffi::OsStr::new(&l.target));
        self.status.info = Some(format!(
            "opening link {} with {}",
            l.number,
            command.program()
        ));
        out.push(Command::Open {
            argv,
            what: format!("link {}", l.number),
        });
    }

    /// `pipe COMMAND` (a part) and `pipe-message COMMAND` (the whole raw message).
    pub(crate) fn pipe(&mut self, command: &str, whole: bool, out: &mut Vec<Command>) {
        if whole && !self.preview_selected(out) {
            return;
        }
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        let input = if whole {
            raw
        } else {
            let Some(p) = self.selected_part() else {
                self.status.error = Some("pipe: list the parts first (A) and pick one".into());
                return;
            };
            match parts::decoded_bytes(&raw, &p.id) {
                Ok(b) => b,
                Err(e) => {
                    self.status.error = Some(format!("pipe: {e}"));
                    return;
                }
            }
        };
        // Back to the parts list (the pipe's outcome comes to the status line).
        if let Some(m) = self.parts_menu.take() {
            self.mode = Mode::Menu(m);
        }
        self.status.info = Some(format!("piping to {command}…"));
        out.push(Command::Pipe {
            command: command.to_string(),
            input,
        });
    }

    /// `open-html`: the HTML part in a browser, from a private file, remote content blocked.
    pub(crate) fn open_html(&mut self, out: &mut Vec<Command>) {
        if !self.preview_selected(out) {
            return;
        }
        let Some(raw) = self.previewed_raw() else {
            return;
        };
        match crate::mail::html::html_for_browser(&raw) {
            Some(html) => self.open_bytes("message.html", "text/html", &html, out),
            None => self.status.info = Some("this message has no HTML part".into()),
        }
    }

    /// `toggle-headers` (H) and `source`: other views of the previewed message.
    pub(crate) fn toggle_view(&mut self, view: crate::app::preview::View, out: &mut Vec<Command>) {
        // A view is for reading: where the list leaves no room for the preview, go to it.
        if self.focus != crate::app::Pane::Preview && self.panes().preview.is_none() {
            self.open_message(out);
        }
        if !self.preview_selected(out) {
            return;
        }
        if self.preview.raw().is_none() {
            self.status.info = Some("open a message first (Enter)".into());
            return;
        }
        let width = self.preview_size().0;
        let next = if self.preview.view == view {
            crate::app::preview::View::Message
        } else {
            view
        };
        let reading = next != crate::app::preview::View::Message;
        self.preview.set_view(next, width);
        // A view is read in the preview: j/k scroll it and q goes back to the message (from the
        // list, q would quit).
        if reading {
            self.focus = crate::app::Pane::Preview;
        }
    }
}

/// `%XX` decoding of a mailto: part (RFC 6068); invalid escapes are kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
