//! Writing mail: opening the composer (new, reply, reply-all, forward, a draft, an Outbox
//! message), its keys in normal and insert mode, attachments, $EDITOR, autosave, postpone to
//! Drafts, and sending through the Outbox (the account's SMTP worker sends it after
//! `send_delay`; `undo-send` takes it back meanwhile).

use std::time::{SystemTime, UNIX_EPOCH};

use tui_textarea::CursorMove;

use super::compose::Composer;
use super::{App, Command, Confirmed, Mode};
use crate::mail::compose::{self, Draft, DraftAttachment};
use crate::mail::{Address, Role};
use crate::store::{Answers, OutboxState};

mod keys;
mod send;

/// A request to the event loop: suspend the screen and run $EDITOR on `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditRequest {
    pub path: std::path::PathBuf,
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A new draft id: unique in this store (time and a counter).
fn new_draft_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// How a composer is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    New,
    Reply,
    ReplyAll,
    Forward,
}

impl App {
    /// The From address of `account` (its first identity).
    fn identity(&self, account: &str) -> Address {
        self.compose_settings
            .get(account)
            .and_then(|s| s.identities.first().cloned())
            .unwrap_or_else(|| Address {
                name: None,
                email: self
                    .own_addresses
                    .get(account)
                    .and_then(|a| a.first().cloned())
                    .unwrap_or_default(),
            })
    }

    /// Every address of the user, lowercased (all accounts, all identities).
    fn all_own_addresses(&self) -> Vec<String> {
        let mut v: Vec<String> = self.own_addresses.values().flatten().cloned().collect();
        for s in self.compose_settings.values() {
            v.extend(s.identities.iter().map(|a| a.email.to_ascii_lowercase()));
        }
        v.sort();
        v.dedup();
        v
    }

    /// Open the composer on `draft` (the keyboard goes to it).
    pub(crate) fn open_composer(
        &mut self,
        account: &str,
        title: &str,
        mut draft: Draft,
        answers: Option<Answers>,
    ) {
        if draft.id.is_empty() {
            draft.id = new_draft_id();
        }
        let mut c = Composer::new(account, title, &draft, answers);
        c.style_body(&self.theme);
        c.touch();
        self.composer = Some(c);
        self.mode = Mode::Normal;
        self.status.info = Some(
            "i types, Esc stops, Tab next field, Ctrl-S sends, Ctrl-E opens $EDITOR, q aborts"
                .into(),
        );
    }

