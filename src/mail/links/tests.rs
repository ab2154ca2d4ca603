use super::*;
use crate::mail::render::render;

#[test]
fn urls_in_text_with_punctuation_handled() {
    let text = "See https://example.com/a. Also (https://example.com/wiki/Rust_(lang)), \
                <http://x.test/path?q=1&r=2>, \"ftp://files.test/pub/\" and \
                https://example.com/end!  Mail mailto:bob@x.test?subject=Hi%20there. \
                or MAILTO:Ann@x.test, not bob@x.test, not javascript:alert(1), not file:///etc/passwd.";
    let found: Vec<String> = find_urls(text).into_iter().map(|(_, u)| u).collect();
    assert_eq!(
        found,
        vec![
            "https://example.com/a",
            "https://example.com/wiki/Rust_(lang)",
            "http://x.test/path?q=1&r=2",
            "ftp://files.test/pub/",
            "https://example.com/end",
            "mailto:bob@x.test?subject=Hi%20there",
            "MAILTO:Ann@x.test",
        ]
    );
    for (range, url) in find_urls(text) {
        assert_eq!(&text[range], url);
    }
}

#[test]
fn html_anchors_show_hidden_targets() {
    let html = r##"<p>Hello <a href="https://bank.example/login">https://bank.example</a>,
        <A HREF='https://x.test/?a=1&amp;b=2' class=x>Read   <b>more</b></a>
        <!-- <a href="https://hidden.test/">no</a> -->
        <a href=https://bare.test/x>bare</a> <a name="top">anchor</a>
        <a href="javascript:evil()">js</a> <a href="#top">top</a>
        <a href="
https://spaced.test/a
b">wrapped</a>
        <a href="mailto:help@x.test">help@x.test</a>
        <a href="https://x.test/?a=1&amp;b=2">duplicate</a></p>"##;
    let anchors = html_anchors(html);
    assert_eq!(
        anchors[0],
        (
            "https://bank.example/login".into(),
            "https://bank.example".into()
        )
    );
    assert_eq!(
        anchors[1],
        ("https://x.test/?a=1&b=2".into(), "Read more".into())
    );
    assert!(!anchors.iter().any(|(h, _)| h.contains("hidden")));
    assert_eq!(
        html_text("a<b>b</b>&amp;<!-- c --><script>d</script><STYLE>e</STYLE>f&#x263A;"),
        "a b &   f☺"
    );
    let raw = format!("From: a@x.test\nContent-Type: text/html\n\n{html}\n");
    let ls = links(raw.as_bytes());
    let labels: Vec<String> = ls.iter().map(Link::label).collect();
    assert_eq!(
        labels,
        vec![
            "https://bank.example → https://bank.example/login",
            "Read more → https://x.test/?a=1&b=2",
            "bare → https://bare.test/x",
            "wrapped → https://spaced.test/ab",
            "mailto:help@x.test",
        ]
    );
    assert_eq!(ls[4].kind, LinkKind::Mail);
    assert!(ls.iter().enumerate().all(|(i, l)| l.number == i + 1));
}

#[test]
fn text_links_first_then_the_html_alternative() {
    let raw = "From: a@x.test\nContent-Type: multipart/alternative; boundary=B\n\n\
        --B\nContent-Type: text/plain\n\nSee https://x.test/a and https://x.test/b\n\
        --B\nContent-Type: text/html\n\n<a href=\"https://x.test/b\">b</a> \
        <a href=\"https://tracker.test/c?id=1\">unsubscribe</a> https://x.test/d\n--B--\n";
    let ls = links(raw.as_bytes());
    assert_eq!(
        ls.iter()
            .map(|l| (l.number, l.target.as_str(), l.source))
            .collect::<Vec<_>>(),
        vec![
            (1, "https://x.test/a", LinkSource::Text),
            (2, "https://x.test/b", LinkSource::Text),
            (3, "https://tracker.test/c?id=1", LinkSource::Html),
            (4, "https://x.test/d", LinkSource::Text),
        ]
    );
    assert_eq!(ls[2].label(), "unsubscribe → https://tracker.test/c?id=1");
    assert!(links(b"").is_empty());
}

#[test]
fn hostile_links_are_sanitized_and_capped() {
    let html = "<a href=\"https://x.test/\x1b]0;pwn\x07a\">\u{202e}evil</a>";
    let raw = format!("From: a@x.test\nContent-Type: text/html\n\n{html}\n");
    let ls = links(raw.as_bytes());
    assert!(!ls[0].label().contains('\x1b') && !ls[0].label().contains('\u{202e}'));
    let many: String = (0..MAX_LINKS + 50)
        .map(|i| format!("https://x.test/{i}\n"))
        .collect();
    let raw = format!("From: a@x.test\n\n{many}");
    assert_eq!(links(raw.as_bytes()).len(), MAX_LINKS);
}

#[test]
fn marks_follow_links_through_wrapping_and_quotes() {
    let long = "https://example.com/a/very/long/path/that-does-not-fit-in-a-narrow-pane?x=1";
    let raw = format!(
        "From: a@x.test\nSubject: s\n\nFirst https://x.test/a then\n{long}\n\
         > quoted {long}\nagain https://x.test/a and https://x.test/ab.\n"
    );
    let r = render(raw.as_bytes(), 30);
    let ls = links(raw.as_bytes());
    assert_eq!(ls.len(), 3);
    let marks = mark(&r.lines, &ls);
    // every mark covers exactly the link's text
    for n in 1..=3 {
        let target = &ls[n - 1].target;
        let pieces: Vec<&LinkMark> = marks.iter().filter(|m| m.number == n).collect();
        assert!(!pieces.is_empty(), "link {n} not marked: {:?}", r.lines);
        let joined: String = pieces
            .iter()
            .map(|m| &r.lines[m.line].text[m.bytes.clone()])
            .collect();
        let occurrences = joined.matches(target.as_str()).count();
        assert!(
            occurrences >= 1 && joined.len() == occurrences * target.len(),
            "{joined}"
        );
    }
    // the long link appears twice (plain and quoted), each wrapped over several lines
    let long_pieces: Vec<&LinkMark> = marks.iter().filter(|m| m.number == 2).collect();
    assert!(long_pieces.len() >= 4, "{long_pieces:?}");
    for m in &long_pieces {
        assert!(!r.lines[m.line].text[m.bytes.clone()].starts_with('>'));
    }
    // the longer target wins where both start: `…/ab` is not marked as `…/a`
    let ab: Vec<&LinkMark> = marks.iter().filter(|m| m.number == 3).collect();
    assert_eq!(ab.len(), 1);
    assert_eq!(
        &r.lines[ab[0].line].text[ab[0].bytes.clone()],
        "https://x.test/ab"
    );
    // marks come in reading order, columns in cells
    assert!(marks
        .windows(2)
        .all(|w| (w[0].line, w[0].bytes.start) <= (w[1].line, w[1].bytes.start)));
    let first = &marks[0];
    assert_eq!(r.lines[first.line].text, "First https://x.test/a then");
    assert_eq!(first.cols, 6..22);
}

#[test]
fn marks_count_cells_not_bytes() {
    let raw = "From: a@x.test\n\n日本語 https://x.test/日\n";
    let r = render(raw.as_bytes(), 60);
    let ls = links(raw.as_bytes());
    let marks = mark(&r.lines, &ls);
    assert_eq!(marks.len(), 1, "{ls:?}");
    assert_eq!(marks[0].cols, 7..24);
    assert_eq!(marks[0].bytes, 10..28);
}
