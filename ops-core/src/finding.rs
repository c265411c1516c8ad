//! Findings: what checks report.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::{Evidence, Location};

/// How bad a finding is. Ordered from `Info` (least) to `Critical` (most), so
/// `severity >= Severity::High` reads as "high or worse".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; no action needed.
    Info,
    /// Fix when convenient.
    Low,
    /// Fix soon.
    Medium,
    /// Fix now: a real outage or loss is plausible.
    High,
    /// An outage or loss is one event away.
    Critical,
}

impl Severity {
    /// All severities, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lowercase name (`critical`, `high`, `medium`, `low`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    /// The lowercase name; width and alignment flags apply (`{:<8}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    /// ```
    /// use ops_core::Severity;
    /// assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" => Ok(Severity::Info),
            _ => Err(format!(
                "unknown severity '{s}': expected critical, high, medium, low or info"
            )),
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The kinds of entity a finding can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntityKind {
    /// The inventory as a whole.
    Inventory,
    /// A component.
    Component,
    /// A failure domain.
    Domain,
    /// A person.
    Person,
    /// A service account.
    ServiceAccount,
    /// A group.
    Group,
    /// A system.
    System,
    /// A grant.
    Grant,
    /// A credential.
    Credential,
    /// A backup policy.
    BackupPolicy,
    /// A backup run.
    BackupRun,
    /// A restore drill.
    RestoreDrill,
    /// A scheduled job.
    Job,
    /// A failover drill or chaos experiment.
    Experiment,
    /// An incident.
    Incident,
    /// A problem.
    Problem,
    /// A change.
    Change,
    /// A waiver (its id is `RULE@SUBJECT`).
    Waiver,
}

impl EntityKind {
    /// Every kind, in declaration order.
    pub const ALL: [EntityKind; 18] = [
        EntityKind::Inventory,
        EntityKind::Component,
        EntityKind::Domain,
        EntityKind::Person,
        EntityKind::ServiceAccount,
        EntityKind::Group,
        EntityKind::System,
        EntityKind::Grant,
        EntityKind::Credential,
        EntityKind::BackupPolicy,
        EntityKind::BackupRun,
        EntityKind::RestoreDrill,
        EntityKind::Job,
        EntityKind::Experiment,
        EntityKind::Incident,
        EntityKind::Problem,
        EntityKind::Change,
        EntityKind::Waiver,
    ];

    /// The kind's name as findings write it (`component`, `service_account`).
    ///
    /// ```
    /// use ops_core::EntityKind;
    /// assert_eq!(EntityKind::ServiceAccount.as_str(), "service_account");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Inventory => "inventory",
            EntityKind::Component => "component",
            EntityKind::Domain => "domain",
            EntityKind::Person => "person",
            EntityKind::ServiceAccount => "service_account",
            EntityKind::Group => "group",
            EntityKind::System => "system",
            EntityKind::Grant => "grant",
            EntityKind::Credential => "credential",
            EntityKind::BackupPolicy => "backup_policy",
            EntityKind::BackupRun => "backup_run",
            EntityKind::RestoreDrill => "restore_drill",
            EntityKind::Job => "job",
            EntityKind::Experiment => "experiment",
            EntityKind::Incident => "incident",
            EntityKind::Problem => "problem",
            EntityKind::Change => "change",
            EntityKind::Waiver => "waiver",
        }
    }
}

/// What a finding is about: an entity, by kind and id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Subject {
    /// The entity's kind.
    pub kind: EntityKind,
    /// Its id (for entities without one, such as grants, a description like `alice->prod-db`).
    pub id: String,
}

impl Subject {
    /// A subject of `kind` with `id`.
    pub fn new(kind: EntityKind, id: impl Into<String>) -> Self {
        Subject { kind, id: id.into() }
    }
}

