//! Generated test mail of varied MIME: plain, HTML-only, alternative, attachments, Latin-1,
//! encoded-word subjects, long lines, and a malformed one now and then. Subject `#<i> ...` is unique.

fn b64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (n, c) in data.chunks(3).enumerate() {
        if n > 0 && n % 19 == 0 {
            out.push_str("\r\n");
        }
        let b = [c[0], *c.get(1).unwrap_or(&0), *c.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Message `i` of a varied set; `date` is seconds after 2026-01-01.
pub fn message(i: usize) -> Vec<u8> {
    let date = chrono::DateTime::from_timestamp(1_767_225_600 + (i as i64) * 3600, 0)
        .expect("date")
        .to_rfc2822();
    let head = |subject: &str, ctype: &str| {
        format!(
            "From: Sender {n} <sender{n}@example.test>\r\nTo: Test User <user@example.test>\r\nDate: {date}\r\nSubject: {subject}\r\nMessage-ID: <msg{i}@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: {ctype}\r\n",
            n = i % 17
        )
    };
    let text = match i % 8 {
        0 => format!("{}\r\nHello number {i}.\r\n\r\n> quoted line\r\n-- \r\nsig\r\n", head(&format!("#{i} plain"), "text/plain; charset=utf-8")),
        1 => format!("{}\r\n<html><body><h1>News {i}</h1><p>An <b>HTML</b> only mail.</p></body></html>\r\n", head(&format!("#{i} html"), "text/html; charset=utf-8")),
        2 => format!(
            "{}\r\n--b{i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain part {i}\r\n--b{i}\r\nContent-Type: text/html\r\n\r\n<p>html part {i}</p>\r\n--b{i}--\r\n",
            head(&format!("#{i} alternative"), &format!("multipart/alternative; boundary=\"b{i}\""))
        ),
        3 => format!(
            "{}\r\n--m{i}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--m{i}\r\nContent-Type: application/pdf; name=\"r{i}.pdf\"\r\nContent-Disposition: attachment; filename=\"r{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--m{i}--\r\n",
            head(&format!("#{i} attachment"), &format!("multipart/mixed; boundary=\"m{i}\"")),
            b64(&vec![b'%'; 300 + i % 500])
        ),
        4 => {
            let mut v = head(&format!("=?UTF-8?B?{}?=", b64(format!("#{i} encodé ✓").as_bytes())), "text/plain; charset=utf-8").into_bytes();
            v.extend_from_slice("\r\nencoded-word subject\r\n".as_bytes());
            return v;
        }
        5 => {
            let mut v = head(&format!("#{i} latin1"), "text/plain; charset=iso-8859-1").into_bytes();
            v.extend_from_slice(b"Content-Transfer-Encoding: 8bit\r\n\r\nGr\xfc\xdfe aus M\xfcnchen\r\n");
            return v;
        }
        6 => format!("{}\r\n{}\r\n", head(&format!("#{i} long line"), "text/plain"), "word ".repeat(300)),
        _ => {
            if i % 16 == 7 {
                // malformed: no closing boundary, a garbage header, no Date
                format!(
                    "From: broken{i}@example.test\r\nSubject: #{i} malformed\r\nthis is not a header\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nbroken body {i}\r\n"
                )
            } else {
                format!(
                    "{}In-Reply-To: <msg{p}@example.test>\r\nReferences: <msg{p}@example.test>\r\n\r\nreply to {p}\r\n",
                    head(&format!("#{i} Re: thread"), "text/plain"),
                    p = i.saturating_sub(7)
                )
            }
        }
    };
    text.into_bytes()
}

pub fn messages(n: usize) -> Vec<Vec<u8>> {
    (0..n).map(message).collect()
}
