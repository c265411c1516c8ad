//! Access inventory: who can do what, through which groups, and the checks
//! over it (departed people with access, shared and unprotected admin
//! credentials, dormant grants, access while away, orphaned service
//! accounts, sole admins), offboarding plans and access reviews.

mod checks;
mod effective;
mod holders;
mod offboard;
mod review;

pub use crate::model::access::{AccessEvent, Credential, CredentialKind, Grant, GrantUsage, Level, System};
pub use crate::model::people::{Group, Period, Person, PersonStatus, Principal, ServiceAccount};
pub(crate) use checks::RULES;
pub use checks::{
    ACCESS_WHILE_AWAY, ADMIN_WITHOUT_MFA, DEPARTED_WITH_ACCESS, ORPHANED_SERVICE_ACCOUNT, SHARED_ADMIN_CREDENTIAL,
    SINGLE_ADMIN, UNROTATED_SHARED_CREDENTIAL, UNUSED_GRANT, UnusedGrantOptions,
};
pub use effective::{EffectiveAccess, EffectiveGrant};
pub(crate) use holders::{credential_holders, describe_path, sole_admins};
pub use offboard::{OffboardingPlan, PlanCredential, PlanGrant, PlanMembership, PlanOwnership};
pub use review::{AccessReview, ReviewRow};
