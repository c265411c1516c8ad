//! People, service accounts, groups, systems, grants, credentials and access events.

use crate::{Idx, Location, Timestamp};

/// Someone or something access can be granted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    /// A person.
    Person(Idx<Person>),
    /// A service account.
    ServiceAccount(Idx<ServiceAccount>),
    /// A group.
    Group(Idx<Group>),
}

/// A person.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Person {
    /// Unique id.
    pub id: String,
    /// Full name.
    pub name: Option<String>,
    /// Work e-mail.
    pub email: Option<String>,
    /// Employment status as recorded.
    pub status: PersonStatus,
    /// When they left (set exactly when `status` is `Departed`).
    pub departed_at: Option<Timestamp>,
    /// Leave periods.
    pub leave: Vec<Period>,
    /// Whether a second factor is enrolled at the identity provider
    /// (`None`: not recorded).
    pub mfa: Option<bool>,
    /// Where defined.
    pub location: Location,
}

impl Person {
    /// Whether they had left by `at`.
    pub fn departed_by(&self, at: Timestamp) -> bool {
        self.status == PersonStatus::Departed && self.departed_at.is_some_and(|d| d <= at)
    }

    /// The leave period `at` falls in, if any.
    pub fn on_leave_at(&self, at: Timestamp) -> Option<&Period> {
        self.leave.iter().find(|p| p.contains(at))
    }
}

/// Employment status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PersonStatus {
    /// Working.
    Active,
    /// On leave (see the person's leave periods).
    OnLeave,
    /// Left the organisation.
    Departed,
}

impl PersonStatus {
    /// The name used in inventory files.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Active => "active",
            PersonStatus::OnLeave => "on_leave",
            PersonStatus::Departed => "departed",
        }
    }
}

/// A span of time, `from` inclusive, `until` exclusive or open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    /// Start.
    pub from: Timestamp,
    /// End, if known.
    pub until: Option<Timestamp>,
}

impl Period {
    /// Whether `t` falls in this period.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && self.until.is_none_or(|u| t < u)
    }
}

/// A non-human principal.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServiceAccount {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// The person responsible.
    pub owner: Option<Idx<Person>>,
    /// Free text.
    pub description: Option<String>,
    /// Disabled accounts cannot be used.
    pub disabled: bool,
    /// Where defined.
    pub location: Location,
}

/// A group of principals.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Group {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// Direct members; nested groups are resolved by the access analysis.
    pub members: Vec<Principal>,
    /// Where defined.
    pub location: Location,
}

/// A system access is granted to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct System {
    /// Unique id.
    pub id: String,
    /// Human-readable name.
    pub name: Option<String>,
    /// The component it is, if any.
    pub component: Option<Idx<crate::Component>>,
    /// Free text.
    pub description: Option<String>,
    /// Where defined.
    pub location: Location,
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
    /// When.
    pub at: Timestamp,
    /// From where.
    pub source: Option<String>,
    /// What was done.
    pub action: Option<String>,
    /// Where recorded.
    pub location: Location,
}
