//! The evidence of a finding: a few named facts, stored compactly.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Index;
use std::sync::OnceLock;

use serde::ser::{Error as _, Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// One fact: its name and its value.
type Fact = (Cow<'static, str>, Value);

/// Nesting deeper than this is kept as values by [`Evidence::compact`]:
/// serde_json reads back at most 128 levels.
const MAX_COMPACT_DEPTH: usize = 100;

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
/// facts cost no allocation for their names. Once a finding is made,
/// [`Evidence::compact`] keeps its facts as one line of JSON, a fraction of
/// the memory of the values (the [`Runner`](crate::Runner) compacts every
/// finding a check returns); reading a fact afterwards parses them back once.
#[derive(Default)]
pub struct Evidence {
    repr: Repr,
}

/// How the facts are held.
enum Repr {
    /// As values, sorted by name: as they are built.
    Facts(Vec<Fact>),
    /// As the compact JSON object they serialize to, read back into values
    /// the first time one is asked for.
    Json {
        /// The object, as serde_json writes it without spaces.
        text: Box<str>,
        /// The facts, once read back (boxed: a thin pointer keeps every
        /// finding's evidence at 32 bytes).
        facts: OnceLock<Box<ReadBack>>,
    },
}

/// Facts read back from a compact text.
struct ReadBack(Vec<Fact>);

impl Default for Repr {
    fn default() -> Self {
        Repr::Facts(Vec::new())
    }
}

impl Evidence {
    /// No facts.
    pub fn new() -> Self {
        Evidence::default()
    }

    /// The facts, sorted by name, read back from the compact text if they
    /// are kept as one.
    fn facts(&self) -> &[Fact] {
        match &self.repr {
            Repr::Facts(facts) => facts,
            Repr::Json { text, facts } => &facts.get_or_init(|| Box::new(ReadBack(read_back(text)))).0,
        }
    }

    /// The facts as values, to change: a compact text is read back first.
    fn facts_mut(&mut self) -> &mut Vec<Fact> {
        if let Repr::Json { text, facts } = &mut self.repr {
            let values = facts.take().map_or_else(|| read_back(text), |b| b.0);
            self.repr = Repr::Facts(values);
        }
        match &mut self.repr {
            Repr::Facts(facts) => facts,
            // Turned into values just above.
            Repr::Json { .. } => unreachable!("compact evidence was read back"),
        }
    }

    fn position(facts: &[Fact], key: &str) -> Result<usize, usize> {
        facts.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    /// Sets `key` to `value`, returning the value it had, if any.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) -> Option<Value> {
        let key = key.into();
        let facts = self.facts_mut();
        match Self::position(facts, &key) {
            Ok(i) => Some(std::mem::replace(&mut facts[i].1, value)),
            Err(i) => {
                // One more place, not twice as many: findings are built fact
                // by fact and then kept, so room to grow would be kept too
                // (a finding of three facts held a fourth's 56 bytes unused,
                // one of five held three more).
                facts.reserve_exact(1);
                facts.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        let facts = self.facts();
        Self::position(facts, key).ok().map(|i| &facts[i].1)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        Self::position(self.facts(), key).is_ok()
    }

    /// Removes `key`, returning its value, if it was set.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let facts = self.facts_mut();
        Self::position(facts, key).ok().map(|i| facts.remove(i).1)
    }

    /// How many facts there are.
    pub fn len(&self) -> usize {
        self.facts().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        // `compact` never compacts evidence without facts.
        matches!(&self.repr, Repr::Facts(facts) if facts.is_empty())
    }

    /// The facts, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.into_iter()
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.facts().iter().map(|(k, _)| &**k)
    }

    /// Keeps the facts as one compact line of JSON from now on, the text
    /// they serialize to: for a finding kept until a report is written, a
    /// fraction of the memory of the values (a list of ids costs its
    /// characters instead of a 32-byte value and an allocation per id).
    /// Reading a fact afterwards reads them all back once, and changing one
    /// turns them back into values; what is read and compared is the same
    /// either way, and so is what a serializer writes (serde_json and other
    /// human-readable formats get the text transcoded, binary formats the
    /// values read back).
    ///
    /// Evidence without facts, or nested more than
    /// 100 levels deep (serde_json reads back at most 128), is left as it is.
    ///
    /// ```
    /// use ops_core::Evidence;
    /// let mut e = Evidence::new();
    /// e.insert("entries", serde_json::json!(["web", "api"]));
    /// let before = e.clone();
    /// e.compact();
    /// assert_eq!(e, before);
    /// assert_eq!(e["entries"][1], "api");
    /// assert_eq!(serde_json::to_string(&e)?, r#"{"entries":["web","api"]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn compact(&mut self) {
        let Repr::Facts(facts) = &self.repr else {
            return;
        };
        if facts.is_empty() {
            return;
        }
        let Ok(text) = serde_json::to_string(&Object(facts)) else {
            return;
        };
        if nesting_depth(&text) > MAX_COMPACT_DEPTH {
            return;
        }
        // A copy of its own length: the string grew by doubling, and
        // `into_boxed_str` may leave it in its block (mimalloc keeps a block
        // more than half used where it is).
        self.repr = Repr::Json {
            text: Box::from(text.as_str()),
            facts: OnceLock::new(),
        };
    }
}

#[cfg(test)]
impl Evidence {
    /// Whether the facts are kept as a compact text.
    pub(crate) fn is_compact(&self) -> bool {
        matches!(self.repr, Repr::Json { .. })
    }
}

/// The facts of a compact text that [`Evidence::compact`] wrote.
fn read_back(text: &str) -> Vec<Fact> {
    // `compact` wrote the text from values and checked its depth, so it
    // reads back; were it not to, the evidence would read as empty rather
    // than fail a caller that only asked for a fact.
    let read = serde_json::from_str::<serde_json::Map<String, Value>>(text);
    debug_assert!(read.is_ok(), "compact evidence reads back: {read:?}");
    let map = read.unwrap_or_default();
    let mut facts = Vec::with_capacity(map.len());
    facts.extend(map.into_iter().map(|(k, v)| (Cow::Owned(k), v)));
    facts
}

/// How deeply arrays and objects nest in JSON `text` (0 for a scalar).
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Facts serialized as a JSON object.
struct Object<'a>(&'a [Fact]);

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = match &self.repr {
            Repr::Facts(facts) => return Object(facts).serialize(s),
            Repr::Json { text, facts } => match facts.get() {
                Some(read) => return Object(&read.0).serialize(s),
                None => text,
            },
        };
        if !s.is_human_readable() {
            // A binary format may need the length of every list and map
            // first, which a transcoder does not know.
            return Object(&read_back(text)).serialize(s);
        }
        // Straight from the text to the serializer, with no values built.
        // The transcoder passes errors on as text: an I/O error of the
        // writer underneath loses its kind (`render`'s writers keep it).
        let mut de = serde_json::Deserializer::from_str(text);
        serde_transcode::Transcoder::new(&mut de)
            .serialize(s)
            .map_err(|e| S::Error::custom(format!("compact evidence: {e}")))
    }
}

