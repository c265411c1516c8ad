//! The objects of a dump or manifests: `v1` `List`s flattened, each object
//! with its kind, namespace, name and where it was written, and the small
//! readers every mapping needs (strings, numbers, labels, selectors).

use std::collections::BTreeMap;

use crate::Location;
use crate::import::{Imported, Place};
use crate::source::node::{Node, Value};

/// One Kubernetes object of the input.
#[derive(Debug, Clone, Copy)]
pub(super) struct Object<'n> {
    /// `kind`, such as `Deployment`.
    pub(super) kind: &'n str,
    /// `metadata.namespace`; `None` for cluster-scoped objects.
    pub(super) namespace: Option<&'n str>,
    /// `metadata.name`.
    pub(super) name: &'n str,
    /// The whole object.
    pub(super) node: &'n Node,
}

impl<'n> Object<'n> {
    /// Where the object starts.
    pub(super) fn at(&self) -> &'n Location {
        &self.node.at
    }

    /// The object as messages name it: `Deployment shop/web`, `Node n1`.
    pub(super) fn describe(&self) -> String {
        match self.namespace {
            Some(ns) => format!("{} {ns}/{}", self.kind, self.name),
            None => format!("{} {}", self.kind, self.name),
        }
    }

    /// The namespace, `default` when the object names none (manifests
    /// often leave it to `kubectl apply -n`).
    pub(super) fn ns(&self) -> &'n str {
        self.namespace.unwrap_or("default")
    }

    /// The node at `path` under the object.
    pub(super) fn get(&self, path: &[&str]) -> Option<&'n Node> {
        get(self.node, path)
    }

    /// The string at `path`.
    pub(super) fn str(&self, path: &[&str]) -> Option<&'n str> {
        self.get(path).and_then(as_str)
    }

    /// `metadata.uid`.
    pub(super) fn uid(&self) -> Option<&'n str> {
        self.str(&["metadata", "uid"])
    }

    /// `metadata.labels`.
    pub(super) fn labels(&self) -> Labels<'n> {
        string_map(self.get(&["metadata", "labels"]))
    }

    /// The annotation `name`, with where it is written.
    pub(super) fn annotation(&self, name: &str) -> Option<(&'n str, &'n Location)> {
        let node = self.get(&["metadata", "annotations"])?.get(name)?;
        as_str(node).map(|s| (s, &node.at))
    }

    /// The `uid` of the controller among `metadata.ownerReferences`.
    pub(super) fn controller_uid(&self) -> Option<&'n str> {
        let Value::Seq(owners) = &self.get(&["metadata", "ownerReferences"])?.value else {
            return None;
        };
        owners
            .iter()
            .find(|o| matches!(o.get("controller").map(|c| &c.value), Some(Value::Bool(true))))
            .and_then(|o| o.get("uid"))
            .and_then(as_str)
    }
}

/// Labels: key to value, in key order.
pub(super) type Labels<'n> = BTreeMap<&'n str, &'n str>;

/// The node at `path` under `node`.
pub(super) fn get<'n>(node: &'n Node, path: &[&str]) -> Option<&'n Node> {
    let mut n = node;
    for p in path {
        n = n.get(p)?;
    }
    Some(n)
}

/// The string of a string node.
pub(super) fn as_str(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// The elements of a list node (none for anything else).
pub(super) fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

/// A mapping of strings to strings (labels, a Service's selector); entries
/// with other values are left out.
pub(super) fn string_map(node: Option<&Node>) -> Labels<'_> {
    let mut out = BTreeMap::new();
    if let Some(Node {
        value: Value::Map(entries),
        ..
    }) = node
    {
        for (k, v) in entries {
            if let (Value::Str(k), Value::Str(v)) = (&k.value, &v.value) {
                out.insert(k.as_str(), v.as_str());
            }
        }
    }
    out
}

/// A whole number, or a string of one, as Kubernetes writes counts.
pub(super) fn as_count(node: &Node) -> Option<u64> {
    match &node.value {
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    }
}

/// An `IntOrString` of a disruption budget: a count or a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IntOrPercent {
    /// A number of pods.
    Count(u64),
    /// A percentage of the pods the controller wants.
    Percent(u64),
}

