//! Reading attribute values out of a resource's located `values`, and the
//! two AWS conventions every mapping needs: ARNs and tags.

use crate::source::node::{Node, Value};

/// The string at `key` of a mapping.
pub(super) fn str_at<'n>(node: &'n Node, key: &str) -> Option<&'n str> {
    match node.get(key) {
        Some(Node {
            value: Value::Str(s), ..
        }) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// The boolean at `key` of a mapping.
pub(super) fn bool_at(node: &Node, key: &str) -> Option<bool> {
    match node.get(key) {
        Some(Node {
            value: Value::Bool(b), ..
        }) => Some(*b),
        _ => None,
    }
}

/// The whole number at `key` of a mapping (Terraform writes numbers as JSON
/// numbers; a float with no fraction counts).
pub(super) fn int_at(node: &Node, key: &str) -> Option<i64> {
    match node.get(key).map(|n| &n.value) {
        Some(Value::Int(i)) => Some(*i),
        #[allow(clippy::cast_possible_truncation)] // checked to be whole and in range
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        _ => None,
    }
}

/// The list at `key` of a mapping; empty when absent or not a list.
pub(super) fn list_at<'n>(node: &'n Node, key: &str) -> &'n [Node] {
    match node.get(key) {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        _ => &[],
    }
}

/// The first element of the nested block list at `key` (Terraform writes a
/// single nested block as a list of one mapping).
pub(super) fn block_at<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    list_at(node, key).first()
}

/// The strings of the list at `key`, skipping anything else.
pub(super) fn strs_at<'n>(node: &'n Node, key: &str) -> Vec<&'n str> {
    list_at(node, key)
        .iter()
        .filter_map(|n| match &n.value {
            Value::Str(s) if !s.is_empty() => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

/// The parts of an ARN that place a resource:
/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Arn<'a> {
    /// `s3`, `rds`, `iam`, ...
    pub(super) service: &'a str,
    /// Empty for global services (IAM, S3 buckets).
    pub(super) region: Option<&'a str>,
    /// Empty for S3 buckets and AWS managed policies (`aws`).
    pub(super) account: Option<&'a str>,
}

impl<'a> Arn<'a> {
    /// The ARN's placing parts, if `text` is an ARN.
    pub(super) fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let _partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        parts.next()?;
        let account = (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account);
        Some(Arn {
            service,
            region: (!region.is_empty()).then_some(region),
            account,
        })
    }
}

/// A resource's tags, as (key, value node): `tags_all` (which includes the
/// provider's `default_tags`) or else `tags`, then the `tag` blocks of an
/// auto scaling group (`{key, value, propagate_at_launch}`).
pub(super) fn tags(values: &Node) -> Vec<(&str, &Node)> {
    let mut out = Vec::new();
    let map = match values.get("tags_all") {
        Some(
            n @ Node {
                value: Value::Map(m), ..
            },
        ) if !m.is_empty() => Some(n),
        _ => values.get("tags"),
    };
    if let Some(Node {
        value: Value::Map(entries),
        ..
    }) = map
    {
        for (k, v) in entries {
            if let Value::Str(k) = &k.value {
                out.push((k.as_str(), v));
            }
        }
    }
    for block in list_at(values, "tag") {
        if let (Some(key), Some(value)) = (str_at(block, "key"), block.get("value")) {
            out.push((key, value));
        }
    }
    out
}

/// The value of tag `key`, with its node.
pub(super) fn tag<'n>(values: &'n Node, key: &str) -> Option<(&'n str, &'n Node)> {
    tags(values)
        .into_iter()
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| match &v.value {
            Value::Str(s) => Some((s.as_str(), v)),
            _ => None,
        })
}

/// The region of an availability zone name (`eu-west-1a` is in `eu-west-1`):
/// the name without its final letter, when it looks like an AWS zone name.
pub(super) fn zone_region(zone: &str) -> Option<&str> {
    let region = zone.strip_suffix(|c: char| c.is_ascii_lowercase())?;
    let looks = region.ends_with(|c: char| c.is_ascii_digit())
        && region.contains('-')
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    looks.then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_give_region_and_account() {
        let rds = Arn::parse("arn:aws:rds:eu-west-1:123456789012:db:orders").unwrap();
        assert_eq!(
            (rds.service, rds.region, rds.account),
            ("rds", Some("eu-west-1"), Some("123456789012"))
        );
        let s3 = Arn::parse("arn:aws:s3:::shop-assets").unwrap();
        assert_eq!((s3.region, s3.account), (None, None));
        let managed = Arn::parse("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
        assert_eq!((managed.region, managed.account), (None, None));
        assert!(Arn::parse("i-0abc").is_none());
        assert!(Arn::parse("arn:aws:s3").is_none());
    }

    #[test]
    fn zones_name_their_region() {
        assert_eq!(zone_region("eu-west-1a"), Some("eu-west-1"));
        assert_eq!(zone_region("us-gov-west-1b"), Some("us-gov-west-1"));
        assert_eq!(zone_region("eu-west-1"), None);
        assert_eq!(zone_region("a"), None);
    }
}
