//! Keeping and sending what is written: autosave, send through the Outbox (undo-send, resend,
//! throwing away), postpone to Drafts, abort, and the $EDITOR round trip.

use std::time::{Instant, SystemTime};

use super::{now_secs, valid_email, EditRequest};
use crate::app::{App, Command, Confirmed, LineInput, Mode};
use crate::mail::compose;
use crate::mail::{Address, Flags, Role};
use crate::store::{DraftRecord, JournalOp, OutboxRecord, OutboxState};

impl App {
    /// Save the composer's draft now (as open: it is offered back at the next start).
    pub fn save_composer(&mut self) {
        let Some(c) = &mut self.composer else {
            return;
        };
        c.save_due = None;
        let r = DraftRecord {
            account: c.account.clone(),
            draft: c.draft(),
            answers: c.answers.clone(),
            updated: now_secs(),
            open: true,
            postponed: c.postponed.clone(),
        };
        if let Err(e) = self.store.put_draft(&r) {
            self.status.error = Some(format!("cannot save the message being written: {e}"));
        }
    }

    /// The timer: save the composer when its autosave is due.
    pub(crate) fn on_timer(&mut self) {
        if self
            .composer
            .as_ref()
            .and_then(|c| c.save_due)
            .is_some_and(|t| t <= Instant::now())
        {
            self.save_composer();
        }
    }

    /// When the event loop must wake up next (an autosave), if ever.
    pub fn next_wakeup(&self) -> Option<Instant> {
        self.composer.as_ref().and_then(|c| c.save_due)
    }

    /// The account that sends as `from`: the one whose identities hold it.
    fn account_for(&self, from: &Address) -> Option<String> {
        self.compose_settings
            .iter()
            .find(|(_, s)| {
                s.identities
                    .iter()
                    .any(|i| i.email.eq_ignore_ascii_case(&from.email))
            })
            .map(|(a, _)| a.clone())
    }

    /// `send`: check the message, put it in the Outbox (it waits `send_delay` seconds, undo-send
    /// takes it back), and close the composer. Nothing is lost when a check fails.
    pub(crate) fn send(&mut self, out: &mut Vec<Command>) {
        let Some(c) = &self.composer else {
            self.status.error = Some("send: no message is being written".into());
            return;
        };
        let draft = c.draft();
        let Some(account) = self.account_for(&draft.from) else {
            self.status.error = Some(format!(
                "send: From {} is none of your addresses (Tab on From lists them)",
                if draft.from.email.is_empty() {
                    "is empty and".to_string()
                } else {
                    draft.from.to_string()
                }
            ));
            return;
        };
        let settings = self
            .compose_settings
            .get(&account)
            .cloned()
            .unwrap_or_default();
        if settings.via.is_none() {
            self.status.error = Some(format!(
                "send: account {account} has no [accounts.smtp] server to send through"
            ));
            return;
        }
        if draft.to.is_empty() && draft.cc.is_empty() && draft.bcc.is_empty() {
            self.status.error = Some("send: no recipient: add an address to To, Cc or Bcc".into());
            return;
        }
        for (field, list) in [("To", &draft.to), ("Cc", &draft.cc), ("Bcc", &draft.bcc)] {
            if let Some(bad) = list.iter().find(|a| !valid_email(&a.email)) {
                self.status.error = Some(format!(
                    "send: {field}: {:?} is not an email address",
                    compose::as_typed(bad)
                ));
                return;
            }
        }
        for a in &draft.attachments {
            if let compose::AttachmentSource::File(p) = &a.source {
                if let Err(e) = std::fs::File::open(p) {
                    self.status.error = Some(format!("send: attachment {}: {e}", p.display()));
                    return;
                }
            }
        }
        if draft.subject.trim().is_empty() && !self.send_anyway {
            self.mode = Mode::Confirm {
                prompt: "Send without a subject? (y/n)".into(),
                on_yes: Confirmed::SendAnyway,
            };
            return;
        }
        self.send_anyway = false;
        let answers = c.answers.clone();
        let postponed = c.postponed.clone();
        let subject = draft.subject.clone();
        let record = OutboxRecord {
            id: 0,
            account: account.clone(),
            draft: draft.clone(),
            built: None,
            state: OutboxState::Waiting {
                not_before: now_secs() + settings.send_delay as i64,
                reason: None,
            },
            answers: answers.clone(),
            queued: now_secs(),
            attempts: 0,
        };
        let id = match self.store.outbox_push(record) {
            Ok(id) => id,
            Err(e) => {
                self.status.error = Some(format!("send: cannot queue the message: {e}"));
                return;
            }
        };
        // The draft record stays (closed) until the message is out; its Drafts copy goes.
        let _ = self.store.put_draft(&DraftRecord {
            account: account.clone(),
            draft,
            answers,
            updated: now_secs(),
            open: false,
            postponed: None,
        });
        if let Some(old) = postponed {
            self.drop_postponed(&account, &old, out);
        }
        self.composer = None;
        self.address_book = None;
        self.remember(crate::app::undo::UndoRecord::Sent {
            account: account.clone(),
            id,
        });
        self.status.info = Some(if settings.send_delay > 0 {
            format!(
                "“{subject}” goes in {} s (u or :undo-send takes it back)",
                settings.send_delay
            )
        } else {
            format!("sending “{subject}”…")
        });
        out.push(Command::SendOutbox {
            account: account.clone(),
        });
        self.outbox_changed(&account);
    }

