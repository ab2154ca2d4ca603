//! How the demo's people write: signatures, quoted replies with an attribution line, and
//! RFC 3676 format=flowed text.

use super::build::Thread;
use super::people::local_time;

/// RFC 3676 format=flowed from logical lines: a line may start with `>` quote markers and
/// is wrapped at 72 columns with trailing-space soft breaks.
pub(super) fn flow(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let depth = line.chars().take_while(|&c| c == '>').count();
        let content = line[depth..].strip_prefix(' ').unwrap_or(&line[depth..]);
        let prefix = if depth > 0 {
            format!("{} ", ">".repeat(depth))
        } else {
            String::new()
        };
        if line == "-- " {
            out.push_str("-- \n");
            continue;
        }
        let width = 72 - prefix.len();
        let mut rows: Vec<String> = Vec::new();
        let mut row = String::new();
        for word in content.split(' ') {
            if !row.is_empty() && row.len() + word.len() + 1 > width {
                rows.push(std::mem::take(&mut row) + " ");
            }
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
        rows.push(row);
        for row in rows {
            let stuff = depth == 0
                && (row.starts_with(' ') || row.starts_with('>') || row.starts_with("From "));
            if row.is_empty() {
                // An empty quoted line keeps no trailing space: that would make it flowed.
                out.push_str(prefix.trim_end());
                out.push('\n');
                continue;
            }
            out.push_str(&prefix);
            if stuff {
                out.push(' ');
            }
            out.push_str(&row);
            out.push('\n');
        }
    }
    out
}

/// Appends a signature block after the standard `-- ` separator.
pub(super) fn signed(body: &str, signature: &str) -> String {
    format!("{}\n-- \n{signature}\n", body.trim_end())
}

/// Every line of `text` prefixed with `> ` (a bare `>` on empty lines), as a reply quotes
/// its parent.
fn quote(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        out.push_str(if line.is_empty() { ">" } else { "> " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The attribution line above a quote, in the quoted author's time zone.
fn wrote(parent: &Thread) -> String {
    let when = local_time(parent.at, parent.from.tz).format("%a, %-d %b %Y at %H:%M");
    format!("On {when}, {} wrote:", parent.from.name)
}

/// A top-posted reply: the new text, then the attribution and the quoted parent.
pub(super) fn top_post(new: &str, parent: &Thread, parent_body: &str) -> String {
    format!(
        "{}\n\n{}\n{}",
        new.trim_end(),
        wrote(parent),
        quote(parent_body)
    )
}
