//! The AWS IAM credential report (`aws iam get-credential-report`): one CSV
//! row per IAM user, plus the account's root user, with the state of their
//! console password, MFA and access keys.

use std::collections::{BTreeMap, HashMap};

use super::csv::{CsvReader, Problems, Row, Table, require_columns};
use super::{
    EntityBuilder, Files, Imported, Importer, ImporterInfo, Input, Section, check_id, one_input, within_limit,
};
use crate::source::Node;
use crate::suggest::did_you_mean;
use crate::{CredentialKind, Level, LoadLimits, Location, Timestamp, parse_instant};

/// The `user` value of the root user's row.
pub const ROOT_USER: &str = "<root_account>";

/// Columns the importer reads. A report has more (regions, services,
/// certificates, password_next_rotation); those are ignored, as are columns
/// AWS may add.
const REQUIRED: &[&str] = &[
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
];

/// How to turn a credential report into credentials.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AwsCredentialReportOptions {
    /// Id of the inventory system the report is about (the AWS account), such
    /// as `aws-prod`. The credentials open this system, and their ids start
    /// with it. The system itself must be defined elsewhere in the inventory.
    pub system: String,
    /// Holders by IAM user name: the principal ids that hold that user's
    /// credentials. A user not in the map is held by the principal of the same
    /// id; a user mapped to an empty list is held by nobody on file (its
    /// credentials have no holders, and their description names the IAM user).
    /// The root user ([`ROOT_USER`]) is held by nobody unless mapped.
    pub holders: BTreeMap<String, Vec<String>>,
    /// Kind of the root user's credentials: [`CredentialKind::Shared`] by
    /// default, since the root password is usually known to several people.
    pub root_kind: CredentialKind,
    /// Bounds on the input (only `max_file_bytes` applies).
    pub limits: LoadLimits,
}

impl AwsCredentialReportOptions {
    /// Options for the account recorded as `system`, users held by the
    /// principals of the same name, root shared and held by nobody on file.
    pub fn new(system: impl Into<String>) -> Self {
        AwsCredentialReportOptions {
            system: system.into(),
            holders: BTreeMap::new(),
            root_kind: CredentialKind::Shared,
            limits: LoadLimits::default(),
        }
    }

    /// Maps IAM user `user` to principal `principal` (added to the principals
    /// already mapped), or, with `None`, records that it has no holder on file
    /// unless another call maps it.
    ///
    /// ```
    /// use ops_core::import::{AwsCredentialReportOptions, ROOT_USER};
    /// let options = AwsCredentialReportOptions::new("aws-prod")
    ///     .map_user("alice.smith", Some("alice"))
    ///     .map_user("legacy-admin", None)
    ///     .map_user(ROOT_USER, Some("maya"))
    ///     .map_user(ROOT_USER, Some("tom"));
    /// assert_eq!(options.holders[ROOT_USER], ["maya", "tom"]);
    /// assert!(options.holders["legacy-admin"].is_empty());
    /// ```
    #[must_use]
    pub fn map_user(mut self, user: impl Into<String>, principal: Option<&str>) -> Self {
        let principals = self.holders.entry(user.into()).or_default();
        if let Some(p) = principal {
            principals.push(p.to_owned());
        }
        self
    }
}

