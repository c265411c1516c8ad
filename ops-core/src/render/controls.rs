//! Text from inventories and plugins made safe to show: control characters
//! and bidirectional formatting characters written as visible escapes, so
//! that no string can move the cursor, erase or rewrite a line, ring the
//! bell, open a hyperlink (OSC 8) or reverse the order of what follows.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a document as itself: C0 and C1
/// control characters (ESC, CR, BEL, ...; line feeds included, since one
/// finding is one line), DEL, and the Unicode bidirectional controls
/// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [`is_unsafe`] character written as a visible escape:
/// `\n`, `\r` and `\t` as themselves, anything else as `\u{XXXX}`. Text
/// without such characters is returned as is, without copying.
///
/// ```
/// use ops_core::render::escape_controls;
/// assert_eq!(escape_controls("db is down"), "db is down");
/// assert_eq!(escape_controls("ok\r\x1b[2Kforged"), "ok\\r\\u{1b}[2Kforged");
/// assert_eq!(escape_controls("abc\u{202E}fed"), "abc\\u{202e}fed");
/// ```
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}
