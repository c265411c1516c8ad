//! Inventory ids from Terraform addresses, by one rule (documented in
//! `docs/terraform.md`):
//!
//! - an instance key becomes a `.` segment: `aws_instance.api[0]` is
//!   `aws_instance.api.0`, `aws_subnet.private["eu-west-1a"]` is
//!   `aws_subnet.private.eu-west-1a`, and so are module keys
//!   (`module.db["eu"].aws_db_instance.main` is `module.db.eu.aws_db_instance.main`);
//! - every character outside the id alphabet (letters, digits, `- _ . : / @`)
//!   becomes `-`.
//!
//! Addresses are unique within a state, and a resource has either `count`
//! or `for_each` keys, never both, so only the second step can make two
//! addresses one id (`["a b"]` and `["a-b"]`); the importer reports that,
//! and any id over 128 characters, as a problem.

/// The id for `address`, by the rule above.
pub(super) fn from_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut chars = address.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                out.push('.');
                if chars.peek() == Some(&'"') {
                    chars.next();
                    // A JSON string: up to the unescaped closing quote.
                    while let Some(k) = chars.next() {
                        match k {
                            '"' => break,
                            '\\' => {
                                if let Some(e) = chars.next() {
                                    push_char(&mut out, e);
                                }
                            }
                            other => push_char(&mut out, other),
                        }
                    }
                    // The closing bracket.
                    if chars.peek() == Some(&']') {
                        chars.next();
                    }
                } else {
                    for k in chars.by_ref() {
                        if k == ']' {
                            break;
                        }
                        push_char(&mut out, k);
                    }
                }
            }
            other => push_char(&mut out, other),
        }
    }
    out
}

/// `text` with every character outside the id alphabet made `-`: for names
/// used in ids (IAM names, backup rule names, ElastiCache member names).
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_char(&mut out, c);
    }
    out
}

fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || "-_.:/@".contains(c) {
        out.push(c);
    } else {
        out.push('-');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_segments() {
        assert_eq!(from_address("aws_instance.api[0]"), "aws_instance.api.0");
        assert_eq!(
            from_address(r#"aws_subnet.private["eu-west-1a"]"#),
            "aws_subnet.private.eu-west-1a"
        );
        assert_eq!(
            from_address(r#"module.db["eu"].aws_db_instance.main[1]"#),
            "module.db.eu.aws_db_instance.main.1"
        );
        assert_eq!(from_address(r#"aws_s3_bucket.b["a b\"c]"]"#), "aws_s3_bucket.b.a-b-c-");
        assert_eq!(from_address("aws_vpc.main"), "aws_vpc.main");
        assert_eq!(clean("ops+admins=1,x"), "ops-admins-1-x");
    }
}
