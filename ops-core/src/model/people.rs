//! People, service accounts and groups: the principals access is granted to
//! and components are owned by.

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
