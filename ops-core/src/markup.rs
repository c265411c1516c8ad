//! Escaping text for XML and HTML, shared by the MEF export and the HTML report.

/// Escapes `text` for XML or HTML element content and quoted attribute
/// values. Characters XML 1.0 forbids (C0 controls other than tab, line feed
/// and carriage return) become U+FFFD, so any inventory string yields a
/// well-formed document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_quotes_and_replaces_controls() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>\u{1}"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;\u{FFFD}"
        );
        assert_eq!(escape("plain text\n"), "plain text\n");
    }
}
