//! The inventory as written: serde types that keep locations, validated once
//! into the model types by `validate`. Also the source of `opsctl schema`.
//!
//! Doc comments here become descriptions in the generated JSON Schema, so they
//! are written for the people editing inventory files.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::source::de::{Placed, Spanned, Text};

/// An inventory file: any subset of the sections below. One inventory may be
/// split over many files; sections of the same name are concatenated.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ops inventory file", extend("patternProperties" = {"^x-": {}}))]
#[allow(dead_code)] // read only to generate the schema; files are read section by section
pub(crate) struct RawFile<'t> {
    /// Services, databases, queues, load balancers and everything else that can fail.
    #[serde(borrow)]
    components: Option<Vec<RawComponent<'t>>>,
    /// Failure domains: zones, regions, providers, power, network, people, credentials.
    domains: Option<Vec<RawDomain>>,
    /// People, with their employment status.
    people: Option<Vec<RawPerson>>,
    /// Non-human principals, each owned by a person.
    service_accounts: Option<Vec<RawServiceAccount>>,
    /// Groups of principals; groups may contain groups.
    groups: Option<Vec<RawGroup>>,
    /// Systems that access is granted to (a cloud account, a database, a CI).
    systems: Option<Vec<RawSystem>>,
    /// Who may do what on which system.
    grants: Option<Vec<RawGrant>>,
    /// Passwords, keys and tokens, personal or shared.
    credentials: Option<Vec<RawCredential>>,
    /// Observed uses of access (logins, API calls), for anomaly checks.
    access_events: Option<Vec<RawAccessEvent>>,
    /// Backup policies: what is protected, how often, how long kept, where copied.
    backup_policies: Option<Vec<RawBackupPolicy>>,
    /// Records of backup job runs.
    backup_runs: Option<Vec<RawBackupRun>>,
    /// Records of restore drills.
    restore_drills: Option<Vec<RawRestoreDrill>>,
    /// Scheduled jobs that must deliver something by a deadline (a nightly file to a partner).
    jobs: Option<Vec<RawJob>>,
    /// Records of scheduled job runs and their deliveries.
    job_runs: Option<Vec<RawJobRun>>,
    /// Incidents, usually one file each.
    incidents: Option<Vec<RawIncident>>,
    /// A single incident, for files that hold exactly one.
    incident: Option<RawIncident>,
    /// Problems: the unknown root cause behind one or more incidents.
    problems: Option<Vec<RawProblem>>,
    /// Changes and deploys, for correlation with incidents.
    changes: Option<Vec<RawChange>>,
    /// Accepted risks: findings that are still reported but do not fail a run until the waiver expires.
    waivers: Option<Vec<RawWaiver>>,
}

/// The sections that are lists of entities (every section but `incident`).
pub(crate) const LIST_SECTIONS: &[&str] = &[
    "components",
    "domains",
    "people",
    "service_accounts",
    "groups",
    "systems",
    "grants",
    "credentials",
    "access_events",
    "backup_policies",
    "backup_runs",
    "restore_drills",
    "jobs",
    "job_runs",
    "incidents",
    "problems",
    "changes",
    "waivers",
];

/// Top-level keys starting with this are ignored: room for YAML anchors.
pub(crate) const SCRATCH_PREFIX: &str = "x-";

/// Section names, in the order of [`RawFile`]'s fields.
pub(crate) const SECTIONS: &[&str] = &[
    "components",
    "domains",
    "people",
    "service_accounts",
    "groups",
    "systems",
    "grants",
    "credentials",
    "access_events",
    "backup_policies",
    "backup_runs",
    "restore_drills",
    "jobs",
    "job_runs",
    "incidents",
    "incident",
    "problems",
    "changes",
    "waivers",
];

