//! Plugin evidence: JSON text parsed into the `serde_json::Value` tree a
//! finding is built with (the runner keeps it compact once the plugin's
//! check returns), under a cap on its values and the run's output budget.
//!
//! The text is capped ([`PluginLimits::max_evidence_len`](crate::PluginLimits::max_evidence_len)),
//! but a tree is much larger than its text: each `0,` of an array is a
//! 32-byte value, each `{"a":0}` a map node of several hundred bytes. So the
//! parser counts values as it builds them, stopping past
//! [`PluginLimits::max_evidence_nodes`](crate::PluginLimits::max_evidence_nodes),
//! and charges each one to the run's [`OutputBudget`] as the memory it takes,
//! stopping as soon as the budget is spent: what is built before an error is
//! bounded too. serde_json's own recursion limit (128 levels) bounds nesting.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::budget::{ALLOC_OVERHEAD, OutputBudget};

/// Bytes of one value held in an array or a map.
const VALUE_SIZE: usize = size_of::<Value>();

/// Bytes of one B-tree node of a map (std's `BTreeMap`, which
/// `serde_json::Map` is): up to 11 keys and values, plus 12 child pointers
/// in an internal node. A map with one entry already holds a whole node.
const MAP_NODE: usize = 11 * (size_of::<String>() + VALUE_SIZE) + 12 * size_of::<usize>() + ALLOC_OVERHEAD;

/// Bytes per map entry beyond the first node: every node but the root is at
/// least 5/11 full.
const MAP_ENTRY: usize = MAP_NODE / 5;

/// Why evidence was refused.
#[derive(Debug)]
pub(crate) enum EvidenceError {
    /// More values than the cap (which it gives).
    TooManyValues(usize),
    /// The run's output budget ran out while parsing it.
    OverBudget,
    /// Not JSON, or not an object.
    Json(serde_json::Error),
}

impl fmt::Display for EvidenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvidenceError::TooManyValues(cap) => write!(
                f,
                "evidence has more than {cap} JSON values (objects, arrays, keys and scalars), its limit"
            ),
            EvidenceError::OverBudget => f.write_str("evidence passes the output budget"),
            EvidenceError::Json(e) => write!(f, "evidence is not a JSON object: {e}"),
        }
    }
}

/// Parses `text`, which must be a JSON object, counting at most `max_values`
/// values (keys included) and charging the tree's memory to `budget`.
pub(crate) fn parse(
    text: &str,
    max_values: usize,
    budget: &mut OutputBudget,
) -> Result<BTreeMap<String, Value>, EvidenceError> {
    let mut meter = Meter {
        left: max_values,
        cap: max_values,
        budget,
        stop: None,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Object(&mut meter)
        .deserialize(&mut de)
        .and_then(|map| de.end().map(|()| map));
    parsed.map_err(|e| meter.stop.take().unwrap_or(EvidenceError::Json(e)))
}

/// Counts values and charges their memory while a tree is built.
struct Meter<'b> {
    /// Values still allowed.
    left: usize,
    /// The cap, for the error.
    cap: usize,
    /// The run's budget.
    budget: &'b mut OutputBudget,
    /// Why parsing was stopped, when the meter stopped it.
    stop: Option<EvidenceError>,
}

impl Meter<'_> {
    /// Counts one value holding `bytes` of its own.
    fn value<E: de::Error>(&mut self, bytes: usize) -> Result<(), E> {
        if self.left == 0 {
            self.stop = Some(EvidenceError::TooManyValues(self.cap));
            return Err(E::custom("too many values"));
        }
        self.left -= 1;
        self.charge(bytes)
    }

    /// Charges `bytes` to the budget.
    fn charge<E: de::Error>(&mut self, bytes: usize) -> Result<(), E> {
        self.budget.charge(bytes).map_err(|_| {
            self.stop = Some(EvidenceError::OverBudget);
            E::custom("over the output budget")
        })
    }
}

/// Reads any JSON value.
struct Node<'m, 'b>(&'m mut Meter<'b>);

impl<'de> DeserializeSeed<'de> for Node<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.value(0)?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.value(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.value(0)?;
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.value(0)?;
        // JSON has no NaN or infinity: serde_json never hands them over.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.value(OutputBudget::string(v))?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.value(v.capacity() + ALLOC_OVERHEAD)?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.value(0)?;
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.value(ALLOC_OVERHEAD)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node(&mut *self.0))? {
            self.0.charge::<A::Error>(VALUE_SIZE)?;
            items.push(item);
        }
        // What was charged is what is kept.
        items.shrink_to_fit();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        read_entries(self.0, map, &mut entries)?;
        Ok(Value::Object(entries))
    }
}

