//! The evidence of a finding: a few named facts, stored compactly.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Index;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// Structured facts behind a finding, by name, in name order: a map from
/// keys to JSON values, serialized as a JSON object.
///
/// Kept as a sorted list rather than a tree: a finding holds a handful of
/// facts, and an estate can have millions of findings, so the few bytes per
/// fact matter more than logarithmic lookups (a `BTreeMap` allocates a
/// node for eleven entries however few it holds).
///
/// ```
/// use ops_core::Evidence;
/// let mut e = Evidence::new();
/// e.insert("stateful", true.into());
/// e.insert("entry", false.into());
/// assert_eq!(e["stateful"], serde_json::json!(true));
/// assert_eq!(e.keys().collect::<Vec<_>>(), ["entry", "stateful"]);
/// assert_eq!(serde_json::to_string(&e)?, r#"{"entry":false,"stateful":true}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// Keys are usually the checks' own literals, kept borrowed: a finding's
/// facts cost no allocation for their names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    entries: Vec<(Cow<'static, str>, Value)>,
}

impl Evidence {
    /// No facts.
    pub fn new() -> Self {
        Evidence::default()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    /// Sets `key` to `value`, returning the value it had, if any.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                // One more place, not twice as many: findings are built fact
                // by fact and then kept, so room to grow would be kept too
                // (a finding of three facts held a fourth's 56 bytes unused,
                // one of five held three more).
                self.entries.reserve_exact(1);
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Removes `key`, returning its value, if it was set.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The facts, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }
}

impl Index<&str> for Evidence {
    type Output = Value;

    /// The value of `key`.
    ///
    /// # Panics
    /// If `key` is not set, as indexing a map does.
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no evidence named '{key}'"),
        }
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Cow<'static, str>, Value)>,
        fn(&'a (Cow<'static, str>, Value)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (&**k, v))
    }
}

impl FromIterator<(String, Value)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut e = Evidence::new();
        // Room for them all at once: `insert` grows one place at a time.
        e.entries.reserve(iter.size_hint().0);
        for (k, v) in iter {
            e.insert(k, v);
        }
        e
    }
}

impl From<BTreeMap<String, Value>> for Evidence {
    /// Already sorted and unique: taken as is.
    fn from(map: BTreeMap<String, Value>) -> Self {
        Evidence {
            entries: map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect(),
        }
    }
}

impl From<serde_json::Map<String, Value>> for Evidence {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_keeps_no_room_it_does_not_use() {
        let mut e = Evidence::new();
        for (i, key) in ["e", "d", "c", "b", "a"].into_iter().enumerate() {
            e.insert(key, i.into());
            assert_eq!(e.entries.capacity(), i + 1, "after {} facts", i + 1);
        }
        e.insert("c", true.into());
        assert_eq!(e.entries.capacity(), 5);
        assert_eq!(e.keys().collect::<Vec<_>>(), ["a", "b", "c", "d", "e"]);
    }
}
