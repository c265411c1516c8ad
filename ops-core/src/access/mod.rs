//! Access inventory: who can do what, through which groups, and the checks
//! over it (departed people with access, shared and unprotected admin
//! credentials, dormant grants, access while away, orphaned service
//! accounts, sole admins), offboarding plans and access reviews.

mod checks;
mod effective;
mod model;
mod offboard;
mod review;

pub(crate) use checks::all as checks;
pub use checks::{
    AccessWhileAway, AdminWithoutMfa, DepartedWithAccess, OrphanedServiceAccount, SharedAdminCredential, SingleAdmin,
    UnrotatedSharedCredential, UnusedGrant,
};
pub(crate) use checks::{credential_holders, describe_path, sole_admins};
pub use effective::{EffectiveAccess, EffectiveGrant};
pub use model::{
    AccessEvent, Credential, CredentialKind, Grant, Group, Level, Period, Person, PersonStatus, Principal,
    ServiceAccount, System,
};
pub use offboard::{OffboardingPlan, PlanCredential, PlanGrant, PlanMembership, PlanOwnership};
pub use review::{AccessReview, ReviewRow};