    /// `compose`, `reply`, `reply-all`, `forward`.
    pub(crate) fn start_composing(&mut self, how: Opening, out: &mut Vec<Command>) {
        if self.composer.is_some() {
            self.status.error =
                Some("a message is being written: send, postpone or abort it first".into());
            return;
        }
        let account = if self.list.is_open() {
            self.list.account.clone()
        } else {
            self.tree.accounts.first().cloned().unwrap_or_default()
        };
        if how == Opening::New {
            let from = self.identity(&account);
            let mut body = String::new();
            if let Some(sig) = self
                .compose_settings
                .get(&account)
                .and_then(|s| s.signature.clone())
            {
                body = compose::reply::append_signature("\n", &sig);
            }
            let draft = Draft {
                from,
                body,
                ..Draft::default()
            };
            self.open_composer(&account, "New message", draft, None);
            return;
        }
        // Reply and forward work on the message in the preview, else the one under the cursor.
        let target = match &self.preview.target {
            Some(t) if self.focus == crate::app::Pane::Preview => Some(t.clone()),
            _ => self
                .list
                .selected()
                .map(|e| (self.list.account.clone(), self.list.folder.clone(), e.uid)),
        };
        let Some((account, folder, uid)) = target else {
            self.status.info = Some("no message selected".into());
            return;
        };
        match self.store.body(&account, &folder, uid) {
            Ok(Some(raw)) => self.answer(how, &account, &folder, uid, &raw),
            Ok(None) => {
                // Not cached yet: fetch it, and answer when it arrives.
                self.pending_answer = Some((how, account.clone(), folder.clone(), uid));
                self.status.info = Some("fetching the message to answer it…".into());
                out.push(Command::FetchBody {
                    account,
                    folder,
                    uid,
                });
            }
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// The body of a message that an answer waits for arrived (or failed).
    pub(crate) fn answer_ready(&mut self, account: &str, folder: &str, uid: u32) {
        let Some((how, a, f, u)) = self.pending_answer.take() else {
            return;
        };
        if (a.as_str(), f.as_str(), u) != (account, folder, uid) {
            self.pending_answer = Some((how, a, f, u));
            return;
        }
        if let Ok(Some(raw)) = self.store.body(account, folder, uid) {
            self.answer(how, account, folder, uid, &raw);
        }
    }

    /// Open a reply or forward of the message `raw` (in `account/folder/uid`).
    fn answer(&mut self, how: Opening, account: &str, folder: &str, uid: u32, raw: &[u8]) {
        let original = compose::reply::Original::parse(raw);
        let settings = self
            .compose_settings
            .get(account)
            .cloned()
            .unwrap_or_default();
        let style = compose::reply::Style {
            attribution: if settings.attribution.is_empty() {
                compose::reply::DEFAULT_ATTRIBUTION.to_string()
            } else {
                settings.attribution.clone()
            },
            signature: settings.signature.clone(),
        };
        // Answer as the identity the original was sent to, when it was one of ours.
        let own = self.all_own_addresses();
        let addressed: Vec<&Address> = original.to.iter().chain(&original.cc).collect();
        let from = settings
            .identities
            .iter()
            .find(|i| {
                addressed
                    .iter()
                    .any(|a| a.email.eq_ignore_ascii_case(&i.email))
            })
            .cloned()
            .unwrap_or_else(|| self.identity(account));
        let (draft, title, forwarded) = match how {
            Opening::Forward => {
                let as_ = if settings.forward_attached {
                    compose::forward::ForwardAs::Attachment
                } else {
                    compose::forward::ForwardAs::Inline
                };
                (
                    compose::forward::forward(&original, from, as_, &style),
                    "Forward",
                    true,
                )
            }
            _ => (
                compose::reply::reply(&original, from, how == Opening::ReplyAll, &own, &style),
                if how == Opening::ReplyAll {
                    "Reply to all"
                } else {
                    "Reply"
                },
                false,
            ),
        };
        let answers = Answers {
            account: account.to_string(),
            folder: folder.to_string(),
            uid,
            message_id: original.message_id.clone(),
            forwarded,
        };
        // The message answered stays readable beside the composer.
        if self.show_preview && !self.preview.is_showing(account, folder, uid) {
            let width = self.preview_size().0;
            self.preview.show(account, folder, uid, raw.to_vec(), width);
        }
        self.open_composer(account, title, draft, Some(answers));
        // The cursor goes where the answer is written: under the quote (a reply), above the
        // forwarded block (a forward).
        if let Some(c) = &mut self.composer {
            let lines = c.body.lines().to_vec();
            let row = if forwarded {
                0
            } else {
                lines
                    .iter()
                    .rposition(|l| l.starts_with('>'))
                    .map_or(0, |i| (i + 1).min(lines.len().saturating_sub(1)))
            };
            c.body.move_cursor(CursorMove::Jump(row as u16, 0));
        }
    }

    /// A message of the Drafts folder opened: it resumes in the composer (its copy in Drafts
    /// is replaced when it is postponed again, and removed when it is sent).
    pub(crate) fn resume_draft(&mut self, account: &str, folder: &str, uid: u32) -> bool {
        let Ok(Some(raw)) = self.store.body(account, folder, uid) else {
            return false;
        };
        let o = compose::reply::Original::parse(&raw);
        let draft = Draft {
            from: o
                .from
                .first()
                .cloned()
                .unwrap_or_else(|| self.identity(account)),
            to: o.to.clone(),
            cc: o.cc.clone(),
            bcc: o.bcc.clone(),
            subject: o.subject.clone(),
            body: o.text.clone(),
            in_reply_to: o.in_reply_to.clone(),
            references: o.references.clone(),
            attachments: o.attachments.clone(),
            ..Draft::default()
        };
        // What it answers: a forward names the forwarded message, a reply the one it replies to.
        let answered = match (&o.forwarded_id, &o.in_reply_to) {
            (Some(id), _) => Some((id.as_str(), true)),
            (None, Some(id)) => Some((id.as_str(), false)),
            (None, None) => None,
        };
        let answers = answered.and_then(|(id, forwarded)| {
            let hint = o
                .message_id
                .as_deref()
                .and_then(|own| self.postponed_answers(own));
            self.find_answered(account, id, forwarded, hint)
        });
        self.open_composer(account, "Draft", draft, answers);
        if let Some(c) = &mut self.composer {
            c.postponed = o.message_id.clone();
        }
        true
    }

    /// What the composer said a postponed draft answers, when this tmail postponed it (the
    /// draft record of the copy whose Message-ID is `postponed`).
    fn postponed_answers(&self, postponed: &str) -> Option<Answers> {
        self.store
            .drafts()
            .ok()?
            .into_iter()
            .find(|r| r.postponed.as_deref() == Some(postponed))?
            .answers
    }

    /// The message a resumed draft answers (`forwarded`: a forward), found by its Message-ID
    /// `id`: where the draft's record said it was (`hint`) when that is still it, else in the
    /// store's folders — `account`'s first (its Inbox first, Trash and Junk last), then the
    /// other accounts'. `None` when no cached envelope has that id: the draft is still sent,
    /// only no flag is set.
    fn find_answered(
        &self,
        account: &str,
        id: &str,
        forwarded: bool,
        hint: Option<Answers>,
    ) -> Option<Answers> {
        let answers = |account: &str, folder: &str, uid: u32| Answers {
            account: account.to_string(),
            folder: folder.to_string(),
            uid,
            message_id: Some(id.to_string()),
            forwarded,
        };
        if let Some(h) = hint.filter(|h| h.message_id.as_deref() == Some(id)) {
            let still = self
                .store
                .envelope(&h.account, &h.folder, h.uid)
                .ok()
                .flatten()
                .is_some_and(|e| e.message_id.as_deref() == Some(id));
            if still {
                return Some(answers(&h.account, &h.folder, h.uid));
            }
        }
        let mut folders = self.store.folders(None).ok()?;
        folders.retain(|f| !matches!(f.role, Some(Role::Drafts | Role::Outbox)));
        folders.sort_by_key(|f| {
            let rank = match f.role {
                Some(Role::Inbox) => 0,
                None => 1,
                Some(Role::Archive | Role::Sent) => 2,
                _ => 3,
            };
            (f.account != account, rank)
        });
        for f in &folders {
            let mut found = None;
            let scanned = self
                .store
                .scan_envelope_refs(&f.account, &f.path, &mut |e| {
                    if e.message_id == Some(id) {
                        found = Some(e.uid);
                    }
                    found.is_none()
                });
            if let (Ok(()), Some(uid)) = (scanned, found) {
                return Some(answers(&f.account, &f.path, uid));
            }
        }
        None
    }

    /// At start: a message that was being written when tmail stopped (quit, killed) comes back.
    pub(crate) fn recover_composer(&mut self) {
        let Ok(drafts) = self.store.drafts() else {
            return;
        };
        let Some(r) = drafts
            .into_iter()
            .filter(|d| d.open && self.tree.accounts.contains(&d.account))
            .max_by_key(|d| d.updated)
        else {
            return;
        };
        let postponed = r.postponed.clone();
        self.open_composer(&r.account, "Recovered", r.draft, r.answers);
        if let Some(c) = &mut self.composer {
            c.postponed = postponed;
            c.save_due = None;
        }
        self.status.info =
            Some("the message you were writing is back (:abort discards it, :postpone keeps it in Drafts)".into());
    }

    /// Quitting: with a message being written, ask first (it is kept and comes back next time).
    pub(crate) fn request_quit(&mut self) {
        let waiting = self.store.outbox(None).map_or(0, |o| {
            o.iter()
                .filter(|r| {
                    matches!(
                        r.state,
                        OutboxState::Waiting { .. } | OutboxState::Sending { .. }
                    )
                })
                .count()
        });
        if self.composer.is_some() {
            self.mode = Mode::Confirm {
                prompt: if self.ephemeral {
                    "You are writing a message. Quit anyway? The demo forgets it (y/n)".into()
                } else {
                    "You are writing a message. Quit anyway? It is kept and comes back next time (y/n)"
                        .into()
                },
                on_yes: Confirmed::QuitWhileWriting,
            };
        } else if waiting > 0 {
            let n = if waiting == 1 {
                "A message waits".to_string()
            } else {
                format!("{waiting} messages wait")
            };
            self.mode = Mode::Confirm {
                prompt: if self.ephemeral {
                    format!("{n} in the Outbox: the demo forgets it. Quit anyway? (y/n)")
                } else {
                    format!("{n} in the Outbox: it goes when tmail runs next. Quit anyway? (y/n)")
                },
                on_yes: Confirmed::QuitWhileWriting,
            };
        } else {
            self.quit = true;
        }
    }
}

/// A name for an attachment in the status line.
pub fn attachment_name(a: &DraftAttachment) -> String {
    a.name.clone().unwrap_or_else(|| match &a.source {
        compose::AttachmentSource::File(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string()),
        compose::AttachmentSource::Data(_) => "(attached data)".into(),
    })
}

/// `local@domain` with something on both sides and no space.
fn valid_email(s: &str) -> bool {
    let s = s.trim();
    match s.rsplit_once('@') {
        Some((l, d)) => !l.is_empty() && !d.is_empty() && !s.contains(char::is_whitespace),
        None => false,
    }
}
