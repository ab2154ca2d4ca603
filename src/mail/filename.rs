//! Safe file names for parts of a message: a name chosen by a sender becomes one path
//! component that cannot climb directories, hide itself, reorder what the user reads or
//! overflow the file system, and keeps its extension. Pure string work: no disk.

/// The longest name produced, in bytes (file systems allow 255; room is left for `-12`).
pub const MAX_NAME_BYTES: usize = 200;
/// The longest extension kept whole when a long name is cut, in bytes (without the dot).
const MAX_EXT_BYTES: usize = 16;

/// Invisible characters that change how a name reads: bidi controls (U+202E makes
/// `gpj.exe` read `exe.jpg`), zero-width characters and other format controls, the soft
/// hyphen, and the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// `name` (a decoded `filename`/`name` parameter, RFC 2183 §2.3 / RFC 2231) as one safe path
/// component:
///
/// - `/` and `\` become `_` (no directory is ever named, `../x` cannot climb);
/// - control characters (C0, DEL, C1), bidi controls, zero-width and other invisible format
///   characters are removed; line breaks and tabs become spaces; runs of spaces become one;
/// - leading dots and spaces are removed (no hidden file, no `.` or `..`), as are trailing
///   dots and spaces;
/// - at most [`MAX_NAME_BYTES`] bytes, cut at a character boundary, keeping an extension of
///   up to 16 bytes (`long….pdf` keeps `.pdf`);
/// - an empty result becomes `fallback` (sanitized the same way; `attachment` if that is
///   empty too).
pub fn sanitize_file_name(name: &str, fallback: &str) -> String {
    let cleaned = clean(name);
    if !cleaned.is_empty() {
        return cap(&cleaned);
    }
    let fallback = clean(fallback);
    if fallback.is_empty() {
        "attachment".to_owned()
    } else {
        cap(&fallback)
    }
}

fn clean(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        let c = match c {
            '/' | '\\' => '_',
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => ' ',
            c if c.is_control() || is_invisible(c) => continue,
            c => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    let trimmed = out
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    trimmed.to_owned()
}

/// The largest index `<= at` that is a char boundary of `s`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn cap(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let (stem, ext) = match split_extension(name) {
        (stem, Some(e)) if e.len() <= MAX_EXT_BYTES => (stem, Some(e)),
        _ => (name, None),
    };
    let room = MAX_NAME_BYTES - ext.map_or(0, |e| e.len() + 1);
    let mut out = stem[..floor_boundary(stem, room)]
        .trim_end_matches(['.', ' '])
        .to_owned();
    if let Some(e) = ext {
        out.push('.');
        out.push_str(e);
    }
    out
}

/// Splits `a.tar.gz` into (`a.tar`, `gz`); a name without a dot (or only a leading one)
/// has no extension.
pub fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => (&name[..i], Some(&name[i + 1..])),
        _ => (name, None),
    }
}

/// `name` made different from every name for which `taken` is true: `a.pdf`, then
/// `a-1.pdf`, `a-2.pdf`, … (the extension stays last). `None` after 10,000 tries.
pub fn unique_name(name: &str, mut taken: impl FnMut(&str) -> bool) -> Option<String> {
    if !taken(name) {
        return Some(name.to_owned());
    }
    let (stem, ext) = split_extension(name);
    (1..10_000).find_map(|n| {
        let candidate = match ext {
            Some(e) => format!("{stem}-{n}.{e}"),
            None => format!("{stem}-{n}"),
        };
        (!taken(&candidate)).then_some(candidate)
    })
}

