//! Access inventory: who can do what.

mod model;

pub use model::{
    AccessEvent, Credential, CredentialKind, Grant, Group, Level, Period, Person, PersonStatus, Principal,
    ServiceAccount, System,
};