    /// Take a message back from the Outbox into the composer, while it still waits (or after
    /// it failed). Returns false when it is gone or already being sent.
    pub(crate) fn take_back(&mut self, id: u64) -> bool {
        if self.composer.is_some() {
            self.status.error =
                Some("a message is being written: send, postpone or abort it first".into());
            return false;
        }
        let Ok(Some(rec)) = self.store.outbox_get(id) else {
            self.status.error = Some("too late: that message is no longer in the Outbox".into());
            return false;
        };
        if matches!(rec.state, OutboxState::Sending { .. }) {
            self.status.error = Some("too late: that message is being sent".into());
            return false;
        }
        match self.store.outbox_transition(&rec, None) {
            Ok(true) => {
                let account = rec.account.clone();
                self.open_composer(&account, "Taken back", rec.draft, rec.answers);
                self.outbox_changed(&account);
                self.status.info = Some("taken back: the message was not sent".into());
                true
            }
            Ok(false) => {
                self.status.error = Some("too late: the message is on its way".into());
                false
            }
            Err(e) => {
                self.status.error = Some(e.to_string());
                false
            }
        }
    }

    /// `undo-send`: the last message sent, back into the composer.
    pub(crate) fn undo_send(&mut self) {
        let last = self.undo.iter().rev().find_map(|r| match r {
            crate::app::undo::UndoRecord::Sent { id, .. } => Some(*id),
            _ => None,
        });
        match last {
            Some(id) => {
                if self.take_back(id) {
                    self.undo.retain(
                        |r| !matches!(r, crate::app::undo::UndoRecord::Sent { id: i, .. } if *i == id),
                    );
                }
            }
            None => self.status.info = Some("no message to take back".into()),
        }
    }

