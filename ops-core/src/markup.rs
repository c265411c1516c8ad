//! Text that XML and HTML documents can hold. The MEF export escapes with
//! [`escape`]; the HTML report is built with maud, which escapes every
//! spliced value itself, and only passes the finished page through
//! [`replace_forbidden`].

/// Whether XML 1.0 forbids `c` in a document: C0 controls other than tab,
/// line feed and carriage return, and the non-characters U+FFFE and U+FFFF.
/// (HTML calls the same characters parse errors.)
fn forbidden(c: char) -> bool {
    (c < '\u{20}' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Escapes `text` for XML or HTML element content and quoted attribute
/// values. Characters XML 1.0 forbids become U+FFFD, so any inventory string
/// yields a well-formed document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// `document` with every character XML 1.0 forbids replaced by U+FFFD, and
/// so are the other control characters (DEL, C1) and the bidirectional
/// controls, which would let an inventory string reorder what a browser
/// shows; the same string, without copying, when it has none.
pub(crate) fn replace_forbidden(document: String) -> String {
    let replaced = |c: char| forbidden(c) || (!matches!(c, '\t' | '\n' | '\r') && crate::render::is_unsafe(c));
    if document.contains(replaced) {
        document
            .chars()
            .map(|c| if replaced(c) { '\u{FFFD}' } else { c })
            .collect()
    } else {
        document
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, replace_forbidden};

    #[test]
    fn escapes_markup_and_quotes_and_replaces_controls() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>\u{1}"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;\u{FFFD}"
        );
        assert_eq!(escape("plain text\n"), "plain text\n");
    }

    #[test]
    fn replaces_controls_and_bidi_overrides_but_not_white_space() {
        assert_eq!(
            replace_forbidden("<p>a\u{0}b\u{1b}c\u{FFFF}\t\n\r\u{7f}\u{9b}\u{202e}é</p>".to_owned()),
            "<p>a\u{FFFD}b\u{FFFD}c\u{FFFD}\t\n\r\u{FFFD}\u{FFFD}\u{FFFD}é</p>"
        );
        assert_eq!(replace_forbidden("plain\n".to_owned()), "plain\n");
    }
}