/// An id or a reference to one: letters, digits and `-_.:/@`, starting with a
/// letter or digit, at most 128 characters.
pub(crate) type RawId = Spanned<String>;
/// An id or a reference, borrowed from the file's text where possible and
/// placed by line and column only: the entities an estate has millions of
/// use it, so they cost no allocation and no reference count per id.
pub(crate) type RawIdRef<'t> = Placed<Text<'t>>;
/// An instant: RFC 3339 with an offset (`2026-03-01T09:30:00+01:00`), or a
/// date alone (`2026-03-01`, meaning 00:00 UTC).
pub(crate) type RawInstant = Spanned<String>;
/// A duration such as `90s`, `15m`, `4h`, `1d12h` or `2w`.
pub(crate) type RawDuration = Spanned<String>;

/// A component: anything that can fail and that others depend on.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// The optional fields most components leave out are boxed: an estate may
// hold a million of these at once, and a `None` box costs 8 bytes, not 16-32.
// Its values are `Placed`: all of a component is written in one file, the
// one its entity location names.
pub(crate) struct RawComponent<'t> {
    /// Unique id, used in `depends_on` and everywhere else.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    #[serde(borrow)]
    pub(crate) id: RawIdRef<'t>,
    /// Human-readable name.
    pub(crate) name: Option<String>,
    /// What sort of component this is.
    pub(crate) kind: Option<Box<Placed<ComponentKindName>>>,
    /// Free text.
    pub(crate) description: Option<String>,
    /// A user-facing entry point (a product, an API): what failure analysis protects.
    pub(crate) entry: Option<bool>,
    /// When this component is up given its dependencies: `all` (default), `any` or `{at_least: k}`.
    pub(crate) requires: Option<Box<Placed<RawRequires>>>,
    /// Ids of the components this one needs.
    #[serde(default, borrow)]
    pub(crate) depends_on: Vec<RawIdRef<'t>>,
    /// Never fails on its own, only through its dependencies: a cluster, a
    /// pool, a pair of providers (never a single point of failure itself).
    pub(crate) logical: Option<Box<Placed<bool>>>,
    /// Identical instances: `3`, or `{count: 3, min: 2, spread: [zone-a, zone-b, zone-c]}`.
    pub(crate) replicas: Option<Box<Placed<RawReplicas>>>,
    /// Criticality: 1 (most critical) to 4.
    #[schemars(range(min = 1, max = 4))]
    pub(crate) tier: Option<Box<Placed<i64>>>,
    /// Ids of the people, groups or service accounts that own it.
    #[serde(default, borrow)]
    pub(crate) owners: Vec<RawIdRef<'t>>,
    /// Ids of the failure domains it lives in.
    #[serde(default, borrow)]
    pub(crate) domains: Vec<RawIdRef<'t>>,
    /// Holds data that must be backed up. Defaults to true for databases, queues and storage.
    pub(crate) stateful: Option<bool>,
    /// Probability of being up on its own, in (0, 1], e.g. 0.999.
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1))]
    pub(crate) availability: Option<Box<Placed<f64>>>,
    /// Target availability for an entry, in (0, 1], e.g. 0.9995.
    #[schemars(extend("exclusiveMinimum" = 0, "maximum" = 1))]
    pub(crate) slo: Option<Box<Placed<f64>>>,
    /// Free-form labels.
    #[serde(default)]
    pub(crate) tags: Vec<String>,
}

/// `replicas:` as written: a count, or a count with a minimum and a spread.
#[derive(Debug)]
pub(crate) enum RawReplicas {
    /// `replicas: 3`.
    Count(i64),
    /// `replicas: {count: 3, min: 2, spread: [...]}`.
    Spec(RawReplicaSpec),
}

/// The long form of `replicas:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawReplicaSpec {
    /// How many instances (1 to 10000).
    #[schemars(range(min = 1, max = 10000))]
    pub(crate) count: Placed<i64>,
    /// How many must be up for the component to be up (default 1).
    #[schemars(range(min = 1))]
    pub(crate) min: Option<Placed<i64>>,
    /// Failure domains to place the instances in, in turn: instance `i`
    /// (1-based) in `spread[(i - 1) mod len]`.
    #[serde(default)]
    pub(crate) spread: Vec<RawId>,
}

