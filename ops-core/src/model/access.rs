//! Systems, grants, credentials and access events: who may do what, where.

use super::people::Principal;
use crate::{Component, Idx, Location, Timestamp};

/// A system access is granted to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct System {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// The components it is or spans (`component:` or `components:` in the
    /// inventory), without repeats, in the order written.
    pub components: Vec<Idx<Component>>,
    /// What sort of system, as written (free text); see [`System::is_workstation`].
    pub kind: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Whether the system records when its grants are used (`records_use`,
    /// default `true`). Where it does not (Kubernetes RBAC), a grant with no
    /// `last_used_at` and no access event has an unknown use, and
    /// `access/unused-grant` does not call it unused.
    pub records_use: bool,
    /// Where defined.
    pub location: Location,
}

impl System {
    /// The kind that marks a person's own machine, which has one
    /// administrator by design.
    pub const WORKSTATION: &'static str = "workstation";

    /// Whether this is a person's own machine (`kind: workstation`).
    pub fn is_workstation(&self) -> bool {
        self.kind.as_deref() == Some(Self::WORKSTATION)
    }
}

/// Access levels, weakest first; they compare in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Read data.
    Read,
    /// Change data.
    Write,
    /// Administer: change configuration, delete data, manage access.
    Admin,
    /// Own: everything, including deleting the system itself.
    Owner,
}

impl Level {
    /// The name used in inventory files.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Read => "read",
            Level::Write => "write",
            Level::Admin => "admin",
            Level::Owner => "owner",
        }
    }
}

/// A grant of access.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Grant {
    /// Optional id.
    pub id: Option<String>,
    /// Who receives it.
    pub principal: Principal,
    /// To what.
    pub system: Idx<System>,
    /// The system's own role name.
    pub role: Option<String>,
    /// How much.
    pub level: Level,
    /// When granted.
    pub granted_at: Option<Timestamp>,
    /// When last used.
    pub last_used_at: Option<Timestamp>,
    /// When it lapses.
    pub expires_at: Option<Timestamp>,
    /// Where defined.
    pub location: Location,
}

impl Grant {
    /// Whether the grant is in force at `at`: granted by then (when known)
    /// and not yet expired.
    pub fn active_at(&self, at: Timestamp) -> bool {
        self.granted_at.is_none_or(|g| g <= at) && self.expires_at.is_none_or(|e| at < e)
    }
}

/// Personal or shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// Held by one principal.
    Personal,
    /// Known to several.
    Shared,
}

/// A password, key or token.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Credential {
    /// Unique id.
    pub id: String,
    /// Personal or shared.
    pub kind: CredentialKind,
    /// The system it opens.
    pub system: Option<Idx<System>>,
    /// The access it gives there.
    pub level: Option<Level>,
    /// Who holds it.
    pub holders: Vec<Principal>,
    /// Whether a second factor is required.
    pub mfa: bool,
    /// Created.
    pub created_at: Option<Timestamp>,
    /// Last rotated.
    pub rotated_at: Option<Timestamp>,
    /// Last used.
    pub last_used_at: Option<Timestamp>,
    /// Free text.
    pub description: Option<String>,
    /// Where defined.
    pub location: Location,
}

/// An observed use of access.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AccessEvent {
    /// Who.
    pub principal: Principal,
    /// Where.
    pub system: Idx<System>,
    /// The credential used, when recorded.
    pub credential: Option<Idx<Credential>>,
    /// When.
    pub at: Timestamp,
    /// From where.
    pub source: Option<String>,
    /// What was done.
    pub action: Option<String>,
    /// Where recorded.
    pub location: Location,
}
