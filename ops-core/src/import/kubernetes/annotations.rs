//! The `ops.dev/*` annotations: what the cluster cannot know (entry points,
//! tiers, owners, dependencies outside the cluster, statefulness, what a
//! backup CronJob backs up).

use super::objects::Object;
use crate::Location;
use crate::import::{Imported, Place};
use crate::source::node::Value;

/// The prefix of the annotations ops reads.
pub(super) const PREFIX: &str = "ops.dev/";

/// The `ops.dev/*` annotations of one object, read and checked.
#[derive(Debug, Default)]
pub(super) struct Ops<'n> {
    pub(super) entry: Option<(bool, &'n Location)>,
    pub(super) tier: Option<(i64, &'n Location)>,
    pub(super) owner: Option<(&'n str, &'n Location)>,
    /// Ids, as written, each where the annotation is.
    pub(super) depends_on: Vec<(&'n str, &'n Location)>,
    pub(super) stateful: Option<(bool, &'n Location)>,
    pub(super) backup_of: Option<(&'n str, &'n Location)>,
}

/// Reads the `ops.dev/*` annotations of `o` that `allowed` lists (names
/// without the prefix). A bad value is a problem; an annotation ops does not
/// read on this kind is a note.
pub(super) fn read<'n>(o: &Object<'n>, allowed: &[&str], out: &mut Imported) -> Ops<'n> {
    let mut ops = Ops::default();
    let Some(node) = o.get(&["metadata", "annotations"]) else {
        return ops;
    };
    let Value::Map(entries) = &node.value else {
        return ops;
    };
    for (k, v) in entries {
        let (Value::Str(key), Value::Str(value)) = (&k.value, &v.value) else {
            continue;
        };
        let Some(name) = key.strip_prefix(PREFIX) else {
            continue;
        };
        let at = &v.at;
        if !allowed.contains(&name) {
            out.note(
                Place::from(&k.at),
                format!(
                    "{}: annotation {key} is not one ops reads on a {} (it reads {}); ignored",
                    o.describe(),
                    o.kind,
                    allowed
                        .iter()
                        .map(|a| format!("{PREFIX}{a}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        }
        let value = value.trim();
        match name {
            "entry" | "stateful" => match value {
                "true" => set_bool(&mut ops, name, true, at),
                "false" => set_bool(&mut ops, name, false, at),
                _ => out.problem(
                    Place::from(at),
                    format!("{key}: expected 'true' or 'false', found '{value}'"),
                ),
            },
            "tier" => match value.parse::<i64>() {
                Ok(t) if (1..=4).contains(&t) => ops.tier = Some((t, at)),
                _ => out.problem(
                    Place::from(at),
                    format!("{key}: expected a tier from 1 (most critical) to 4, found '{value}'"),
                ),
            },
            "owner" => ops.owner = Some((value, at)),
            "backup-of" => ops.backup_of = Some((value, at)),
            "depends-on" => {
                ops.depends_on = value
                    .split(',')
                    .map(str::trim)
                    .filter(|d| !d.is_empty())
                    .map(|d| (d, at))
                    .collect();
            }
            _ => {}
        }
    }
    ops
}

fn set_bool<'n>(ops: &mut Ops<'n>, name: &str, value: bool, at: &'n Location) {
    match name {
        "entry" => ops.entry = Some((value, at)),
        _ => ops.stateful = Some((value, at)),
    }
}