impl<'de> Deserialize<'de> for RawReplicas {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawReplicas;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a count of replicas, or {count, min, spread}")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Count(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawReplicas, E> {
                Ok(RawReplicas::Count(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawReplicas, A::Error> {
                RawReplicaSpec::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawReplicas::Spec)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawReplicas {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Replicas".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let spec = generator.subschema_for::<RawReplicaSpec>();
        schemars::json_schema!({
            "description": "How many identical instances: a count, or {count, min, spread}.",
            "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": 10000},
                spec
            ]
        })
    }
}

/// The kinds of component ops knows.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ComponentKindName {
    Service,
    Database,
    Queue,
    Cache,
    ObjectStore,
    FileStore,
    Dns,
    LoadBalancer,
    Cdn,
    Ci,
    Network,
    Compute,
    External,
    Other,
}

/// Redundancy rule.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum RawRequires {
    /// Down if any dependency is down (the default).
    All,
    /// Down only if every dependency is down.
    Any,
    /// Down if fewer than k dependencies are up.
    AtLeast(Placed<i64>),
}

/// A failure domain: something whose failure takes all its members down.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDomain {
    /// Unique id (shared namespace with components).
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// `zone`, `region`, `provider`, `power`, `network`, `person`, `credential`, or a kind of your own.
    pub(crate) kind: Spanned<String>,
    /// The domain this one is inside (a zone's region). Failing the parent fails this one.
    pub(crate) parent: Option<RawId>,
    /// Human-readable name.
    pub(crate) name: Option<String>,
    /// Free text.
    pub(crate) description: Option<String>,
}

/// A person.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPerson {
    /// Unique id (shared namespace with service accounts and groups).
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// Full name.
    pub(crate) name: Option<String>,
    /// Work e-mail address.
    pub(crate) email: Option<String>,
    /// `active` (default), `on_leave` or `departed`.
    pub(crate) status: Option<Spanned<PersonStatusName>>,
    /// When they left; required when `status: departed`.
    pub(crate) departed_at: Option<RawInstant>,
    /// Leave periods; `status: on_leave` needs at least one.
    #[serde(default)]
    pub(crate) leave: Vec<RawPeriod>,
    /// Whether a second factor is enrolled at the identity provider.
    pub(crate) mfa: Option<bool>,
}

/// Employment status.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PersonStatusName {
    Active,
    OnLeave,
    Departed,
}

/// A period of time; `until` may be open.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPeriod {
    /// Start (inclusive).
    pub(crate) from: RawInstant,
    /// End (exclusive); open if absent.
    pub(crate) until: Option<RawInstant>,
}

/// A non-human principal.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawServiceAccount {
    /// Unique id (shared namespace with people and groups).
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// Human-readable name.
    pub(crate) name: Option<String>,
    /// Id of the person responsible for it.
    pub(crate) owner: Option<RawId>,
    /// Free text.
    pub(crate) description: Option<String>,
    /// Disabled accounts keep their grants on file but cannot be used.
    pub(crate) disabled: Option<bool>,
}

/// A group of principals.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGroup {
    /// Unique id (shared namespace with people and service accounts).
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// Human-readable name.
    pub(crate) name: Option<String>,
    /// Ids of people, service accounts or other groups.
    #[serde(default)]
    pub(crate) members: Vec<RawId>,
}

/// A system access is granted to.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSystem {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// Human-readable name.
    pub(crate) name: Option<String>,
    /// The component this system is, if it is one (or use `components`).
    pub(crate) component: Option<RawId>,
    /// The components this system spans (an account holding the database, the app servers and the backup bucket); not with `component`.
    #[serde(default)]
    pub(crate) components: Vec<RawId>,
    /// What sort of system: free text; `workstation` (a person's own machine) is exempt from `access/single-admin`.
    pub(crate) kind: Option<Spanned<String>>,
    /// Free text.
    pub(crate) description: Option<String>,
    /// Whether the system records when its grants are used (default true); `false` (Kubernetes RBAC): use unknown, so `access/unused-grant` judges none of its grants without a recorded use.
    pub(crate) records_use: Option<bool>,
}