/// One problem a check found.
///
/// ```
/// use ops_core::{EntityKind, Finding, Severity, Subject};
/// let f = Finding::new(
///     "inventory/unowned-component",
///     Severity::Medium,
///     Subject::new(EntityKind::Component, "db"),
///     "component 'db' has no owner",
/// )
/// .with_evidence("stateful", true)
/// .with_remediation("add an owners: list");
/// assert_eq!(f.evidence["stateful"], serde_json::json!(true));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// The id of the rule that produced it, such as `inventory/departed-owner`
    /// (borrowed from the rule where it can be: a built-in rule's findings
    /// share its id instead of each copying it).
    pub check: Cow<'static, str>,
    /// How bad it is (after any override the runner applied).
    pub severity: Severity,
    /// What it is about.
    pub subject: Subject,
    /// One sentence a person can act on.
    pub message: String,
    /// Structured facts behind the message, for machines and for checking the reasoning.
    pub evidence: Evidence,
    /// How to fix it (borrowed when the hint is a fixed text).
    pub remediation: Option<Cow<'static, str>>,
    /// Where the subject is defined.
    pub location: Option<Location>,
    /// What tells this finding apart from other findings of the same rule
    /// on the same subject (an event's instant, a change's id), if the rule
    /// can report one subject more than once. Part of the [fingerprint](Finding::fingerprint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The waiver that accepts this finding, if one does: the finding is
    /// still reported but does not count for the exit code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<Box<AppliedWaiver>>,
    /// Whether the finding was in the baseline the report was compared with,
    /// if it was compared with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<BaselineState>,
}

/// The waiver that accepted a finding, as reported with it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppliedWaiver {
    /// Why the risk is accepted.
    pub reason: String,
    /// The person who owns the accepted risk.
    pub owner: String,
    /// The person who approved the waiver, if named.
    pub approved_by: Option<String>,
    /// When the waiver stops waiving (RFC 3339).
    pub expires: crate::Timestamp,
    /// Where the waiver is written.
    pub location: Location,
}

/// A finding's state against a baseline (a previous report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    /// Not in the baseline: it counts for the exit code.
    New,
    /// In the baseline already (same fingerprint): reported, not counted.
    Unchanged,
}

/// The version of the fingerprint algorithm, part of the key SARIF files
/// carry fingerprints under (`ops/v1`). Fingerprints of one version never
/// change across releases; a new algorithm gets a new version.
pub const FINGERPRINT_VERSION: u32 = 1;

/// [`FINGERPRINT_VERSION`] as the text hashed into each fingerprint (not
/// formatted anew for each of millions of findings).
const FINGERPRINT_VERSION_TEXT: &str = "1";