impl Clone for Evidence {
    fn clone(&self) -> Self {
        let repr = match &self.repr {
            Repr::Facts(facts) => Repr::Facts(facts.clone()),
            Repr::Json { text, .. } => Repr::Json {
                text: text.clone(),
                facts: OnceLock::new(),
            },
        };
        Evidence { repr }
    }
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        match (&self.repr, &other.repr) {
            (Repr::Json { text: a, .. }, Repr::Json { text: b, .. }) if a == b => true,
            _ => self.facts() == other.facts(),
        }
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
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
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Fact>, fn(&'a Fact) -> (&'a str, &'a Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.facts().iter().map(|(k, v)| (&**k, v))
    }
}

impl FromIterator<(String, Value)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut e = Evidence::new();
        // Room for them all at once: `insert` grows one place at a time.
        e.facts_mut().reserve(iter.size_hint().0);
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
            repr: Repr::Facts(map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect()),
        }
    }
}

impl From<serde_json::Map<String, Value>> for Evidence {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    fn capacity(e: &Evidence) -> usize {
        match &e.repr {
            Repr::Facts(facts) => facts.capacity(),
            Repr::Json { .. } => 0,
        }
    }

    fn sample() -> Evidence {
        let mut e = Evidence::new();
        e.insert("zeta", json!({"b": [1, 2.5, null, -0.0], "a": "x\"y\\z\n\u{1F600}"}));
        e.insert("alpha", json!(true));
        e.insert("ids", json!(["web", "api", ""]));
        e.insert("big", json!([u64::MAX, i64::MIN, 0.1, 1e300, 5e-324]));
        e.insert("empty", json!({"list": [], "map": {}}));
        e.insert(String::from("owned key"), Value::Null);
        e
    }