/// Access levels, weakest first.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum LevelName {
    Read,
    Write,
    Admin,
    Owner,
}

/// A grant of access.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGrant {
    /// Optional id, for reference in reviews.
    pub(crate) id: Option<RawId>,
    /// Person, service account or group receiving access.
    pub(crate) principal: RawId,
    /// System the access is to.
    pub(crate) system: RawId,
    /// The system's own name for the role (`db_owner`, `AdministratorAccess`).
    pub(crate) role: Option<String>,
    /// `read`, `write`, `admin` or `owner`.
    pub(crate) level: Spanned<LevelName>,
    /// When it was granted.
    pub(crate) granted_at: Option<RawInstant>,
    /// When it was last used.
    pub(crate) last_used_at: Option<RawInstant>,
    /// When it lapses.
    pub(crate) expires_at: Option<RawInstant>,
}

/// A credential: password, key or token.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCredential {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// `personal` (one holder) or `shared`.
    pub(crate) kind: Spanned<CredentialKindName>,
    /// System it opens.
    pub(crate) system: Option<RawId>,
    /// Level of access it gives on that system.
    pub(crate) level: Option<Spanned<LevelName>>,
    /// Ids of the principals who hold it (know the password, have the key).
    #[serde(default)]
    pub(crate) holders: Vec<RawId>,
    /// Whether using it requires a second factor.
    pub(crate) mfa: Option<bool>,
    /// When it was created.
    pub(crate) created_at: Option<RawInstant>,
    /// When it was last rotated.
    pub(crate) rotated_at: Option<RawInstant>,
    /// When it was last used.
    pub(crate) last_used_at: Option<RawInstant>,
    /// Free text.
    pub(crate) description: Option<String>,
}

/// Personal or shared.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CredentialKindName {
    Personal,
    Shared,
}

/// An observed use of access.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccessEvent {
    /// Who.
    pub(crate) principal: RawId,
    /// Where.
    pub(crate) system: RawId,
    /// When.
    pub(crate) at: RawInstant,
    /// The credential used (a shared password, a key), when known.
    pub(crate) credential: Option<RawId>,
    /// From where (an IP address, a host, a terminal).
    pub(crate) source: Option<String>,
    /// What was done.
    pub(crate) action: Option<String>,
}

/// A backup policy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBackupPolicy {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// The component whose data this policy protects.
    pub(crate) protects: RawId,
    /// The person or group responsible.
    pub(crate) owner: Option<RawId>,
    /// When backups run.
    pub(crate) schedule: Option<RawSchedule>,
    /// How long backups are kept (restic `forget` rules).
    pub(crate) retention: Option<RawRetention>,
    /// Recovery point objective: the most data, in time, you accept to lose.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) rpo: Option<RawDuration>,
    /// Recovery time objective: the longest a restore may take.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) rto: Option<RawDuration>,
    /// Where backup copies are kept.
    #[serde(default)]
    pub(crate) copies: Vec<RawCopy>,
    /// The monitor that alerts when a backup did not run or did not arrive.
    pub(crate) monitor: Option<String>,
    /// How often a restore must be rehearsed.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) drill_interval: Option<RawDuration>,
}

/// A schedule: a cron expression or a fixed interval, in an IANA time zone.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSchedule {
    /// Five-field cron expression as cronie reads it (`minute hour
    /// day-of-month month day-of-week`), optionally after `CRON_TZ=Zone`.
    pub(crate) cron: Option<Spanned<String>>,
    /// Fixed interval, as an alternative to `cron`.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) every: Option<RawDuration>,
    /// IANA time zone of the machine crond runs on, which the cron
    /// expression is read in unless it sets `CRON_TZ` (default `UTC`).
    pub(crate) timezone: Option<Spanned<String>>,
}

/// A `keep_*` count: a whole number, or `unlimited` (restic 0.16 and later:
/// keep every bucket).
#[derive(Debug, PartialEq)]
pub(crate) enum RawKeepCount {
    /// A number as written (range-checked in validation).
    Count(i64),
    /// Anything else written as a string (only `unlimited` is valid).
    Word(String),
}