impl IntOrPercent {
    /// Reads `5` or `"50%"`; `None` for anything else.
    pub(super) fn read(node: &Node) -> Option<IntOrPercent> {
        match &node.value {
            Value::Int(i) => u64::try_from(*i).ok().map(IntOrPercent::Count),
            Value::Str(s) => match s.strip_suffix('%') {
                Some(p) => p.parse().ok().map(IntOrPercent::Percent),
                None => s.parse().ok().map(IntOrPercent::Count),
            },
            _ => None,
        }
    }

    /// The number of pods out of `of`, rounding a percentage up, as the
    /// disruption controller does for both fields.
    pub(super) fn scaled(self, of: u64) -> u64 {
        match self {
            IntOrPercent::Count(n) => n,
            IntOrPercent::Percent(p) => (p.saturating_mul(of)).div_ceil(100),
        }
    }
}

/// A label selector: `matchLabels` and `matchExpressions`, or a Service's
/// plain mapping.
#[derive(Debug, Default)]
pub(super) struct Selector<'n> {
    labels: Labels<'n>,
    expressions: Vec<Expression<'n>>,
}

#[derive(Debug)]
struct Expression<'n> {
    key: &'n str,
    op: Op,
    values: Vec<&'n str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

impl<'n> Selector<'n> {
    /// A `metav1.LabelSelector`; `Err` with what is wrong when it has an
    /// operator Kubernetes does not define.
    pub(super) fn label_selector(node: &'n Node) -> Result<Selector<'n>, String> {
        let mut out = Selector {
            labels: string_map(node.get("matchLabels")),
            expressions: Vec::new(),
        };
        for e in items(node.get("matchExpressions")) {
            let key = e.get("key").and_then(as_str).ok_or("a matchExpression without a key")?;
            let op = match e.get("operator").and_then(as_str) {
                Some("In") => Op::In,
                Some("NotIn") => Op::NotIn,
                Some("Exists") => Op::Exists,
                Some("DoesNotExist") => Op::DoesNotExist,
                other => {
                    return Err(format!(
                        "matchExpressions operator {} is not In, NotIn, Exists or DoesNotExist",
                        other.map_or_else(|| "(none)".to_owned(), |o| format!("'{o}'"))
                    ));
                }
            };
            let values = items(e.get("values")).iter().filter_map(as_str).collect();
            out.expressions.push(Expression { key, op, values });
        }
        Ok(out)
    }

    /// A Service's `spec.selector`: labels that must all match.
    pub(super) fn plain(labels: Labels<'n>) -> Selector<'n> {
        Selector {
            labels,
            expressions: Vec::new(),
        }
    }

    /// `true` when it selects nothing at all (an empty selector selects
    /// everything for a budget, nothing for a Service; callers decide).
    pub(super) fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.expressions.is_empty()
    }

    /// One label it requires, for looking candidates up in an index.
    pub(super) fn first_label(&self) -> Option<(&'n str, &'n str)> {
        self.labels.iter().next().map(|(k, v)| (*k, *v))
    }

    /// Whether `labels` match.
    pub(super) fn matches(&self, labels: &Labels<'_>) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|e| {
                let value = labels.get(e.key);
                match e.op {
                    Op::In => value.is_some_and(|v| e.values.contains(v)),
                    Op::NotIn => value.is_none_or(|v| !e.values.contains(v)),
                    Op::Exists => value.is_some(),
                    Op::DoesNotExist => value.is_none(),
                }
            })
    }
}