/// A usual file extension for a MIME type (`application/pdf` → `pdf`), for parts that carry
/// no name; `None` when the type has none known.
pub fn extension_for(mime: &str) -> Option<&'static str> {
    let mime = mime.trim().to_ascii_lowercase();
    match mime.as_str() {
        "text/plain" => Some("txt"),
        "text/html" => Some("html"),
        "message/rfc822" | "message/global" => Some("eml"),
        "image/jpeg" => Some("jpg"),
        "application/octet-stream" => None,
        m => mime_guess::get_mime_extensions_str(m).and_then(|e| e.first().copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_become_one_plain_component() {
        let s = |n: &str| sanitize_file_name(n, "part");
        assert_eq!(s("report.pdf"), "report.pdf");
        assert_eq!(s("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(s("..\\..\\boot.ini"), "_.._boot.ini");
        assert_eq!(s("/etc/shadow"), "_etc_shadow");
        assert_eq!(s(".bashrc"), "bashrc");
        assert_eq!(s("..."), "part");
        assert_eq!(s(".."), "part");
        assert_eq!(s(""), "part");
        assert_eq!(s("   "), "part");
        assert_eq!(s("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(s("a\u{200B}b\u{2066}c\u{FEFF}.txt"), "abc.txt");
        assert_eq!(s("bell\x07\x1b[31mred\u{9b}.txt"), "bell[31mred.txt");
        assert_eq!(s("two\r\nlines\t.txt"), "two lines .txt");
        assert_eq!(s("trailing dots. . ."), "trailing dots");
        assert_eq!(s("  spaced   out  .txt"), "spaced out .txt");
        assert_eq!(s("日本語の資料.pdf"), "日本語の資料.pdf");
        assert_eq!(sanitize_file_name("", ""), "attachment");
        assert_eq!(sanitize_file_name("\u{202E}", "../x"), "_x");
        for hostile in ["../", "a/b/../../c", "\u{202E}exe.jpg", ".\u{0}."] {
            let out = s(hostile);
            assert!(!out.contains('/') && !out.contains('\\') && !out.starts_with('.'));
            assert!(!out.chars().any(|c| c.is_control() || is_invisible(c)));
            assert!(!out.is_empty());
        }
    }

    #[test]
    fn long_names_are_cut_and_keep_the_extension() {
        let long = format!("{}.pdf", "a".repeat(500));
        let out = sanitize_file_name(&long, "x");
        assert_eq!(out.len(), MAX_NAME_BYTES);
        assert!(out.ends_with("a.pdf"));
        // multi-byte characters are never split
        let long = format!("{}.txt", "é".repeat(300));
        let out = sanitize_file_name(&long, "x");
        assert!(
            out.len() <= MAX_NAME_BYTES && out.ends_with("é.txt"),
            "{out}"
        );
        // an absurd "extension" is not kept whole
        let long = format!("x.{}", "b".repeat(400));
        assert_eq!(sanitize_file_name(&long, "x").len(), MAX_NAME_BYTES);
    }

    #[test]
    fn unique_names_keep_the_extension_last() {
        let taken = ["a.pdf", "a-1.pdf", "notes"];
        let free = |n: &str| taken.contains(&n);
        assert_eq!(unique_name("b.pdf", free).as_deref(), Some("b.pdf"));
        assert_eq!(unique_name("a.pdf", free).as_deref(), Some("a-2.pdf"));
        assert_eq!(unique_name("notes", free).as_deref(), Some("notes-1"));
        assert_eq!(unique_name("x", |_| true), None);
        assert_eq!(split_extension("a.tar.gz"), ("a.tar", Some("gz")));
        assert_eq!(split_extension("Makefile"), ("Makefile", None));
        assert_eq!(split_extension("dot."), ("dot.", None));
    }

    #[test]
    fn extensions_for_types() {
        assert_eq!(extension_for("application/pdf"), Some("pdf"));
        assert_eq!(extension_for("IMAGE/PNG"), Some("png"));
        assert_eq!(extension_for("image/jpeg"), Some("jpg"));
        assert_eq!(extension_for("text/plain"), Some("txt"));
        assert_eq!(extension_for("message/rfc822"), Some("eml"));
        assert_eq!(extension_for("application/octet-stream"), None);
        assert_eq!(extension_for("application/x-nothing-known"), None);
    }
}