impl<'de> Deserialize<'de> for RawKeepCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RawKeepCount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a count or 'unlimited'")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<RawKeepCount, E> {
                Ok(RawKeepCount::Count(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<RawKeepCount, E> {
                Ok(RawKeepCount::Count(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<RawKeepCount, E> {
                Ok(RawKeepCount::Word(s.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawKeepCount {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KeepCount".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A count, or `unlimited` to keep every bucket.",
            "oneOf": [
                {"type": "integer", "minimum": 0, "maximum": u32::MAX},
                {"const": "unlimited"}
            ]
        })
    }
}

/// Retention rules, named after restic's `forget` flags.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRetention {
    /// Keep the n most recent snapshots.
    pub(crate) keep_last: Option<Spanned<RawKeepCount>>,
    /// Keep the last snapshot of each of the n most recent hours with one.
    pub(crate) keep_hourly: Option<Spanned<RawKeepCount>>,
    /// Likewise per day.
    pub(crate) keep_daily: Option<Spanned<RawKeepCount>>,
    /// Likewise per ISO week.
    pub(crate) keep_weekly: Option<Spanned<RawKeepCount>>,
    /// Likewise per month.
    pub(crate) keep_monthly: Option<Spanned<RawKeepCount>>,
    /// Likewise per year.
    pub(crate) keep_yearly: Option<Spanned<RawKeepCount>>,
    /// Keep everything within this duration of the newest snapshot (restic syntax, e.g. `1y2m3d4h`).
    pub(crate) keep_within: Option<Spanned<String>>,
    /// Keep hourly snapshots within this duration.
    pub(crate) keep_within_hourly: Option<Spanned<String>>,
    /// Keep daily snapshots within this duration.
    pub(crate) keep_within_daily: Option<Spanned<String>>,
    /// Keep weekly snapshots within this duration.
    pub(crate) keep_within_weekly: Option<Spanned<String>>,
    /// Keep monthly snapshots within this duration.
    pub(crate) keep_within_monthly: Option<Spanned<String>>,
    /// Keep yearly snapshots within this duration.
    pub(crate) keep_within_yearly: Option<Spanned<String>>,
    /// Keep snapshots with these tags.
    #[serde(default)]
    pub(crate) keep_tags: Vec<String>,
}

/// A copy of the backups.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCopy {
    /// Where (a bucket, a host, a vault).
    pub(crate) location: Spanned<String>,
    /// `hot`, `warm`, `cold` or `archive`.
    pub(crate) tier: Option<Spanned<StorageTierName>>,
    /// In another site, account or provider than the data it protects.
    pub(crate) offsite: Option<bool>,
    /// Cannot be altered or deleted before its retention ends (object lock, WORM).
    pub(crate) immutable: Option<bool>,
    /// Encrypted at rest.
    pub(crate) encrypted: Option<bool>,
    /// Ids of the principals or credentials that can delete this copy.
    #[serde(default)]
    pub(crate) deletable_by: Vec<RawId>,
    /// The component the copy is kept in (a vault, a bucket): a backup target, whose
    /// systems' admins and owners can delete the copy too.
    pub(crate) component: Option<RawId>,
}

/// Storage tier.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StorageTierName {
    Hot,
    Warm,
    Cold,
    Archive,
}

/// One run of a backup job.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBackupRun {
    /// Optional id (a restic snapshot id, a job run id).
    pub(crate) id: Option<RawId>,
    /// The policy this run belongs to.
    pub(crate) policy: RawId,
    /// When it started.
    pub(crate) started_at: RawInstant,
    /// When it finished.
    pub(crate) finished_at: Option<RawInstant>,
    /// `success`, `failed`, `partial` or `running`.
    pub(crate) status: Spanned<RunStatusName>,
    /// Size of the artifact it produced, in bytes.
    pub(crate) size_bytes: Option<Spanned<i64>>,
    /// Checksum of the artifact.
    pub(crate) checksum: Option<String>,
    /// Where the artifact was written.
    pub(crate) location: Option<String>,
}

/// Outcome of a backup run.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RunStatusName {
    Success,
    Failed,
    Partial,
    Running,
}