/// Reads the documents of the inputs into objects: each `*List`'s items
/// (one level: a List inside a List is skipped with a note), and every
/// other mapping as one object. A document that is not a mapping, or an
/// object without `kind` or `metadata.name`, is a problem.
pub(super) fn flatten<'n>(docs: &'n [Node], out: &mut Imported) -> Vec<Object<'n>> {
    let mut objects = Vec::new();
    for doc in docs {
        match &doc.value {
            Value::Null => {}
            Value::Map(_) => {
                let kind = doc.get("kind").and_then(as_str);
                match (kind, doc.get("items")) {
                    (Some(k), Some(list)) if k.ends_with("List") => {
                        let Value::Seq(list) = &list.value else {
                            out.problem(
                                Place::from(&list.at),
                                format!("items: expected a list of objects, found {}", list.value.kind_name()),
                            );
                            continue;
                        };
                        for (i, item) in list.iter().enumerate() {
                            if let Some(o) = object(item, &format!("items[{i}]"), out) {
                                if o.kind.ends_with("List") && o.get(&["items"]).is_some() {
                                    out.note(
                                        Place::from(o.at()),
                                        format!("skipped {} inside a List: ops reads one level of List", o.kind),
                                    );
                                } else {
                                    objects.push(o);
                                }
                            }
                        }
                    }
                    _ => objects.extend(object(doc, "the document", out)),
                }
            }
            other => out.problem(
                Place::from(&doc.at),
                format!(
                    "expected a Kubernetes object or a List of them, found {}",
                    other.kind_name()
                ),
            ),
        }
    }
    objects
}

fn object<'n>(node: &'n Node, what: &str, out: &mut Imported) -> Option<Object<'n>> {
    if !matches!(node.value, Value::Map(_)) {
        out.problem(
            Place::from(&node.at),
            format!("{what}: expected a Kubernetes object, found {}", node.value.kind_name()),
        );
        return None;
    }
    let kind = node.get("kind").and_then(as_str);
    let name = get(node, &["metadata", "name"]).and_then(as_str);
    let (Some(kind), Some(name)) = (kind, name) else {
        let missing: Vec<&str> = [("kind", kind.is_none()), ("metadata.name", name.is_none())]
            .iter()
            .filter(|(_, m)| *m)
            .map(|(f, _)| *f)
            .collect();
        out.problem(
            Place::from(&node.at),
            format!(
                "{what}: expected a Kubernetes object with a string {} (is this the output of kubectl get -o json?)",
                missing.join(" and ")
            ),
        );
        return None;
    };
    let namespace = get(node, &["metadata", "namespace"]).and_then(as_str);
    Some(Object {
        kind,
        namespace,
        name,
        node,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(json: &str) -> Node {
        let file: std::sync::Arc<str> = std::sync::Arc::from("t.json");
        crate::source::parse(&file, json, crate::Format::Json, &Default::default(), None)
            .unwrap()
            .remove(0)
    }

    #[test]
    fn selectors_match_labels_and_every_operator() {
        let s = node(
            r#"{"matchLabels": {"app": "web"}, "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "edge"]},
                {"key": "canary", "operator": "DoesNotExist"},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "team", "operator": "Exists"}]}"#,
        );
        let sel = Selector::label_selector(&s).unwrap();
        let labels = |pairs: &[(&'static str, &'static str)]| -> Labels<'static> { pairs.iter().copied().collect() };
        assert!(sel.matches(&labels(&[("app", "web"), ("tier", "edge"), ("team", "x")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "edge")])));
        assert!(!sel.matches(&labels(&[("app", "web"), ("tier", "back"), ("team", "x")])));
        assert!(!sel.matches(&labels(&[
            ("app", "web"),
            ("tier", "edge"),
            ("team", "x"),
            ("canary", "1")
        ])));
        assert!(!sel.matches(&labels(&[
            ("app", "web"),
            ("tier", "edge"),
            ("team", "x"),
            ("env", "dev")
        ])));
        let bad = node(r#"{"matchExpressions": [{"key": "a", "operator": "Gt"}]}"#);
        assert_eq!(
            Selector::label_selector(&bad).unwrap_err(),
            "matchExpressions operator 'Gt' is not In, NotIn, Exists or DoesNotExist"
        );
    }

    #[test]
    fn budgets_scale_percentages_up() {
        let read = |j: &str| IntOrPercent::read(&node(j));
        assert_eq!(read("2"), Some(IntOrPercent::Count(2)));
        assert_eq!(read(r#""50%""#), Some(IntOrPercent::Percent(50)));
        assert_eq!(read(r#""x%""#), None);
        assert_eq!(IntOrPercent::Percent(50).scaled(3), 2);
        assert_eq!(IntOrPercent::Percent(34).scaled(3), 2);
        assert_eq!(IntOrPercent::Percent(33).scaled(3), 1);
        assert_eq!(IntOrPercent::Count(4).scaled(3), 4);
    }
}
