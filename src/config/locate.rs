//! Finding keys in the text of a TOML file, so errors found after parsing can still name a line.

/// The dotted key (`accounts[0].imap.port`) defined on `line` (1-based), from the table headers above it.
pub fn key_at_line(text: &str, line: usize) -> String {
    let mut table = String::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(h) = t.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let h = h.trim().to_string();
            let n = counts.entry(h.clone()).or_insert(0);
            table = format!("{h}[{n}]");
            *n += 1;
        } else if let Some(h) = t.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = array_path(h.trim(), &counts);
        }
        if i + 1 == line {
            let name = t.split('=').next().unwrap_or("").trim().trim_matches('"');
            if t.starts_with('[') || !t.contains('=') {
                return table;
            }
            return if table.is_empty() {
                name.to_string()
            } else {
                format!("{table}.{name}")
            };
        }
    }
    table
}

/// `accounts.imap` under the second `[[accounts]]` is `accounts[1].imap`.
fn array_path(header: &str, counts: &std::collections::HashMap<String, usize>) -> String {
    let mut out = String::new();
    let mut prefix = String::new();
    for part in header.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(part);
        if let Some(n) = counts.get(&prefix) {
            out.push_str(&format!("[{}]", n.saturating_sub(1)));
        }
    }
    out
}

/// The line (1-based) where a dotted key is set, if it is in the file.
pub fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let n = text.lines().count();
    let found = (1..=n).find(|&l| key_at_line(text, l) == key);
    // A key that is not written (missing) is reported at its table header.
    found.or_else(|| {
        let parent = key.rsplit_once('.').map(|(p, _)| p)?;
        (1..=n).find(|&l| {
            let t = text.lines().nth(l - 1).unwrap_or("").trim();
            t.starts_with('[') && key_at_line(text, l) == parent
        })
    })
}
