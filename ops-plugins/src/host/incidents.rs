//! `ops:plugin/incidents`: incidents and their post-mortem actions.

use super::{instant, to_u32};
use crate::bindings::ops::plugin::{incidents, types};
use crate::state::RunState;

impl incidents::Host for RunState {
    fn incident_count(&mut self) -> wasmtime::Result<u32> {
        self.with("incident-count", |inv, _| Ok(to_u32(inv.incidents().len())))
    }

    fn incident_at(&mut self, index: u32) -> wasmtime::Result<Option<types::Incident>> {
        self.with("incident-at", |inv, _| {
            Ok(inv.incidents().get(index as usize).map(|i| types::Incident {
                id: i.id.clone(),
                title: i.title.clone(),
                severity: i.severity.as_str().to_owned(),
                commander: i.commander.map(|p| inv.person(p).id.clone()),
                impacted: i.impacted.iter().map(|c| to_u32(c.index())).collect(),
                detected_by: i.detected_by.map(|d| d.as_str().to_owned()),
                detected_at: instant(i.detected_at),
                resolved_at: i.resolved_at.map(instant),
                postmortem_done_at: i.postmortem_done_at.map(instant),
                cause: i.cause.clone(),
                actions: i
                    .postmortem
                    .iter()
                    .flat_map(|p| &p.issues)
                    .flat_map(|issue| &issue.actions)
                    .map(|a| types::IncidentAction {
                        description: a.description.clone(),
                        owner: a.owner.map(|o| inv.principal_id(o).to_owned()),
                        due: a.due.map(instant),
                        done_at: a.done_at.map(instant),
                    })
                    .collect(),
            }))
        })
    }
}