impl AsRef<LoadLimits> for AwsCredentialReportOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The AWS IAM credential report importer (`aws-credential-report`): the
/// CSV of `aws iam get-credential-report` as credentials on
/// `options.system`.
///
/// For each IAM user:
/// - a console password, when `password_enabled` is true: id
///   `SYSTEM:USER:password`, personal, `mfa` from `mfa_active`, `created_at`
///   from `user_creation_time`, `rotated_at` from `password_last_changed`,
///   `last_used_at` from `password_last_used`;
/// - each active access key N (1, 2): id `SYSTEM:USER:keyN`, personal, `mfa`
///   false (keys sign API requests without a second factor), `rotated_at`
///   from `access_key_N_last_rotated`, `last_used_at` from
///   `access_key_N_last_used_date`.
///
/// The root user is one credential, `SYSTEM:root`, level owner, of kind
/// `options.root_kind`, with `mfa` from `mfa_active`; its active access keys,
/// a serious risk, are credentials too (`SYSTEM:root-key1`, `SYSTEM:root-key2`).
/// Inactive keys are left out. In user names, characters that ids cannot
/// hold (`+`, `=`, `,`) become `-` in credential ids.
///
/// Values may be `true`/`false` (any case), ISO 8601 instants, or the
/// report's placeholders `N/A`, `not_supported` and `no_information`, which
/// all mean "no value".
///
/// Problems: a missing column, a malformed boolean or instant (with its line
/// and column), an invalid system or principal id, a mapping for a user that
/// is not in the report, a user listed twice, two users whose credential ids
/// would collide.
///
/// # Complexity
/// Linear in the size of the input.
#[derive(Clone, Copy, Debug, Default)]
pub struct AwsCredentialReport;

const INFO: ImporterInfo = ImporterInfo {
    name: "aws-credential-report",
    reads: "an AWS IAM credential report (CSV), from `aws iam get-credential-report`",
    files: Files::One,
    produces: &[Section::Credentials],
};

impl Importer for AwsCredentialReport {
    type Options = AwsCredentialReportOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &AwsCredentialReportOptions) -> Imported {
        let mut out = Imported::new();
        if let Some(input) = one_input(&INFO, inputs, &mut out)
            && within_limit(input, &options.limits, &mut out)
        {
            let mut problems = Problems::new(input.name);
            for credential in read_report(input.text, options, &mut problems) {
                out.push(Section::Credentials, credential.entity());
            }
            problems.finish(&mut out);
        }
        out
    }
}

/// A credential as the `credentials` section writes it, and where it comes from.
struct Credential {
    id: String,
    kind: CredentialKind,
    system: String,
    level: Option<Level>,
    holders: Vec<String>,
    mfa: bool,
    created_at: Option<Timestamp>,
    rotated_at: Option<Timestamp>,
    last_used_at: Option<Timestamp>,
    description: String,
    /// The report row.
    at: Location,
}

impl Credential {
    fn entity(self) -> Node {
        let kind = match self.kind {
            CredentialKind::Personal => "personal",
            CredentialKind::Shared => "shared",
        };
        EntityBuilder::new(self.at)
            .str("id", self.id)
            .str("kind", kind)
            .str("system", self.system)
            .opt_str("level", self.level.map(Level::as_str))
            .strs("holders", self.holders)
            .bool("mfa", self.mfa)
            .instant("created_at", self.created_at)
            .instant("rotated_at", self.rotated_at)
            .instant("last_used_at", self.last_used_at)
            .str("description", self.description)
            .build()
    }
}

