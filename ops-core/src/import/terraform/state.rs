//! The JSON of `terraform show -json`: a state (`values`) or a plan
//! (`planned_values`), its modules walked without recursion, into a flat
//! list of managed resources, each with its inventory id and located values.

use std::collections::HashMap;

use super::ids;
use super::values::str_at;
use crate::Location;
use crate::import::{Imported, Place};
use crate::source::node::{Node, Value};

/// One managed resource of a state or plan.
#[derive(Debug)]
pub(super) struct Resource<'n> {
    /// Its Terraform address, as written.
    pub(super) address: &'n str,
    /// Its inventory id ([`ids::from_address`]).
    pub(super) id: String,
    /// Its resource type, such as `aws_db_instance`.
    pub(super) kind: &'n str,
    /// Its attribute values (a mapping).
    pub(super) values: &'n Node,
    /// Where the resource is written.
    pub(super) at: &'n Location,
}

/// Reads the resources of every document (one per input file). Problems
/// (not a `terraform show -json` document, a resource without address or
/// type, two addresses with one id) go to `out`; data sources are left out
/// silently (they describe what exists elsewhere).
///
/// # Complexity
/// Linear in the number of nodes.
pub(super) fn resources<'n>(docs: &'n [Node], out: &mut Imported) -> Vec<Resource<'n>> {
    let mut list = Vec::new();
    let mut seen: HashMap<String, &'n Node> = HashMap::new();
    for doc in docs {
        let Some(root) = root_module(doc, out) else { continue };
        // Modules nest as deep as the file does (bounded by the parser's
        // depth limit); walk them with a stack rather than by recursion.
        let mut stack = vec![root];
        while let Some(module) = stack.pop() {
            let children = super::values::list_at(module, "child_modules");
            // Pushed in reverse so modules come out in the order written.
            stack.extend(children.iter().rev());
            for node in super::values::list_at(module, "resources") {
                if let Some(r) = resource(node, out) {
                    if let Some(first) = seen.get(&r.id) {
                        out.problem(
                            Place::from(r.at),
                            format!(
                                "resource '{}' has the inventory id '{}', as does '{}' at {}: rename one of them (in several states, give them different module paths)",
                                r.address,
                                r.id,
                                str_at(first, "address").unwrap_or("?"),
                                first.at
                            ),
                        );
                        continue;
                    }
                    seen.insert(r.id.clone(), node);
                    list.push(r);
                }
            }
        }
    }
    list
}

/// The `root_module` of a document: of `planned_values` in a plan, of
/// `values` in a state. `None` (with a problem when it is not the output of
/// `terraform show -json`) when there is none; an empty state has none.
fn root_module<'n>(doc: &'n Node, out: &mut Imported) -> Option<&'n Node> {
    if !matches!(doc.value, Value::Map(_)) {
        out.problem(
            Place::from(&doc.at),
            format!(
                "expected the JSON object that `terraform show -json` writes, found {}",
                doc.value.kind_name()
            ),
        );
        return None;
    }
    match doc.get("format_version") {
        Some(Node {
            value: Value::Str(v), ..
        }) if v.split('.').next() == Some("1") => {}
        Some(v) => {
            out.problem(
                Place::from(&v.at),
                format!(
                    "format_version: expected 1.x (the JSON output format of Terraform 0.12 and later), found {}",
                    describe(v)
                ),
            );
            return None;
        }
        None => {
            out.problem(
                Place::from(&doc.at),
                "expected the output of `terraform show -json` (a state or a plan), but there is no format_version",
            );
            return None;
        }
    }
    let values = doc.get("planned_values").or_else(|| doc.get("values"))?;
    values.get("root_module")
}

fn describe(v: &Node) -> String {
    match &v.value {
        Value::Str(s) => format!("'{s}'"),
        other => other.kind_name().to_owned(),
    }
}

/// One resource, or `None` for a data source and for what cannot be one
/// (with a problem).
fn resource<'n>(node: &'n Node, out: &mut Imported) -> Option<Resource<'n>> {
    if str_at(node, "mode") == Some("data") {
        return None;
    }
    let (Some(address), Some(kind)) = (str_at(node, "address"), str_at(node, "type")) else {
        out.problem(
            Place::from(&node.at),
            "a resource needs a string 'address' and 'type', as `terraform show -json` writes them",
        );
        return None;
    };
    let id = ids::from_address(address);
    if let Err(reason) = crate::ids::check_id(&id) {
        out.problem(
            Place::from(&node.at),
            format!("resource '{address}': its inventory id '{id}' is not valid: {reason}"),
        );
        return None;
    }
    let Some(values) = node.get("values").filter(|v| matches!(v.value, Value::Map(_))) else {
        out.note(
            Place::from(&node.at),
            format!("resource '{address}' has no attribute values; skipped"),
        );
        return None;
    };
    Some(Resource {
        address,
        id,
        kind,
        values,
        at: &node.at,
    })
}
