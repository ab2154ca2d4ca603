//! The one registry of user-visible commands: name, description and the operation it runs.
//! The keymap, the `:` line, the `?` help and the which-key popup all read this table.

/// What a command does. `App::update` interprets these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Next,
    Prev,
    First,
    Last,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    NextMessage,
    PrevMessage,
    FocusLeft,
    FocusRight,
    FocusNext,
    FocusPrev,
    FocusFolders,
    FocusList,
    FocusPreview,
    Open,
    Back,
    Cancel,
    Quit,
    Help,
    CommandLine,
    Search,
    SearchNext,
    SearchPrev,
    ToggleFold,
    FoldAll,
    UnfoldAll,
    ToggleThreads,
    TogglePreview,
    ToggleFolders,
    ToggleLayout,
    Read,
    Unread,
    ToggleRead,
    Flag,
    Unflag,
    ToggleFlag,
    Delete,
    Archive,
    MovePrompt,
    CopyPrompt,
    Move,
    Copy,
    Folder,
    Theme,
    Sync,
    Redraw,
    Suspend,
    Visual,
    SelectThread,
    Undo,
    Mkdir,
    Rename,
    Rmdir,
    FolderPicker,
    ServerSearchPrompt,
    // Keys of the modes' own layers (the `:` line and prompts, the picker, confirmations).
    Submit,
    Complete,
    CompletePrev,
    HistoryPrev,
    HistoryNext,
    CursorLeft,
    CursorRight,
    LineStart,
    LineEnd,
    DeleteBack,
    DeleteForward,
    DeleteWord,
    DeleteToStart,
    Yes,
    No,
    // Writing mail.
    Compose,
    Reply,
    ReplyAll,
    Forward,
    Send,
    Postpone,
    Attach,
    Detach,
    Edit,
    Abort,
    UndoSend,
    Resend,
    // The composer's own keys (normal and insert mode).
    InsertMode,
    AppendMode,
    InsertLineStart,
    AppendLineEnd,
    OpenBelow,
    OpenAbove,
    NormalMode,
    CursorUp,
    CursorDown,
    WordForward,
    WordBack,
    DeleteChar,
    DeleteLine,
    DeleteToEnd,
    Redo,
    NextField,
    PrevField,
    // Reading all the way.
    Attachments,
    Save,
    SaveAll,
    View,
    Pipe,
    PipeMessage,
    Links,
    Yank,
    ToggleHeaders,
    Source,
    OpenHtml,
}

/// Where a command makes sense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Anywhere: bound to keys in any context and typed on the `:` line.
    Anywhere,
    /// Only as a key in a mode's layer (`input`, `picker`, `confirm`, `composer`...): editing
    /// a line, answering a question. Not typed on the `:` line.
    Mode,
}

/// One registered command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub op: Op,
    /// `Some(hint)` when the command takes an argument on the `:` line.
    pub arg: Option<&'static str>,
    pub scope: Scope,
}

const fn cmd(name: &'static str, op: Op, description: &'static str) -> CommandSpec {
    CommandSpec {
        name,
        description,
        op,
        arg: None,
        scope: Scope::Anywhere,
    }
}

const fn key_cmd(name: &'static str, op: Op, description: &'static str) -> CommandSpec {
    CommandSpec {
        name,
        description,
        op,
        arg: None,
        scope: Scope::Mode,
    }
}

const fn cmd_arg(
    name: &'static str,
    op: Op,
    arg: &'static str,
    description: &'static str,
) -> CommandSpec {
    CommandSpec {
        name,
        description,
        op,
        arg: Some(arg),
        scope: Scope::Anywhere,
    }
}