/// The credentials of a report, in its order; every problem into `problems`.
fn read_report(text: &str, options: &AwsCredentialReportOptions, problems: &mut Problems) -> Vec<Credential> {
    if let Err(why) = check_id(&options.system) {
        problems.add(None, None, format!("invalid system id '{}': {why}", options.system));
    }
    for (user, principals) in &options.holders {
        for p in principals {
            if let Err(why) = check_id(p) {
                problems.add(
                    None,
                    None,
                    format!("IAM user '{user}' is mapped to '{p}', which is not a valid principal id: {why}"),
                );
            }
        }
    }
    let mut reader = CsvReader::new(text);
    let Some(table) = reader.header(problems) else {
        return Vec::new();
    };
    if !require_columns(&table, REQUIRED, problems) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut users: BTreeMap<String, u64> = BTreeMap::new();
    // Credential id -> (IAM user, line), to report collisions.
    let mut ids: HashMap<String, (String, u64)> = HashMap::new();
    // An invalid system id makes every derived id invalid: reported once, above.
    let system_ok = check_id(&options.system).is_ok();
    while let Some(row) = reader.next_row(problems) {
        let before = out.len();
        let user = import_row(&table, &row, options, &mut users, &mut out, problems);
        let new = &out[before..];
        if let Some((c, why)) = new
            .iter()
            .find_map(|c| check_id(&c.id).err().map(|why| (c, why)))
            .filter(|_| system_ok)
        {
            problems.add(
                Some(row.line),
                Some("user"),
                format!(
                    "credential id '{}' derived for IAM user '{user}' is not valid: {why}",
                    c.id
                ),
            );
        }
        for c in new {
            if let Some((first, line)) = ids.get(&c.id) {
                problems.add(
                    Some(row.line),
                    Some("user"),
                    format!(
                        "credential id '{}' of IAM user '{user}' is also that of IAM user '{first}' (line {line}); \
                         rename one of them",
                        c.id
                    ),
                );
            } else {
                ids.insert(c.id.clone(), (user.to_owned(), row.line));
            }
        }
    }
    for user in options.holders.keys() {
        if !users.contains_key(user.as_str()) {
            let hint = did_you_mean(user, users.keys().map(String::as_str))
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            problems.add(
                None,
                None,
                format!("the holder mapping names IAM user '{user}', who is not in the report{hint}"),
            );
        }
    }
    out
}

/// A field reader for one row that records every problem it meets.
struct Fields<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Fields<'a> {
    fn text(&self, column: &str) -> &'a str {
        self.table
            .column(column)
            .and_then(|i| self.row.fields.get(i))
            .map_or("", String::as_str)
    }

    fn is_placeholder(value: &str) -> bool {
        value.is_empty() || ["N/A", "not_supported", "no_information"].contains(&value)
    }

    /// `Some(true/false)`; `None` for a placeholder when `placeholder_ok`, or on error.
    fn boolean(&self, column: &str, placeholder_ok: bool, problems: &mut Problems) -> Option<bool> {
        let value = self.text(column);
        if value.eq_ignore_ascii_case("true") {
            Some(true)
        } else if value.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            if !(placeholder_ok && Self::is_placeholder(value)) {
                problems.add(
                    Some(self.row.line),
                    Some(column),
                    format!("expected true or false, found '{value}'"),
                );
            }
            None
        }
    }

    fn instant(&self, column: &str, problems: &mut Problems) -> Option<Timestamp> {
        let value = self.text(column);
        if Self::is_placeholder(value) {
            return None;
        }
        match parse_instant(value) {
            Ok(t) => Some(t),
            Err(_) => {
                problems.add(
                    Some(self.row.line),
                    Some(column),
                    format!(
                        "expected an ISO 8601 instant such as 2025-03-04T10:21:07+00:00, or N/A, \
                         not_supported or no_information, found '{value}'"
                    ),
                );
                None
            }
        }
    }
}