/// A restore drill.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRestoreDrill {
    /// The policy whose backups were restored.
    pub(crate) policy: RawId,
    /// When the drill started.
    pub(crate) at: RawInstant,
    /// The person who performed it.
    pub(crate) by: Option<RawId>,
    /// How long the restore took.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) duration: Option<RawDuration>,
    /// `success`, `failed` or `partial`.
    pub(crate) outcome: Spanned<DrillOutcomeName>,
    /// Free text.
    pub(crate) notes: Option<String>,
}

/// Outcome of a restore drill.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DrillOutcomeName {
    Success,
    Failed,
    Partial,
}

/// A scheduled job that must deliver something: every scheduled instant
/// expects a delivery by its deadline, whatever the run reports.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawJob {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// The person, group or service account responsible.
    pub(crate) owner: Option<RawId>,
    /// When it runs, as for backup policies.
    pub(crate) schedule: RawSchedule,
    /// Where it delivers: a component id when it names one, otherwise free text (`sftp://partner.example/in`).
    pub(crate) delivers_to: Option<Spanned<String>>,
    /// How long after each scheduled instant the delivery must exist (default: until the next scheduled instant).
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) deadline: Option<RawDuration>,
    /// The monitor that alerts when a delivery does not arrive.
    pub(crate) monitor: Option<String>,
    /// Free text.
    pub(crate) description: Option<String>,
}

/// One run of a scheduled job.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawJobRun {
    /// Optional id (the scheduler's run id).
    pub(crate) id: Option<RawId>,
    /// The job this run belongs to.
    pub(crate) job: RawId,
    /// When it started.
    pub(crate) started_at: RawInstant,
    /// When it finished.
    pub(crate) finished_at: Option<RawInstant>,
    /// `success`, `failed`, `partial` or `running`, as the job reported it.
    pub(crate) status: Spanned<RunStatusName>,
    /// Size of what it delivered, in bytes.
    pub(crate) size_bytes: Option<Spanned<i64>>,
    /// When the delivery arrived at its destination; without it, nothing was delivered.
    pub(crate) delivered_at: Option<RawInstant>,
    /// Checksum of what it delivered.
    pub(crate) checksum: Option<String>,
}

/// An incident.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIncident {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// One-line title.
    pub(crate) title: String,
    /// `sev1` (worst) to `sev5`.
    pub(crate) severity: Spanned<IncidentSeverityName>,
    /// Incident commander (a person).
    pub(crate) commander: Option<RawId>,
    /// Components that were impacted.
    #[serde(default)]
    pub(crate) impacted: Vec<RawId>,
    /// `monitor`, `customer` or `staff`.
    pub(crate) detected_by: Option<Spanned<DetectionName>>,
    /// When the impact started (if known to precede detection).
    pub(crate) started_at: Option<RawInstant>,
    /// When it was detected.
    pub(crate) detected_at: RawInstant,
    /// When a responder acknowledged it.
    pub(crate) acknowledged_at: Option<RawInstant>,
    /// When the impact was mitigated.
    pub(crate) mitigated_at: Option<RawInstant>,
    /// When it was resolved.
    pub(crate) resolved_at: Option<RawInstant>,
    /// When the post-mortem was completed.
    pub(crate) postmortem_done_at: Option<RawInstant>,
    /// The problem this incident is linked to.
    pub(crate) problem: Option<RawId>,
    /// A short cause category (`disk-full`, `expired-certificate`), to find recurrences.
    pub(crate) cause: Option<String>,
    /// What happened, in order.
    #[serde(default)]
    pub(crate) timeline: Vec<RawTimelineEvent>,
    /// The post-mortem.
    pub(crate) postmortem: Option<RawPostmortem>,
}

/// Incident severity.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IncidentSeverityName {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
    Sev5,
}

