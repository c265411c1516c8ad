//! TOML into [`Node`] trees.

use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::node::{LoadLimits, Node, Value};
use crate::Location;
use crate::diagnostic::Diagnostic;
use crate::location::LineIndex;

/// Parses a TOML document (always exactly one).
pub(crate) fn parse(file: &Arc<str>, text: &str, limits: &LoadLimits) -> Result<Node, Diagnostic> {
    let lines = LineIndex::new(text);
    let at = |offset: usize| {
        let (line, column) = lines.position(offset);
        Location::new(file.clone(), line, column)
    };
    // The TOML parser recurses on nested inline arrays and tables; refuse
    // hostile nesting before handing it the text.
    if let Some(offset) = too_deep(text, limits.max_depth) {
        return Err(Diagnostic::at(
            &at(offset),
            format!("nesting deeper than {} levels", limits.max_depth),
        ));
    }
    let table = DeTable::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let message = e.message().trim_end();
        // The parser does not say which key; the span does.
        let key = e
            .span()
            .filter(|_| message == "duplicate key")
            .and_then(|s| text.get(s))
            .map(|k| k.trim().trim_matches(['"', '\'']));
        match key {
            Some(key) => Diagnostic::at(&at(offset), format!("invalid TOML: duplicate key '{key}'")),
            None => Diagnostic::at(&at(offset), format!("invalid TOML: {message}")),
        }
    })?;
    let span = table.span();
    let convert = Convert {
        at: &at,
        max_depth: limits.max_depth,
    };
    convert.table(table.into_inner(), at(span.start), 0)
}

/// Turns the parser's values into nodes, enforcing the depth limit on the
/// result (a table header and a dotted key under it nest together).
struct Convert<'a, F: Fn(usize) -> Location> {
    at: &'a F,
    max_depth: usize,
}

impl<F: Fn(usize) -> Location> Convert<'_, F> {
    fn table(&self, table: DeTable<'_>, here: Location, depth: usize) -> Result<Node, Diagnostic> {
        let entries = table
            .into_iter()
            .map(|(k, v)| {
                let key = Node::new(Value::Str(k.get_ref().to_string()), (self.at)(k.span().start));
                let value = self.value(v, depth, &key.at)?;
                Ok((key, value))
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(Node::new(Value::Map(entries), here))
    }

    /// `key_at`: where the key of this value is, for tables made by dotted keys.
    fn value(&self, value: Spanned<DeValue<'_>>, depth: usize, key_at: &Location) -> Result<Node, Diagnostic> {
        if matches!(value.get_ref(), DeValue::Array(_) | DeValue::Table(_)) && depth >= self.max_depth {
            return Err(Diagnostic::at(
                key_at,
                format!("nesting deeper than {} levels", self.max_depth),
            ));
        }
        let at = self.at;
        let here = at(value.span().start);
        let value = match value.into_inner() {
            DeValue::String(s) => Value::Str(s.into_owned()),
            DeValue::Integer(i) => {
                let digits: String = i.as_str().chars().filter(|&c| c != '_').collect();
                let digits = digits.trim_start_matches('+');
                let (neg, digits) = match digits.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, digits),
                };
                let digits = digits
                    .strip_prefix("0x")
                    .or_else(|| digits.strip_prefix("0o"))
                    .or_else(|| digits.strip_prefix("0b"))
                    .unwrap_or(digits);
                match i64::from_str_radix(digits, i.radix()) {
                    Ok(n) if neg => Value::Int(-n),
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::Str(i.as_str().to_owned()),
                }
            }
            DeValue::Float(f) => {
                let text: String = f.as_str().chars().filter(|&c| c != '_').collect();
                match text.as_str() {
                    "inf" | "+inf" => Value::Float(f64::INFINITY),
                    "-inf" => Value::Float(f64::NEG_INFINITY),
                    "nan" | "+nan" | "-nan" => Value::Float(f64::NAN),
                    t => t.parse().map_or(Value::Str(text.clone()), Value::Float),
                }
            }
            DeValue::Boolean(b) => Value::Bool(b),
            // Dates and times are validated by the inventory, from their text.
            DeValue::Datetime(d) => Value::Str(d.to_string()),
            DeValue::Array(items) => Value::Seq(
                items
                    .iter()
                    .cloned()
                    .map(|v| {
                        let item_at = at(v.span().start);
                        self.value(v, depth + 1, &item_at)
                    })
                    .collect::<Result<_, Diagnostic>>()?,
            ),
            DeValue::Table(t) => return self.table(t, here, depth + 1),
        };
        Ok(Node::new(value, here))
    }
}

/// The byte offset at which brackets, braces or the dots of a dotted key
/// outside strings and comments nest deeper than `max`, if they do.
fn too_deep(text: &str, max: usize) -> Option<usize> {
    let mut depth = 0usize;
    // Dots since the last delimiter: a dotted key nests one table per dot
    // (a number or a time has at most one).
    let mut dots = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' => {
                dots = 0;
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '.' => {
                dots += 1;
                if depth + dots > max {
                    return Some(i);
                }
            }
            '=' | ',' | '\n' => dots = 0,
            '"' | '\'' => {
                let quote = c;
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    if quote == '"' && c == '\\' && !escaped {
                        escaped = true;
                        continue;
                    }
                    if c == quote && !escaped {
                        break;
                    }
                    escaped = false;
                }
            }
            '[' | '{' => {
                dots = 0;
                depth += 1;
                if depth > max {
                    return Some(i);
                }
            }
            ']' | '}' => {
                dots = 0;
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Node, Diagnostic> {
        parse(&Arc::from("t.toml"), text, &LoadLimits::default())
    }

    #[test]
    fn converts_values_with_positions() {
        let n = parse_str("[[components]]\nid = \"web\"\ntier = 1_0\nup = 0.5\nat = 2026-01-01T00:00:00Z\n").unwrap();
        let Value::Seq(items) = &n.get("components").unwrap().value else {
            panic!()
        };
        let id = items[0].get("id").unwrap();
        assert_eq!(id.value, Value::Str("web".into()));
        assert_eq!((id.at.line, id.at.column), (2, 6));
        assert_eq!(items[0].get("tier").unwrap().value, Value::Int(10));
        assert_eq!(items[0].get("up").unwrap().value, Value::Float(0.5));
        assert_eq!(
            items[0].get("at").unwrap().value,
            Value::Str("2026-01-01T00:00:00Z".into())
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse_str("a = 1\nb = \n").unwrap_err();
        assert!(e.to_string().starts_with("t.toml:2:"), "{e}");
        assert!(e.message.starts_with("invalid TOML: "), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse_str(&text).unwrap_err();
        assert_eq!(e.to_string(), "t.toml:1:69: nesting deeper than 64 levels");
    }
}