/// Every command tmail knows, in the order the help shows them.
pub const COMMANDS: &[CommandSpec] = &[
    cmd(
        "next",
        Op::Next,
        "Move down one row (scroll one line in the preview)",
    ),
    cmd(
        "prev",
        Op::Prev,
        "Move up one row (scroll one line in the preview)",
    ),
    cmd(
        "first",
        Op::First,
        "Go to the first row / top of the message",
    ),
    cmd("last", Op::Last, "Go to the last row / end of the message"),
    cmd("half-page-down", Op::HalfPageDown, "Move down half a page"),
    cmd("half-page-up", Op::HalfPageUp, "Move up half a page"),
    cmd("page-down", Op::PageDown, "Move down a page"),
    cmd("page-up", Op::PageUp, "Move up a page"),
    cmd(
        "next-message",
        Op::NextMessage,
        "Open the next message in the list",
    ),
    cmd(
        "prev-message",
        Op::PrevMessage,
        "Open the previous message in the list",
    ),
    cmd("focus-left", Op::FocusLeft, "Focus the pane to the left"),
    cmd("focus-right", Op::FocusRight, "Focus the pane to the right"),
    cmd("focus-next", Op::FocusNext, "Focus the next pane"),
    cmd("focus-prev", Op::FocusPrev, "Focus the previous pane"),
    cmd("focus-folders", Op::FocusFolders, "Focus the folder tree"),
    cmd("focus-list", Op::FocusList, "Focus the message list"),
    cmd("focus-preview", Op::FocusPreview, "Focus the preview"),
    cmd(
        "open",
        Op::Open,
        "Open the folder or message under the cursor",
    ),
    cmd(
        "back",
        Op::Back,
        "Go back (close preview or popup); quit from the list",
    ),
    cmd(
        "cancel",
        Op::Cancel,
        "Cancel what is in progress: a prompt, a popup, a count or prefix, the selection, a search (never quits)",
    ),
    cmd("quit", Op::Quit, "Quit tmail"),
    cmd("help", Op::Help, "Show every command and its keys"),
    cmd(
        "command-line",
        Op::CommandLine,
        "Type a command (:quit, :folder NAME, ...)",
    ),
    cmd_arg(
        "search",
        Op::Search,
        "TEXT",
        "Search this folder locally (sender, recipients, subject, cached bodies); --server QUERY asks the server",
    ),
    cmd("search-next", Op::SearchNext, "Go to the next search hit"),
    cmd(
        "search-prev",
        Op::SearchPrev,
        "Go to the previous search hit",
    ),
    cmd(
        "toggle-fold",
        Op::ToggleFold,
        "Fold or unfold the thread under the cursor (list) or the folder under the cursor (folder tree); a folded thread is one row, acted on as a whole",
    ),
    cmd(
        "fold-all",
        Op::FoldAll,
        "Fold every thread of the list (or every folder of the tree)",
    ),
    cmd(
        "unfold-all",
        Op::UnfoldAll,
        "Unfold every thread of the list (or every folder of the tree)",
    ),
    cmd(
        "toggle-threads",
        Op::ToggleThreads,
        "Switch between threaded and flat list",
    ),
    cmd(
        "toggle-preview",
        Op::TogglePreview,
        "Show or hide the preview pane",
    ),
    cmd(
        "toggle-folders",
        Op::ToggleFolders,
        "Show or hide the folder pane (hidden by default on narrow terminals)",
    ),
    cmd(
        "toggle-layout",
        Op::ToggleLayout,
        "Switch between columns and rows layout",
    ),
    cmd("read", Op::Read, "Mark as read"),
    cmd("unread", Op::Unread, "Mark as unread"),
    cmd("toggle-read", Op::ToggleRead, "Toggle read/unread"),
    cmd("flag", Op::Flag, "Flag the message"),
    cmd("unflag", Op::Unflag, "Remove the flag"),
    cmd("toggle-flag", Op::ToggleFlag, "Toggle the flag"),
    cmd(
        "delete",
        Op::Delete,
        "Move to Trash (in Trash: delete for good, after asking)",
    ),
    cmd("archive", Op::Archive, "Move to the Archive folder"),
    cmd(
        "move-prompt",
        Op::MovePrompt,
        "Move to a folder picked with fuzzy filtering",
    ),
    cmd(
        "copy-prompt",
        Op::CopyPrompt,
        "Copy to a folder picked with fuzzy filtering",
    ),
    cmd_arg("move", Op::Move, "FOLDER", "Move the message to FOLDER"),
    cmd_arg("copy", Op::Copy, "FOLDER", "Copy the message to FOLDER"),
    cmd_arg("folder", Op::Folder, "NAME", "Open the folder NAME"),
    cmd_arg("theme", Op::Theme, "NAME", "Switch to the theme NAME"),
    cmd("sync", Op::Sync, "Check the server for new mail now"),
    cmd("redraw", Op::Redraw, "Redraw the whole screen"),
    cmd(
        "suspend",
        Op::Suspend,
        "Suspend tmail to the shell (fg resumes)",
    ),
    cmd("visual", Op::Visual, "Start or end a visual selection of messages (like vim's v)"),
    cmd("select-thread", Op::SelectThread, "Select the whole thread under the cursor"),
    cmd("undo", Op::Undo, "Undo the last change (a move, a delete to Trash, a flag change, a send while it waits; in the composer, an edit)"),
    cmd_arg("mkdir", Op::Mkdir, "NAME", "Create a folder"),
    cmd_arg("rename", Op::Rename, "NEW", "Rename the open folder"),
    cmd("rmdir", Op::Rmdir, "Delete the open folder (asks first)"),
    cmd("folder-picker", Op::FolderPicker, "Open a folder chosen with fuzzy filtering"),
    cmd("server-search", Op::ServerSearchPrompt, "Search the open folder on the server (asks the query)"),
    key_cmd("submit", Op::Submit, "Run the line; pick the highlighted choice"),
    key_cmd("complete", Op::Complete, "Complete the word (again: the next candidate)"),
    key_cmd("complete-prev", Op::CompletePrev, "The previous completion candidate"),
    key_cmd("history-prev", Op::HistoryPrev, "The previous line typed (starting with what is typed)"),
    key_cmd("history-next", Op::HistoryNext, "The next line typed"),
    key_cmd("cursor-left", Op::CursorLeft, "Move the text cursor left"),
    key_cmd("cursor-right", Op::CursorRight, "Move the text cursor right"),
    key_cmd("line-start", Op::LineStart, "Move the text cursor to the start"),
    key_cmd("line-end", Op::LineEnd, "Move the text cursor to the end"),
    key_cmd("delete-back", Op::DeleteBack, "Delete the character before the cursor"),
    key_cmd("delete-forward", Op::DeleteForward, "Delete the character under the cursor"),
    key_cmd("delete-word", Op::DeleteWord, "Delete the word before the cursor"),
    key_cmd("delete-to-start", Op::DeleteToStart, "Delete everything before the cursor (on the : line, in an argument: back to the argument's start; again: the whole line)"),
    key_cmd("yes", Op::Yes, "Answer yes"),
    key_cmd("no", Op::No, "Answer no"),
    cmd("compose", Op::Compose, "Write a new message"),
    cmd("reply", Op::Reply, "Reply to the sender (Reply-To, Mail-Followup-To honoured)"),
    cmd("reply-all", Op::ReplyAll, "Reply to the sender and every recipient but you"),
    cmd("forward", Op::Forward, "Forward the message (inline or attached: forward_as)"),
    cmd("send", Op::Send, "Send the message being written (it waits send_delay seconds in the Outbox)"),
    cmd("postpone", Op::Postpone, "Save the message being written to Drafts and close it"),
    cmd_arg("attach", Op::Attach, "PATH", "Attach a file to the message being written (Tab completes paths)"),
    cmd_arg("detach", Op::Detach, "N", "Remove attachment N (or the one under the cursor)"),
    cmd("edit", Op::Edit, "Edit the message in $VISUAL / $EDITOR"),
    cmd("abort", Op::Abort, "Discard the message being written (after asking)"),
    cmd("undo-send", Op::UndoSend, "Take the last sent message back into the composer while it waits"),
    cmd("resend", Op::Resend, "Send again the Outbox message under the cursor (failed or interrupted)"),
    key_cmd("insert", Op::InsertMode, "Type text before the cursor (insert mode)"),
    key_cmd("append", Op::AppendMode, "Type text after the cursor"),
    key_cmd("insert-line-start", Op::InsertLineStart, "Type text at the start of the line"),
    key_cmd("append-line-end", Op::AppendLineEnd, "Type text at the end of the line"),
    key_cmd("open-below", Op::OpenBelow, "Open a line below and type there"),
    key_cmd("open-above", Op::OpenAbove, "Open a line above and type there"),
    key_cmd("normal-mode", Op::NormalMode, "Stop typing (normal mode)"),
    key_cmd("cursor-up", Op::CursorUp, "Move the text cursor up (to the field above at the top)"),
    key_cmd("cursor-down", Op::CursorDown, "Move the text cursor down (to the field below)"),
    key_cmd("word-forward", Op::WordForward, "Move to the next word"),
    key_cmd("word-back", Op::WordBack, "Move to the previous word"),
    key_cmd("delete-char", Op::DeleteChar, "Delete the character under the cursor (an attachment on that line)"),
    key_cmd("delete-line", Op::DeleteLine, "Delete the line (clear a field; remove an attachment)"),
    key_cmd("delete-to-end", Op::DeleteToEnd, "Delete to the end of the line"),
    key_cmd("redo", Op::Redo, "Redo what undo took back"),
    key_cmd("next-field", Op::NextField, "The next field (in an address: complete it first)"),
    key_cmd("prev-field", Op::PrevField, "The previous field"),
    cmd("attachments", Op::Attachments, "List every part of the message (save, open, pipe, view)"),
    cmd_arg("save", Op::Save, "PATH", "Save the part under the cursor of the parts list (Tab completes paths)"),
    cmd("save-all", Op::SaveAll, "Save every attachment of the message (to attachment_dir, never overwriting)"),
    cmd("view", Op::View, "Show the part under the cursor in the preview (a forwarded message as a message)"),
    cmd_arg("pipe", Op::Pipe, "COMMAND", "Pipe the part under the cursor to a shell command"),
    cmd_arg("pipe-message", Op::PipeMessage, "COMMAND", "Pipe the whole raw message to a shell command (git am, a spam reporter)"),
    cmd("links", Op::Links, "List the links of the message: open one, or copy it"),
    cmd_arg("yank", Op::Yank, "WHAT", "Copy a link, an address, the subject or the Message-ID (to your clipboard, over SSH too)"),
    cmd("toggle-headers", Op::ToggleHeaders, "Show every header of the message, or the usual few"),
    cmd("source", Op::Source, "Show the raw message, nothing decoded (again: back to the message)"),
    cmd("open-html", Op::OpenHtml, "Open the HTML part in a browser (remote content blocked)"),
];

/// Look a command up by name (also accepts a few vim-style aliases on the `:` line).
pub fn lookup(name: &str) -> Option<&'static CommandSpec> {
    let name = match name {
        "q" | "q!" | "qa" | "quit!" => "quit",
        "h" => "help",
        "s" => "search",
        "f" | "cd" => "folder",
        other => other,
    };
    COMMANDS.iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_described() {
        for (i, a) in COMMANDS.iter().enumerate() {
            assert!(!a.description.is_empty(), "{} has no description", a.name);
            for b in &COMMANDS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.op, b.op, "{} and {} share an op", a.name, b.name);
            }
        }
    }

    #[test]
    fn readme_lists_every_command() {
        let readme = include_str!("../../README.md");
        for c in COMMANDS {
            assert!(
                readme.contains(&format!("`:{}", c.name)),
                "README does not list :{}",
                c.name
            );
        }
    }

    #[test]
    fn aliases_resolve() {
        assert_eq!(lookup("q").map(|c| c.op), Some(Op::Quit));
        assert_eq!(lookup("folder").map(|c| c.op), Some(Op::Folder));
        assert!(lookup("no-such-command").is_none());
    }
}