/// Who noticed first.
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DetectionName {
    Monitor,
    Customer,
    Staff,
}

/// One event of an incident's timeline.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTimelineEvent {
    /// When.
    pub(crate) at: RawInstant,
    /// Who wrote or did it.
    pub(crate) author: Option<RawId>,
    /// A short kind such as `alert`, `action`, `observation`, `communication`.
    pub(crate) kind: Option<String>,
    /// What happened.
    pub(crate) text: String,
}

/// A post-mortem: the issues identified and the actions taken on them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPostmortem {
    /// What happened.
    pub(crate) what_happened: Option<String>,
    /// Why it happened.
    pub(crate) why: Option<String>,
    /// Why monitoring did not catch it earlier.
    pub(crate) why_not_detected: Option<String>,
    /// Why self-healing did not resolve it.
    pub(crate) why_not_self_healed: Option<String>,
    /// Issues identified from the timeline.
    #[serde(default)]
    pub(crate) issues: Vec<RawPostmortemIssue>,
}

/// An issue identified in a post-mortem.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPostmortemIssue {
    /// What went wrong.
    pub(crate) description: Spanned<String>,
    /// What will be done about it.
    #[serde(default)]
    pub(crate) actions: Vec<RawAction>,
}

/// A post-mortem action.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAction {
    /// What to do.
    pub(crate) description: Spanned<String>,
    /// Who owns it: one person (or, less usefully, a group or service account).
    pub(crate) owner: Option<RawId>,
    /// What done looks like.
    pub(crate) expected_result: Option<String>,
    /// When it is due.
    pub(crate) due: Option<RawInstant>,
    /// When it was completed.
    pub(crate) done_at: Option<RawInstant>,
}

/// A problem (in the ITIL sense).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProblem {
    /// Unique id.
    #[schemars(extend("pattern" = "^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}$"))]
    pub(crate) id: RawId,
    /// One-line title.
    pub(crate) title: String,
    /// Incidents caused by this problem (incidents may also name their problem).
    #[serde(default)]
    pub(crate) incidents: Vec<RawId>,
    /// The root cause, once known.
    pub(crate) root_cause: Option<String>,
    /// What to do at the next occurrence.
    pub(crate) plan: Option<RawProblemPlan>,
}

/// The plan for the next occurrence of a problem.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawProblemPlan {
    /// Diagnostics to collect.
    #[serde(default)]
    pub(crate) diagnostics: Vec<String>,
    /// How long to collect before restoring service.
    #[schemars(extend("pattern" = "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"))]
    pub(crate) collect_for: Option<RawDuration>,
    /// Principals (people, groups) prepared to act.
    #[serde(default)]
    pub(crate) prepared: Vec<RawId>,
    /// People or groups to tell.
    #[serde(default)]
    pub(crate) notify: Vec<RawId>,
}

/// A change or deploy.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChange {
    /// Optional id (a deploy id, a change ticket).
    pub(crate) id: Option<RawId>,
    /// When it was made.
    pub(crate) at: RawInstant,
    /// The component changed.
    pub(crate) component: RawId,
    /// Who made it.
    pub(crate) author: Option<RawId>,
    /// What changed.
    pub(crate) description: Option<String>,
}

/// An accepted risk: findings of `rule` on `subject` are reported as waived,
/// and do not count for `--fail-on` or the exit code, until `expires`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawWaiver {
    /// The rule id, such as `backup/no-offsite-copy`, or `plugin:NAME/RULE` for a plugin's rule.
    pub(crate) rule: Spanned<String>,
    /// The id of the finding's subject (the component, person, policy... the finding is about).
    pub(crate) subject: Spanned<String>,
    /// Why the risk is accepted.
    pub(crate) reason: Spanned<String>,
    /// The id of the person who owns the accepted risk.
    pub(crate) owner: RawId,
    /// The id of the person who approved the waiver.
    pub(crate) approved_by: Option<RawId>,
    /// When the waiver stops waiving: an instant, or a date (meaning 00:00 UTC that day).
    pub(crate) expires: RawInstant,
}