/// Reads a map key (JSON keys are strings).
struct Key<'m, 'b>(&'m mut Meter<'b>);

impl<'de> DeserializeSeed<'de> for Key<'_, '_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_, '_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.0.value(OutputBudget::string(v))?;
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.0.value(v.capacity() + ALLOC_OVERHEAD)?;
        Ok(v)
    }
}

/// Reads the top-level object.
struct Object<'m, 'b>(&'m mut Meter<'b>);

impl<'de> DeserializeSeed<'de> for Object<'_, '_> {
    type Value = BTreeMap<String, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Object<'_, '_> {
    type Value = BTreeMap<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut entries = BTreeMap::new();
        read_entries(self.0, map, &mut entries)?;
        Ok(entries)
    }
}

/// Reads an object's entries into `out`, counting the object, its keys and
/// values, and charging its map: the first entry takes a whole node.
fn read_entries<'de, A: MapAccess<'de>>(
    meter: &mut Meter<'_>,
    mut map: A,
    out: &mut impl Extend<(String, Value)>,
) -> Result<(), A::Error> {
    meter.value(0)?;
    let mut first = true;
    while let Some(key) = map.next_key_seed(Key(&mut *meter))? {
        let value = map.next_value_seed(Node(&mut *meter))?;
        meter.charge::<A::Error>(if first { MAP_NODE } else { MAP_ENTRY })?;
        first = false;
        out.extend([(key, value)]);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse_all(text: &str) -> Result<BTreeMap<String, Value>, EvidenceError> {
        parse(text, usize::MAX, &mut OutputBudget::new(usize::MAX))
    }

    #[test]
    fn parses_what_serde_json_parses() {
        let text = r#"{"kind":"database","n":-3,"big":18446744073709551615,"x":1.5,"ok":true,"none":null,
                      "list":["a",{"b":[1,2]}],"esc":"tab\there"}"#;
        let want: BTreeMap<String, Value> = serde_json::from_str(text).unwrap();
        assert_eq!(parse_all(text).unwrap(), want);
    }

    #[test]
    fn refuses_what_is_not_an_object() {
        let e = parse_all("[1, 2, 3]").unwrap_err().to_string();
        assert!(
            e.starts_with("evidence is not a JSON object: invalid type: sequence, expected a JSON object"),
            "{e}"
        );
        let e = parse_all("{not json").unwrap_err().to_string();
        assert!(
            e.starts_with("evidence is not a JSON object: key must be a string"),
            "{e}"
        );
        let e = parse_all("{} trailing").unwrap_err().to_string();
        assert!(
            e.starts_with("evidence is not a JSON object: trailing characters"),
            "{e}"
        );
    }

    #[test]
    fn counts_every_value_and_key() {
        // The object, the key, the array and its three numbers.
        let text = r#"{"a":[0,0,0]}"#;
        assert!(parse(text, 6, &mut OutputBudget::new(usize::MAX)).is_ok());
        let e = parse(text, 5, &mut OutputBudget::new(usize::MAX)).unwrap_err();
        assert!(matches!(e, EvidenceError::TooManyValues(5)), "{e:?}");
    }

    #[test]
    fn charges_the_tree_not_the_text() {
        let text = format!("{{\"a\":[{}0]}}", "0,".repeat(1000));
        let mut budget = OutputBudget::new(usize::MAX);
        parse(&text, usize::MAX, &mut budget).unwrap();
        // 1,001 values of 32 bytes in the array, a map node, and a little more.
        let charged = budget.used();
        assert!(charged >= 1001 * VALUE_SIZE + MAP_NODE, "{charged}");
        assert!(charged < 1001 * VALUE_SIZE + MAP_NODE + 256, "{charged}");
        // Objects in an array are charged a map node each.
        let text = format!("{{\"a\":[{}{{\"b\":0}}]}}", "{\"b\":0},".repeat(99));
        let mut budget = OutputBudget::new(usize::MAX);
        parse(&text, usize::MAX, &mut budget).unwrap();
        assert!(budget.used() > 100 * MAP_NODE);
    }

    #[test]
    fn stops_as_soon_as_the_budget_is_spent() {
        let text = format!("{{\"a\":[{}0]}}", "0,".repeat(30_000));
        let mut budget = OutputBudget::new(64 << 10);
        let e = parse(&text, usize::MAX, &mut budget).unwrap_err();
        assert!(matches!(e, EvidenceError::OverBudget), "{e:?}");
    }
}