    /// `resend`: the Outbox message under the cursor (failed, or interrupted while sending) is
    /// sent again.
    pub(crate) fn resend(&mut self, out: &mut Vec<Command>) {
        let Some(id) = self.outbox_selected() else {
            self.status.error =
                Some("resend: open the Outbox and put the cursor on a message".into());
            return;
        };
        match self.store.outbox_resend(id, now_secs()) {
            Ok(Some(r)) => {
                out.push(Command::SendOutbox {
                    account: r.account.clone(),
                });
                self.status.info = Some(format!("sending “{}” again", r.draft.subject));
                self.outbox_changed(&r.account);
            }
            Ok(None) => self.status.info = Some(
                "only a failed or interrupted message is sent again (a waiting one goes by itself)"
                    .into(),
            ),
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// Throw an Outbox message away (unless the worker is sending it right now).
    pub(crate) fn drop_outbox(&mut self, id: u64) {
        let Ok(Some(rec)) = self.store.outbox_get(id) else {
            return;
        };
        if matches!(rec.state, OutboxState::Sending { .. }) {
            self.status.error = Some("too late: that message is being sent".into());
            return;
        }
        match self.store.outbox_transition(&rec, None) {
            Ok(true) => {
                let _ = self.store.remove_draft(&rec.draft.id);
                self.status.info = Some(format!("“{}” thrown away, not sent", rec.draft.subject));
                self.outbox_changed(&rec.account);
            }
            Ok(false) => self.status.error = Some("it changed meanwhile: look again".into()),
            Err(e) => self.status.error = Some(e.to_string()),
        }
    }

    /// The Outbox record under the list cursor, when the Outbox is open.
    pub(crate) fn outbox_selected(&self) -> Option<u64> {
        if !self.is_outbox(&self.list.account, &self.list.folder) {
            return None;
        }
        let uid = self.list.selected()?.uid;
        self.outbox_ids.get(uid.checked_sub(1)? as usize).copied()
    }

    /// Remove a postponed copy from Drafts (the message was sent or postponed again).
    fn drop_postponed(&mut self, account: &str, message_id: &str, out: &mut Vec<Command>) {
        let Some(drafts) = self.account_role_folder(account, Role::Drafts) else {
            return;
        };
        let mut gone = Vec::new();
        if let Ok(envs) = self.store.envelopes(account, &drafts) {
            for e in envs
                .iter()
                .filter(|e| e.message_id.as_deref() == Some(message_id))
            {
                if let Ok(Some(_)) = self.store.remove_message(account, &drafts, e.uid) {
                    gone.push(e.uid);
                }
            }
        }
        // Drafts may be the folder shown: its row goes now (a resumed draft, sent).
        self.list_removed(account, &drafts, &gone);
        crate::app::mailops::journal(
            self,
            account,
            JournalOp::ExpungeId {
                folder: drafts.clone(),
                message_id: message_id.to_string(),
            },
            out,
        );
        crate::app::mailops::refresh_counts(self, account, &drafts);
    }

    /// `postpone`: the message goes to the Drafts folder (replacing its earlier copy there)
    /// and the composer closes.
    pub(crate) fn postpone(&mut self, out: &mut Vec<Command>) {
        let Some(c) = &self.composer else {
            self.status.error = Some("postpone: no message is being written".into());
            return;
        };
        let account = c.account.clone();
        let Some(drafts) = self.account_role_folder(&account, Role::Drafts) else {
            self.status.error = Some(format!(
                "postpone: {account} has no Drafts folder: set [accounts.folders] drafts = \"NAME\""
            ));
            return;
        };
        let draft = c.draft();
        let mut for_drafts = draft.clone();
        if for_drafts.from.email.is_empty() {
            for_drafts.from = self.identity(&account);
        }
        // A forward names what it forwards, so that sending it once resumed flags that.
        let forwards = c
            .answers
            .as_ref()
            .filter(|a| a.forwarded)
            .and_then(|a| a.message_id.clone());
        let built = match compose::build_draft(&for_drafts, forwards.as_deref(), SystemTime::now())
        {
            Ok(b) => b,
            Err(e) => {
                self.status.error = Some(format!("postpone: {e}"));
                return;
            }
        };
        let old = c.postponed.clone();
        let answers = c.answers.clone();
        if let Some(old) = old {
            self.drop_postponed(&account, &old, out);
        }
        let Some(local_uid) =
            crate::app::mailops::report(self, self.store.allocate_uid(&account, &drafts))
        else {
            return;
        };
        let flags = Flags::default()
            .with(Flags::SEEN, true)
            .with(Flags::DRAFT, true);
        let env = crate::mail::parse::envelope_from_raw(&built.bytes, local_uid, flags, now_secs());
        if crate::app::mailops::report(self, self.store.put_envelopes(&account, &drafts, &[env]))
            .is_none()
            || crate::app::mailops::report(
                self,
                self.store
                    .put_body(&account, &drafts, local_uid, &built.bytes),
            )
            .is_none()
        {
            return;
        }
        crate::app::mailops::journal_for(
            self,
            &account,
            JournalOp::Append {
                folder: drafts.clone(),
                local_uid,
                flags,
                message: built.bytes.clone(),
            },
            Some(built.message_id.clone()),
            out,
        );
        let _ = self.store.put_draft(&DraftRecord {
            account: account.clone(),
            draft,
            answers,
            updated: now_secs(),
            open: false,
            postponed: Some(built.message_id.clone()),
        });
        self.composer = None;
        self.address_book = None;
        crate::app::mailops::refresh_counts(self, &account, &drafts);
        if self.list.account == account && self.list.folder == drafts {
            self.reload_list();
        }
        self.status.info = Some(format!("postponed to {drafts} (open it there to go on)"));
    }

    /// `abort`: discard the message being written, after asking.
    pub(crate) fn abort(&mut self) {
        if self.composer.is_none() {
            self.status.info = Some("no message is being written".into());
            return;
        }
        self.mode = Mode::Confirm {
            prompt:
                "Discard this message? (y: discard; n: keep writing — :postpone keeps it in Drafts)"
                    .into(),
            on_yes: Confirmed::DiscardMessage,
        };
    }

    /// The user said yes to discarding.
    pub(crate) fn discard(&mut self) {
        if let Some(c) = self.composer.take() {
            let _ = self.store.remove_draft(&c.draft_id);
            self.address_book = None;
            self.status.info = Some("message discarded".into());
        }
    }

    /// `edit`: write the body (or the whole message with `edit_headers`) to a private file and
    /// ask the event loop to run $EDITOR on it.
    pub(crate) fn edit(&mut self) {
        let Some(c) = &self.composer else {
            self.status.error = Some("edit: no message is being written".into());
            return;
        };
        let text = if self.edit_headers {
            format!(
                "From: {}\nTo: {}\nCc: {}\nBcc: {}\nSubject: {}\n\n{}\n",
                c.from.text,
                c.to.text,
                c.cc.text,
                c.bcc.text,
                c.subject.text,
                c.body_text()
            )
        } else {
            format!("{}\n", c.body_text())
        };
        if self.scratch.is_none() {
            match crate::files::Scratch::new() {
                Ok(s) => self.scratch = Some(s),
                Err(e) => {
                    self.status.error = Some(format!("edit: no private directory: {e}"));
                    return;
                }
            }
        }
        let Some(scratch) = &self.scratch else {
            return;
        };
        match scratch.write("message.txt", text.as_bytes()) {
            Ok(path) => self.editor = Some(EditRequest { path }),
            Err(e) => self.status.error = Some(format!("edit: {e}")),
        }
    }

    /// $EDITOR finished: read the text back, unless it failed (the text stays as it was).
    pub(crate) fn edited(&mut self, path: &std::path::Path, ok: bool, message: Option<String>) {
        if !ok {
            self.status.error = Some(format!(
                "the editor failed{}: the message is as it was",
                message.map(|m| format!(" ({m})")).unwrap_or_default()
            ));
            return;
        }
        let text = match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => {
                self.status.error = Some(format!("cannot read back the edited message: {e}"));
                return;
            }
        };
        let headers = self.edit_headers;
        let Some(c) = &mut self.composer else {
            return;
        };
        if headers {
            let (head, body) = match text.split_once("\n\n") {
                Some((h, b)) => (h.to_string(), b.to_string()),
                None => (String::new(), text.clone()),
            };
            for line in head.lines() {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                let value = value.trim();
                match name.trim().to_ascii_lowercase().as_str() {
                    "from" => c.from = LineInput::with(value),
                    "to" => c.to = LineInput::with(value),
                    "cc" => c.cc = LineInput::with(value),
                    "bcc" => c.bcc = LineInput::with(value),
                    "subject" => c.subject = LineInput::with(value),
                    _ => {}
                }
            }
            c.set_body(&body);
        } else {
            c.set_body(&text);
        }
        c.touch();
        self.status.info = Some("edited".into());
    }
}