/// Imports one row; returns its IAM user name.
fn import_row<'t>(
    table: &'t Table,
    row: &'t Row,
    options: &AwsCredentialReportOptions,
    users: &mut BTreeMap<String, u64>,
    out: &mut Vec<Credential>,
    problems: &mut Problems,
) -> &'t str {
    let f = Fields { table, row };
    let user = f.text("user");
    if user.is_empty() {
        problems.add(Some(row.line), Some("user"), "expected an IAM user name, found nothing");
        return user;
    }
    if let Some(first) = users.get(user) {
        problems.add(
            Some(row.line),
            Some("user"),
            format!("IAM user '{user}' is listed twice (first on line {first})"),
        );
        return user;
    }
    users.insert(user.to_owned(), row.line);
    let arn = f.text("arn");
    let is_root = user == ROOT_USER;
    let created = f.instant("user_creation_time", problems);
    let password_enabled = f.boolean("password_enabled", is_root, problems);
    let password_last_used = f.instant("password_last_used", problems);
    let password_changed = f.instant("password_last_changed", problems);
    let mfa = f.boolean("mfa_active", false, problems);
    let mut keys = Vec::new();
    for n in 1..=2 {
        let active = f.boolean(&format!("access_key_{n}_active"), false, problems);
        let rotated = f.instant(&format!("access_key_{n}_last_rotated"), problems);
        let used = f.instant(&format!("access_key_{n}_last_used_date"), problems);
        if active == Some(true) {
            keys.push((n, rotated, used));
        }
    }
    let system = &options.system;
    let describe_arn = if arn.is_empty() {
        String::new()
    } else {
        format!(" ({arn})")
    };
    if is_root {
        let holders = options.holders.get(ROOT_USER).cloned().unwrap_or_default();
        let unheld = if holders.is_empty() {
            "; holders not on file"
        } else {
            ""
        };
        out.push(Credential {
            id: format!("{system}:root"),
            kind: options.root_kind,
            system: system.clone(),
            level: Some(Level::Owner),
            holders: holders.clone(),
            mfa: mfa.unwrap_or(false),
            created_at: created,
            rotated_at: password_changed,
            last_used_at: password_last_used,
            description: format!("AWS account root user{describe_arn}{unheld}"),
            at: row.location(problems.file()),
        });
        for (n, rotated, used) in keys {
            out.push(Credential {
                id: format!("{system}:root-key{n}"),
                kind: options.root_kind,
                system: system.clone(),
                level: Some(Level::Owner),
                holders: holders.clone(),
                mfa: false,
                created_at: None,
                rotated_at: rotated,
                last_used_at: used,
                description: format!("access key {n} of the AWS account root user{describe_arn}{unheld}"),
                at: row.location(problems.file()),
            });
        }
        return user;
    }
    let has_password = password_enabled == Some(true);
    if !has_password && keys.is_empty() {
        return user;
    }
    let holders = match options.holders.get(user) {
        Some(mapped) => mapped.clone(),
        None => {
            if let Err(why) = check_id(user) {
                problems.add(
                    Some(row.line),
                    Some("user"),
                    format!(
                        "IAM user name '{user}' is not a valid principal id ({why}); \
                         map it to a principal, or to none"
                    ),
                );
            }
            vec![user.to_owned()]
        }
    };
    if holders.len() > 1 {
        problems.add(
            Some(row.line),
            Some("user"),
            format!(
                "IAM user '{user}' is mapped to {} principals ({}), but its credentials are personal: \
                 map it to one",
                holders.len(),
                holders.join(", ")
            ),
        );
    }
    let unheld = if holders.is_empty() {
        "; not mapped to a principal"
    } else {
        ""
    };
    let id_part = id_safe(user);
    if has_password {
        out.push(Credential {
            id: format!("{system}:{id_part}:password"),
            kind: CredentialKind::Personal,
            system: system.clone(),
            level: None,
            holders: holders.clone(),
            mfa: mfa.unwrap_or(false),
            created_at: created,
            rotated_at: password_changed,
            last_used_at: password_last_used,
            description: format!("console password of IAM user '{user}'{describe_arn}{unheld}"),
            at: row.location(problems.file()),
        });
    }
    for (n, rotated, used) in keys {
        out.push(Credential {
            id: format!("{system}:{id_part}:key{n}"),
            kind: CredentialKind::Personal,
            system: system.clone(),
            level: None,
            holders: holders.clone(),
            mfa: false,
            created_at: None,
            rotated_at: rotated,
            last_used_at: used,
            description: format!("access key {n} of IAM user '{user}'{describe_arn}{unheld}"),
            at: row.location(problems.file()),
        });
    }
    user
}

/// `user` with the characters ids cannot hold replaced by `-`. IAM user names
/// are letters, digits and `_+=,.@-`, so only `+`, `=` and `,` change.
fn id_safe(user: &str) -> String {
    user.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}