    #[test]
    fn evidence_is_four_words_and_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Evidence>();
        shared::<crate::Finding>();
        assert_eq!(size_of::<Evidence>(), 32);
    }

    #[test]
    fn evidence_keeps_no_room_it_does_not_use() {
        let mut e = Evidence::new();
        for (i, key) in ["e", "d", "c", "b", "a"].into_iter().enumerate() {
            e.insert(key, i.into());
            assert_eq!(capacity(&e), i + 1, "after {} facts", i + 1);
        }
        e.insert("c", true.into());
        assert_eq!(capacity(&e), 5);
        assert_eq!(e.keys().collect::<Vec<_>>(), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn compact_evidence_reads_compares_and_serializes_as_its_values() {
        let values = sample();
        let mut compact = values.clone();
        compact.compact();
        assert!(compact.is_compact());
        let text = serde_json::to_string(&values).unwrap();
        assert_eq!(&*compact.clone().into_text(), text);
        // Serialized straight from the text, before anything is read back.
        assert_eq!(serde_json::to_string(&compact).unwrap(), text);
        assert_eq!(
            serde_json::to_string_pretty(&compact).unwrap(),
            serde_json::to_string_pretty(&values).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&compact).unwrap(),
            serde_json::to_value(&values).unwrap()
        );
        assert_eq!(compact, values);
        assert_eq!(values, compact);
        assert_eq!(compact.len(), 6);
        assert!(!compact.is_empty());
        assert_eq!(compact["zeta"]["a"], "x\"y\\z\n\u{1F600}");
        assert_eq!(compact["big"][0], u64::MAX);
        assert!(compact.contains_key("owned key"));
        assert_eq!(compact.get("nothing"), None);
        assert_eq!(
            compact.keys().collect::<Vec<_>>(),
            ["alpha", "big", "empty", "ids", "owned key", "zeta"]
        );
        assert_eq!(format!("{compact:?}"), format!("{values:?}"));
        // And again once read back.
        assert_eq!(serde_json::to_string(&compact).unwrap(), text);
    }

    #[test]
    fn changing_compact_evidence_turns_it_back_into_values() {
        let mut e = sample();
        e.compact();
        assert_eq!(e.insert("alpha", json!(false)), Some(json!(true)));
        assert!(!e.is_compact());
        assert_eq!(e["alpha"], json!(false));
        assert_eq!(e.len(), 6);
        e.compact();
        assert_eq!(e.remove("ids"), Some(json!(["web", "api", ""])));
        assert_eq!(e.len(), 5);
        e.compact();
        assert_eq!(e.insert("new", json!(1)), None);
        assert_eq!(e.keys().next(), Some("alpha"));
        assert_eq!(e.len(), 6);
    }

    /// `levels` arrays, one in another.
    fn nested(levels: usize) -> Value {
        let mut deep = json!(0);
        for _ in 0..levels {
            deep = json!([deep]);
        }
        deep
    }

    #[test]
    fn empty_and_deep_evidence_is_left_as_values() {
        let mut e = Evidence::new();
        e.compact();
        assert!(!e.is_compact() && e.is_empty());
        // The evidence's object is one level: 99 arrays in it make 100.
        for (levels, compact) in [(99, true), (100, false), (130, false)] {
            let mut e = Evidence::new();
            e.insert("deep", nested(levels));
            let text = serde_json::to_string(&e).unwrap();
            e.compact();
            assert_eq!(e.is_compact(), compact, "{levels} levels");
            assert_eq!(e["deep"], nested(levels));
            assert_eq!(serde_json::to_string(&e).unwrap(), text);
        }
        assert_eq!(nesting_depth(r#"{"a":["[{\"]",{"b":[]}]}"#), 4);
        assert_eq!(nesting_depth(r#""\\""#), 0);
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,8}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(".{0,4}", inner, 0..6).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn compact_evidence_is_the_same_evidence(facts in prop::collection::btree_map(".{0,6}", value(), 1..6)) {
            let values = Evidence::from(facts);
            let mut compact = values.clone();
            compact.compact();
            prop_assert!(compact.is_compact());
            prop_assert_eq!(serde_json::to_string_pretty(&compact).unwrap(), serde_json::to_string_pretty(&values).unwrap());
            prop_assert_eq!(&compact, &values);
            prop_assert_eq!(serde_json::to_string(&compact).unwrap(), serde_json::to_string(&values).unwrap());
        }
    }

    impl Evidence {
        fn into_text(self) -> Box<str> {
            match self.repr {
                Repr::Json { text, .. } => text,
                Repr::Facts(_) => Box::from(""),
            }
        }
    }
}