impl Finding {
    /// A finding with no evidence, remediation or location yet.
    pub fn new(
        check: impl Into<Cow<'static, str>>,
        severity: Severity,
        subject: Subject,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            check: check.into(),
            severity,
            subject,
            message: message.into(),
            evidence: Evidence::new(),
            remediation: None,
            location: None,
            key: None,
            waiver: None,
            baseline_state: None,
        }
    }

    /// Sets what tells this finding apart from other findings of the same
    /// rule on the same subject (see [`Finding::key`]).
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// A stable identity for the finding: 32 hexadecimal digits, the first
    /// half of the SHA-256 of the fingerprint version, the rule id, the
    /// subject's kind and id, and the [key](Finding::key), each followed by a
    /// zero byte. It never depends on files, lines, order, message, severity
    /// or evidence, so moving an entity to another file, or a rule's wording
    /// or severity changing, keeps it.
    ///
    /// ```
    /// use ops_core::{EntityKind, Finding, Severity, Subject};
    /// let f = |sev| Finding::new("graph/spof", sev, Subject::new(EntityKind::Component, "db"), "db is a spof");
    /// assert_eq!(f(Severity::High).fingerprint(), f(Severity::Low).fingerprint());
    /// assert_ne!(f(Severity::High).fingerprint(), f(Severity::High).with_key("2026-11-01").fingerprint());
    /// assert_eq!(f(Severity::High).fingerprint().len(), 32);
    /// ```
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [
            FINGERPRINT_VERSION_TEXT,
            &self.check,
            self.subject.kind.as_str(),
            &self.subject.id,
            self.key.as_deref().unwrap_or_default(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(32);
        for b in &digest[..16] {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out
    }

    /// Whether the finding counts for `--fail-on` and the exit code: it is
    /// neither waived nor unchanged since the baseline.
    pub fn counts(&self) -> bool {
        self.waiver.is_none() && self.baseline_state != Some(BaselineState::Unchanged)
    }

    /// Adds one fact of evidence.
    pub fn with_evidence(mut self, key: impl Into<Cow<'static, str>>, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.insert(key, value.into());
        self
    }

    /// Keeps the finding in as little memory as it can be, the last step
    /// of making it: its evidence as one compact line of JSON
    /// ([`Evidence::compact`]), and its texts without the spare room that
    /// `format!` leaves (it starts with room for twice its literal text and
    /// grows by doubling: `component '{id}' has no owner` holds 32
    /// characters in room for 50). The [`Runner`](crate::Runner) compacts
    /// every finding a check returns.
    pub fn compact(&mut self) {
        self.evidence.compact();
        tighten(&mut self.message);
        if let Some(Cow::Owned(hint)) = &mut self.remediation {
            tighten(hint);
        }
        if let Some(key) = &mut self.key {
            tighten(key);
        }
        tighten(&mut self.subject.id);
    }

    /// [`Finding::compact`], as a builder: a check that makes a finding per
    /// component compacts each as it makes it, so that it never holds all
    /// of them at their full size.
    pub fn compacted(mut self) -> Self {
        self.compact();
        self
    }

    /// Sets the remediation hint.
    pub fn with_remediation(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.remediation = Some(hint.into());
        self
    }

    /// Sets where the subject is defined.
    pub fn at(mut self, location: &Location) -> Self {
        self.location = Some(location.clone());
        self
    }
}

/// Copies `text` into an allocation of its own length if it has room to
/// spare. (`shrink_to_fit` would not do: an allocator may keep a block that
/// is more than half used where it is, as mimalloc does.)
fn tighten(text: &mut String) {
    if text.capacity() > text.len() {
        *text = text.as_str().to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_finding_is_the_same_finding_without_room_to_spare() {
        let id = "c12345";
        let make = || {
            Finding::new(
                "t/rule",
                Severity::Low,
                Subject::new(EntityKind::Component, {
                    let mut roomy = String::with_capacity(64);
                    roomy.push_str(id);
                    roomy
                }),
                format!("component '{id}' has no owner"),
            )
            .with_evidence("entry", true)
            .with_remediation(format!("give '{id}' an owner"))
            .with_key(format!("k{id}"))
        };
        let made = make();
        assert!(made.message.capacity() > made.message.len(), "format! leaves room");
        // Not a clone: a clone of a text has no room to spare.
        let compact = make().compacted();
        assert_eq!(compact, made);
        assert!(compact.evidence.is_compact());
        let texts = [
            &compact.message,
            &compact.subject.id,
            compact.key.as_ref().unwrap(),
            match compact.remediation.as_ref().unwrap() {
                Cow::Owned(hint) => hint,
                Cow::Borrowed(_) => panic!("an owned hint stays owned"),
            },
        ];
        for text in texts {
            assert_eq!(text.capacity(), text.len(), "{text}");
        }
        assert_eq!(compact.fingerprint(), made.fingerprint());
    }

    #[test]
    fn kind_names_are_the_serialized_names() {
        for kind in EntityKind::ALL {
            assert_eq!(serde_json::to_value(kind).ok(), Some(serde_json::json!(kind.as_str())));
        }
        assert_eq!(FINGERPRINT_VERSION.to_string(), FINGERPRINT_VERSION_TEXT);
    }

    /// The fingerprint as first defined: SHA-256 over the version, rule,
    /// kind, id and key, each followed by a zero byte; the first 16 bytes in hex.
    fn reference_fingerprint(f: &Finding) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let kind = serde_json::to_value(f.subject.kind).unwrap_or_default();
        for part in [
            &FINGERPRINT_VERSION.to_string(),
            &*f.check,
            kind.as_str().unwrap_or_default(),
            &f.subject.id,
            f.key.as_deref().unwrap_or_default(),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn fingerprints_never_change() {
        for kind in EntityKind::ALL {
            for key in [None, Some("2026-11-01"), Some("")] {
                let mut f = Finding::new("graph/spof", Severity::High, Subject::new(kind, "db-ü"), "m");
                f.key = key.map(str::to_owned);
                assert_eq!(f.fingerprint(), reference_fingerprint(&f));
            }
        }
        // Pinned: a change here breaks every baseline and SARIF history.
        let f = Finding::new(
            "graph/spof",
            Severity::High,
            Subject::new(EntityKind::Component, "db"),
            "m",
        );
        assert_eq!(f.fingerprint(), "faf0aeae5a39937c6408f896547afd8d");
    }
}
