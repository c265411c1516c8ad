//! Plugin-provided text in error messages, cut to a bounded length.
//!
//! A plugin chooses its name, rule ids, import names, panic and error
//! messages; an error that quoted them whole would let it write megabytes to
//! the user's terminal. Every error that repeats such text goes through here.

/// Bytes of a plugin-provided name or id an error quotes (escaped) before
/// cutting it.
pub(crate) const MAX_QUOTED: usize = 128;

/// Bytes of a longer plugin-provided or plugin-influenced message (a compile
/// error naming the component's items, say) an error keeps.
pub(crate) const MAX_MESSAGE: usize = 1024;

/// `text` escaped (as `str::escape_debug` does, so control characters show
/// as `\u{1}`) between single quotes, cut after about `MAX_QUOTED` bytes of
/// escaped text with the cut marked and the full length given:
/// `'\u{1}\u{1}…' (2097152 bytes)`.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_QUOTED) + 24);
    out.push('\'');
    for c in text.chars() {
        if out.len() > MAX_QUOTED {
            out.push_str(&format!("…' ({} bytes)", text.len()));
            return out;
        }
        out.extend(c.escape_debug());
    }
    out.push('\'');
    out
}

/// `text` cut to at most `max` bytes (on a character boundary), the cut
/// marked with the full length: `…[cut: 1048576 bytes in all]`. The kept
/// prefix is a new allocation, so a huge `text` can be dropped.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Sized once, so the buffer holds no more than the prefix and the mark.
    let mark = format!("…[cut: {} bytes in all]", text.len());
    let mut out = String::with_capacity(end + mark.len());
    out.push_str(&text[..end]);
    out.push_str(&mark);
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn short_text_is_quoted_whole_and_escaped() {
        assert_eq!(quote("zone-spof"), "'zone-spof'");
        assert_eq!(quote("a\u{1b}[2J"), "'a\\u{1b}[2J'");
    }

    #[test]
    fn long_text_is_cut_with_its_length() {
        let name = "\u{1}".repeat(2 << 20);
        let quoted = quote(&name);
        assert!(quoted.len() < MAX_QUOTED + 40, "{}", quoted.len());
        assert!(quoted.starts_with("'\\u{1}\\u{1}"), "{quoted}");
        assert!(quoted.ends_with("…' (2097152 bytes)"), "{quoted}");
    }

    #[test]
    fn cut_keeps_a_prefix_on_a_character_boundary() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("ééé", 3), "é…[cut: 6 bytes in all]");
    }
}
