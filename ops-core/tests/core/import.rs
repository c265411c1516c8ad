//! Importers on realistic fixtures: the exact entities they produce, that the
//! output loads with the rest of an inventory, and the exact problems they
//! report for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::path::{Path, PathBuf};

use ops_core::access::{CredentialKind, Level};
use ops_core::import::{
    self, AwsCredentialReport, AwsCredentialReportOptions, Backstage, BackstageOptions, GrantsCsv, GrantsCsvOptions,
    Imported, Importer, Input, ROOT_USER, ResticSnapshots, ResticSnapshotsOptions, Section,
};
use ops_core::{Error, Format, Inventory, LoadLimits};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn read(name: &str) -> String {
    import::read_input(&fixture(name), &LoadLimits::default()).unwrap()
}

/// The AWS credential report importer on `text`, named `name`.
fn import_aws(name: &str, text: &str, options: &AwsCredentialReportOptions) -> Result<Imported, Error> {
    AwsCredentialReport.import(&[Input::new(name, text)], options)
}

/// The grants CSV importer on `text`, named `name`.
fn import_grants(name: &str, text: &str, options: &GrantsCsvOptions) -> Result<Imported, Error> {
    GrantsCsv.import(&[Input::new(name, text)], options)
}

/// The problems of a failed import, as displayed.
fn problems(result: Result<Imported, Error>) -> Vec<String> {
    match result {
        Ok(imported) => panic!("expected problems, got {imported:?}"),
        Err(Error::Import(problems)) => problems.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("expected an import error, got {e}"),
    }
}

/// Loads `imported` together with the fixture estate, as files on disk.
fn load_with_estate(imported: &Imported, name: &str) -> Inventory {
    let dir = std::env::temp_dir().join(format!("ops-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("{name}.json"));
    std::fs::write(&out, imported.to_inventory_json()).unwrap();
    let inventory = Inventory::load(&[fixture("estate.yaml"), out]);
    let _ = std::fs::remove_dir_all(&dir);
    match inventory {
        Ok(inv) => inv,
        Err(e) => panic!("the imported file does not load: {e}"),
    }
}

fn aws_options() -> AwsCredentialReportOptions {
    AwsCredentialReportOptions::new("aws-prod")
        .map_user(ROOT_USER, Some("maya"))
        .map_user(ROOT_USER, Some("tom"))
}

const ARN: &str = "arn:aws:iam::123456789012";

#[test]
fn aws_credential_report_produces_exactly_these_credentials() {
    let imported = import_aws("report.csv", &read("aws-credential-report.csv"), &aws_options()).unwrap();
    assert_eq!(imported.sections().collect::<Vec<_>>(), [(Section::Credentials, 9)]);
    let doc: Value = serde_json::from_str(&imported.to_inventory_json()).unwrap();
    let expected = json!({"credentials": [
        {"id": "aws-prod:root", "kind": "shared", "system": "aws-prod", "level": "owner",
         "holders": ["maya", "tom"], "mfa": true,
         "created_at": "2019-03-02T11:04:12Z", "last_used_at": "2026-10-02T07:45:10Z",
         "description": format!("AWS account root user ({ARN}:root)")},
        {"id": "aws-prod:maya:password", "kind": "personal", "system": "aws-prod", "holders": ["maya"], "mfa": true,
         "created_at": "2021-06-14T08:20:31Z", "rotated_at": "2026-08-14T09:30:00Z", "last_used_at": "2026-11-20T08:12:44Z",
         "description": format!("console password of IAM user 'maya' ({ARN}:user/maya)")},
        {"id": "aws-prod:tom:password", "kind": "personal", "system": "aws-prod", "holders": ["tom"], "mfa": false,
         "created_at": "2022-01-10T14:02:55Z", "rotated_at": "2025-02-03T10:11:12Z", "last_used_at": "2026-11-18T17:40:03Z",
         "description": format!("console password of IAM user 'tom' ({ARN}:user/tom)")},
        {"id": "aws-prod:tom:key1", "kind": "personal", "system": "aws-prod", "holders": ["tom"], "mfa": false,
         "rotated_at": "2025-02-03T10:15:40Z", "last_used_at": "2026-11-21T09:03:00Z",
         "description": format!("access key 1 of IAM user 'tom' ({ARN}:user/tom)")},
        {"id": "aws-prod:priya:password", "kind": "personal", "system": "aws-prod", "holders": ["priya"], "mfa": true,
         "created_at": "2023-09-04T09:00:00Z", "rotated_at": "2026-03-04T10:21:07Z", "last_used_at": "2026-11-21T10:00:07Z",
         "description": format!("console password of IAM user 'priya' ({ARN}:user/engineering/priya)")},
        {"id": "aws-prod:priya:key1", "kind": "personal", "system": "aws-prod", "holders": ["priya"], "mfa": false,
         "rotated_at": "2026-06-01T12:00:00Z", "last_used_at": "2026-11-21T11:30:00Z",
         "description": format!("access key 1 of IAM user 'priya' ({ARN}:user/engineering/priya)")},
        {"id": "aws-prod:sam:password", "kind": "personal", "system": "aws-prod", "holders": ["sam"], "mfa": false,
         "created_at": "2026-10-01T09:00:00Z", "rotated_at": "2026-10-01T09:00:00Z",
         "description": format!("console password of IAM user 'sam' ({ARN}:user/sam)")},
        {"id": "aws-prod:ci-deployer:key1", "kind": "personal", "system": "aws-prod", "holders": ["ci-deployer"], "mfa": false,
         "rotated_at": "2026-09-15T06:00:00Z", "last_used_at": "2026-11-22T05:12:00Z",
         "description": format!("access key 1 of IAM user 'ci-deployer' ({ARN}:user/automation/ci-deployer)")},
        {"id": "aws-prod:ci-deployer:key2", "kind": "personal", "system": "aws-prod", "holders": ["ci-deployer"], "mfa": false,
         "rotated_at": "2024-01-20T06:00:00Z",
         "description": format!("access key 2 of IAM user 'ci-deployer' ({ARN}:user/automation/ci-deployer)")},
    ]});
    assert_eq!(doc, expected, "{}", serde_json::to_string_pretty(&doc).unwrap());
    // The typed result, loaded, says the same.
    let inv = load_with_estate(&imported, "aws-typed");
    let root = &inv.credentials()[0];
    assert_eq!((root.kind, root.level), (CredentialKind::Shared, Some(Level::Owner)));
}

#[test]
fn aws_import_loads_with_the_estate() {
    let imported = import_aws("report.csv", &read("aws-credential-report.csv"), &aws_options()).unwrap();
    let inv = load_with_estate(&imported, "aws");
    assert_eq!(inv.credentials().len(), 9);
    let root = &inv.credentials()[inv.credential_by_id("aws-prod:root").unwrap().index()];
    let holders: Vec<&str> = root.holders.iter().map(|&p| inv.principal_id(p)).collect();
    assert_eq!(holders, ["maya", "tom"]);
    assert_eq!(root.system, inv.system_by_id("aws-prod"));
    let key = &inv.credentials()[inv.credential_by_id("aws-prod:ci-deployer:key1").unwrap().index()];
    assert_eq!(inv.principal_id(key.holders[0]), "ci-deployer");
}

#[test]
fn aws_mapping_renames_and_unmaps_users() {
    let report = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,some_future_column
maya.okafor@shop.example,arn:aws:iam::1:user/maya.okafor@shop.example,2021-06-14T08:20:31+00:00,TRUE,N/A,N/A,TRUE,FALSE,N/A,N/A,FALSE,N/A,N/A,x
legacy-admin,arn:aws:iam::1:user/legacy-admin,2018-01-01T00:00:00+00:00,false,N/A,N/A,false,true,2018-01-01T00:00:00+00:00,N/A,false,N/A,N/A,y
<root_account>,arn:aws:iam::1:root,2018-01-01T00:00:00+00:00,not_supported,no_information,not_supported,false,true,2018-01-01T00:00:00+00:00,2019-05-05T05:05:05+00:00,false,N/A,N/A,z
";
    let mut options = AwsCredentialReportOptions::new("aws-prod")
        .map_user("maya.okafor@shop.example", Some("maya"))
        .map_user("legacy-admin", None);
    options.root_kind = CredentialKind::Personal;
    let imported = import_aws("r.csv", report, &options).unwrap();
    // Typed, as loaded with the people and systems they refer to.
    let inv = load_with_estate(&imported, "aws-mapping");
    let summary: Vec<(&str, CredentialKind, Vec<&str>, &str)> = inv
        .credentials()
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.kind,
                c.holders.iter().map(|&p| inv.principal_id(p)).collect(),
                c.description.as_deref().unwrap(),
            )
        })
        .collect();
    let none: Vec<&str> = vec![];
    assert_eq!(
        summary,
        [
            (
                "aws-prod:maya.okafor@shop.example:password",
                CredentialKind::Personal,
                vec!["maya"],
                "console password of IAM user 'maya.okafor@shop.example' (arn:aws:iam::1:user/maya.okafor@shop.example)"
            ),
            (
                "aws-prod:legacy-admin:key1",
                CredentialKind::Personal,
                none.clone(),
                "access key 1 of IAM user 'legacy-admin' (arn:aws:iam::1:user/legacy-admin); not mapped to a principal"
            ),
            (
                "aws-prod:root",
                CredentialKind::Personal,
                none.clone(),
                "AWS account root user (arn:aws:iam::1:root); holders not on file"
            ),
            (
                "aws-prod:root-key1",
                CredentialKind::Personal,
                none,
                "access key 1 of the AWS account root user (arn:aws:iam::1:root); holders not on file"
            ),
        ]
    );
    assert_eq!(
        inv.credentials()[3].last_used_at.unwrap().to_rfc3339(),
        "2019-05-05T05:05:05+00:00"
    );
}

#[test]
fn aws_bad_values_are_all_reported_with_line_and_column() {
    let report = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date
alice,arn:aws:iam::1:user/alice,2024-13-01T00:00:00+00:00,yes,N/A,N/A,true,false,N/A,N/A,false,N/A,N/A
bob,arn:aws:iam::1:user/bob,2024-01-01T00:00:00+00:00,true,yesterday,N/A,N/A,false,N/A,N/A,false,N/A,N/A
carol,\"arn:aws:iam::1:user/carol
\",2024-01-01T00:00:00+00:00,false,N/A,N/A,false,true,2024-01-01,N/A,false,N/A
alice,arn:aws:iam::1:user/alice,2024-01-01T00:00:00+00:00,false,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A
dave+ops,arn:aws:iam::1:user/dave+ops,2024-01-01T00:00:00+00:00,true,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A
";
    let options = AwsCredentialReportOptions::new("aws-prod").map_user("alcie", Some("alice"));
    assert_eq!(
        problems(import_aws("report.csv", report, &options)),
        [
            "report.csv: the holder mapping names IAM user 'alcie', who is not in the report (did you mean 'alice'?)",
            "report.csv:2: column 'user_creation_time': expected an ISO 8601 instant such as 2025-03-04T10:21:07+00:00, \
             or N/A, not_supported or no_information, found '2024-13-01T00:00:00+00:00'",
            "report.csv:2: column 'password_enabled': expected true or false, found 'yes'",
            "report.csv:3: column 'password_last_used': expected an ISO 8601 instant such as 2025-03-04T10:21:07+00:00, \
             or N/A, not_supported or no_information, found 'yesterday'",
            "report.csv:3: column 'mfa_active': expected true or false, found 'N/A'",
            "report.csv:4: the record has 12 fields, but the header has 13 columns",
            "report.csv:6: column 'user': IAM user 'alice' is listed twice (first on line 2)",
            "report.csv:7: column 'user': IAM user name 'dave+ops' is not a valid principal id \
             ('+' is not allowed; use letters, digits and - _ . : / @); map it to a principal, or to none",
        ]
    );
}

#[test]
fn aws_missing_columns_bad_system_and_mapping() {
    let report = "user,arn,password_enabled\nalice,arn,true\n";
    let options = AwsCredentialReportOptions::new("aws prod").map_user("alice", Some("Alice Smith"));
    assert_eq!(
        problems(import_aws("report.csv", report, &options)),
        [
            "report.csv: invalid system id 'aws prod': ' ' is not allowed; use letters, digits and - _ . : / @",
            "report.csv: IAM user 'alice' is mapped to 'Alice Smith', which is not a valid principal id: \
             ' ' is not allowed; use letters, digits and - _ . : / @",
            "report.csv:1: the header has no column 'user_creation_time', which is required",
            "report.csv:1: the header has no column 'password_last_used', which is required",
            "report.csv:1: the header has no column 'password_last_changed', which is required",
            "report.csv:1: the header has no column 'mfa_active', which is required",
            "report.csv:1: the header has no column 'access_key_1_active', which is required",
            "report.csv:1: the header has no column 'access_key_1_last_rotated', which is required",
            "report.csv:1: the header has no column 'access_key_1_last_used_date', which is required",
            "report.csv:1: the header has no column 'access_key_2_active', which is required",
            "report.csv:1: the header has no column 'access_key_2_last_rotated', which is required",
            "report.csv:1: the header has no column 'access_key_2_last_used_date', which is required",
        ]
    );
}

#[test]
fn aws_colliding_ids_and_multiple_holders_are_reported() {
    let header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,\
                  access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,\
                  access_key_2_last_rotated,access_key_2_last_used_date";
    let row = |user: &str| format!("{user},arn,N/A,true,N/A,N/A,false,false,N/A,N/A,false,N/A,N/A");
    let report = format!("{header}\n{}\n{}\n", row("a+b"), row("a=b"));
    let options = AwsCredentialReportOptions::new("aws")
        .map_user("a+b", Some("ab"))
        .map_user("a=b", Some("x"))
        .map_user("a=b", Some("y"));
    assert_eq!(
        problems(import_aws("r.csv", &report, &options)),
        [
            "r.csv:3: column 'user': IAM user 'a=b' is mapped to 2 principals (x, y), but its credentials are personal: map it to one",
            "r.csv:3: column 'user': credential id 'aws:a-b:password' of IAM user 'a=b' is also that of IAM user 'a+b' (line 2); rename one of them",
        ]
    );
}

#[test]
fn grants_csv_produces_exactly_these_grants_and_they_load() {
    let imported = import_grants("grants.csv", &read("grants.csv"), &GrantsCsvOptions::default()).unwrap();
    let doc: Value = serde_json::from_str(&imported.to_inventory_json()).unwrap();
    let expected = json!({"grants": [
        {"id": "GR-0140", "principal": "team-web", "system": "aws-prod", "role": "PowerUserAccess", "level": "write",
         "granted_at": "2025-04-01T00:00:00Z"},
        {"id": "GR-0141", "principal": "maya", "system": "aws-prod", "role": "AdministratorAccess", "level": "admin",
         "granted_at": "2024-02-12T00:00:00Z", "last_used_at": "2026-11-20T08:12:44Z"},
        {"id": "GR-0142", "principal": "tom", "system": "aws-prod", "role": "ReadOnlyAccess, Billing", "level": "read",
         "granted_at": "2025-02-03T09:00:00Z", "last_used_at": "2026-11-18T17:40:03Z"},
        {"id": "GR-0143", "principal": "ci-deployer", "system": "aws-prod", "role": "deploy-role", "level": "write",
         "granted_at": "2020-11-30T00:00:00Z", "last_used_at": "2026-11-22T05:12:00Z", "expires_at": "2027-01-31T00:00:00Z"},
        {"principal": "ci-deployer", "system": "github", "level": "write",
         "granted_at": "2021-01-15T00:00:00Z", "expires_at": "2027-01-31T00:00:00Z"},
        {"id": "GR-0145", "principal": "maya", "system": "github", "role": "Owner", "level": "owner",
         "granted_at": "2019-03-02T00:00:00Z", "last_used_at": "2026-11-21T00:00:00Z"},
        {"id": "GR-0146", "principal": "tom", "system": "github", "role": "Maintain", "level": "write",
         "granted_at": "2022-01-10T00:00:00Z"},
        {"id": "GR-0147", "principal": "priya", "system": "orders-db", "role": "db_owner", "level": "admin",
         "granted_at": "2023-09-04T00:00:00Z", "last_used_at": "2026-11-21T11:30:00Z"},
        {"id": "GR-0148", "principal": "sam", "system": "orders-db", "role": "\"analyst\" (read replica)", "level": "read",
         "granted_at": "2026-10-01T00:00:00Z", "expires_at": "2026-12-31T00:00:00Z"},
        {"id": "GR-0149", "principal": "team-web", "system": "orders-db", "role": "app_rw", "level": "write",
         "granted_at": "2025-04-01T00:00:00Z"},
        {"id": "GR-0150", "principal": "dana", "system": "aws-prod", "role": "AdministratorAccess", "level": "admin",
         "granted_at": "2020-02-01T00:00:00Z", "last_used_at": "2026-06-29T16:12:00Z"},
        {"id": "GR-0151", "principal": "engineering", "system": "github", "role": "Triage,\nread-only", "level": "read",
         "granted_at": "2021-01-15T00:00:00Z"},
    ]});
    assert_eq!(doc, expected, "{}", serde_json::to_string_pretty(&doc).unwrap());

    let inv = load_with_estate(&imported, "grants");
    assert_eq!(inv.grants().len(), 12);
    let g = &inv.grants()[11];
    assert_eq!((inv.principal_id(g.principal), g.level), ("engineering", Level::Read));
}

#[test]
fn grants_csv_bad_header_is_reported_with_hints() {
    let text = "principle,system,levl,Role,colour,expires\nmaya,aws-prod,read,,,\n";
    assert_eq!(
        problems(import_grants("g.csv", text, &GrantsCsvOptions::default())),
        [
            "g.csv:1: column 'principle': unknown column (did you mean 'principal'?)",
            "g.csv:1: column 'levl': unknown column (did you mean 'level'?)",
            "g.csv:1: column 'Role': unknown column (did you mean 'role'?)",
            "g.csv:1: column 'colour': unknown column (expected principal, system, level, role, granted_at, \
             last_used_at, expires_at, id)",
            "g.csv:1: column 'expires': unknown column (did you mean 'expires_at'?)",
            "g.csv:1: the header has no column 'principal', which is required",
            "g.csv:1: the header has no column 'level', which is required",
        ]
    );
}

#[test]
fn grants_csv_bad_values_are_all_reported() {
    let text = "\
principal,system,level,granted_at,expires_at,id
maya,aws-prod,superuser,2026-02-30,,G1
,aws prod,read,,2026-03-01T10:00:00,G1
tom,github,write,,,-bad
\"x\",\"unterminated
";
    assert_eq!(
        problems(import_grants("g.csv", text, &GrantsCsvOptions::default())),
        [
            "g.csv:2: column 'level': expected read, write, admin or owner, found 'superuser'",
            "g.csv:2: column 'granted_at': invalid date '2026-02-30': expected YYYY-MM-DD",
            "g.csv:3: column 'principal': expected an id, found nothing",
            "g.csv:3: column 'system': invalid id 'aws prod': ' ' is not allowed; use letters, digits and - _ . : / @",
            "g.csv:3: column 'expires_at': instant '2026-03-01T10:00:00' has no UTC offset: add 'Z' or an offset such as '+02:00'",
            "g.csv:3: column 'id': grant id 'G1' is used twice (first on line 2)",
            "g.csv:4: column 'id': invalid id '-bad': ids start with a letter or digit",
            "g.csv:5: the record has 2 fields, but the header has 6 columns",
        ]
    );
}

#[test]
fn empty_and_header_only_inputs() {
    let options = GrantsCsvOptions::default();
    assert_eq!(
        problems(import_grants("g.csv", "", &options)),
        ["g.csv: the file is empty: expected a header row, then one row per record"]
    );
    let header_only = import_grants("g.csv", "\u{feff}principal,system,level\r\n", &options).unwrap();
    assert!(header_only.is_empty());
    assert_eq!(header_only.to_inventory_json(), "{}\n");
    // An empty import still loads.
    Inventory::from_text("g.json", Format::Json, &header_only.to_inventory_json()).unwrap();
    let aws = AwsCredentialReportOptions::new("aws");
    assert_eq!(
        problems(import_aws("r.csv", "\n", &aws)),
        ["r.csv: the file is empty: expected a header row, then one row per record"]
    );
}

#[test]
fn inputs_are_bounded() {
    let mut options = GrantsCsvOptions::default();
    options.limits.max_file_bytes = 10;
    assert_eq!(
        problems(import_grants("g.csv", "principal,system,level\n", &options)),
        ["g.csv: file is over the limit of 10 bytes"]
    );
    let mut limits = LoadLimits::default();
    limits.max_file_bytes = 10;
    let err = import::read_input(&fixture("grants.csv"), &limits).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("grants.csv: file is over the limit of 10 bytes"),
        "{err}"
    );
    let err = import::read_input(&fixture("no-such.csv"), &LoadLimits::default()).unwrap_err();
    assert!(
        err.to_string().ends_with("no-such.csv: no such file or directory"),
        "{err}"
    );
}

#[test]
fn error_display_counts_the_problems() {
    let err = import_grants("g.csv", "a\n", &GrantsCsvOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the import found 4 problems:\n\
         g.csv:1: column 'a': unknown column (expected principal, system, level, role, granted_at, last_used_at, expires_at, id)\n\
         g.csv:1: the header has no column 'principal', which is required\n\
         g.csv:1: the header has no column 'system', which is required\n\
         g.csv:1: the header has no column 'level', which is required"
    );
}

/// Text made of the characters that matter to CSV, and a few others.
fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(",".to_owned()),
        Just("\"".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("N/A".to_owned()),
        Just("true".to_owned()),
        Just("2026-03-01".to_owned()),
        Just("principal,system,level".to_owned()),
        Just("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date".to_owned()),
        Just(ROOT_USER.to_owned()),
        "[a-z@+= é]{0,6}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    /// No input makes an importer panic; an import either succeeds with a JSON
    /// document or fails with at least one problem.
    #[test]
    fn importers_never_panic_and_their_output_is_well_formed(text in hostile_text()) {
        if let Ok(imported) = import_grants("g.csv", &text, &GrantsCsvOptions::default()) {
            let doc: Value = serde_json::from_str(&imported.to_inventory_json()).unwrap();
            prop_assert!(doc.is_object());
        }
        let options = AwsCredentialReportOptions::new("aws");
        match import_aws("r.csv", &text, &options) {
            Ok(imported) => {
                let doc: Value = serde_json::from_str(&imported.to_inventory_json()).unwrap();
                prop_assert!(doc.is_object());
            }
            Err(Error::Import(problems)) => prop_assert!(!problems.is_empty()),
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

/// The fenced blocks of `lang` in `doc`, in order.
fn blocks<'d>(doc: &'d str, lang: &str) -> Vec<&'d str> {
    let fence = format!("```{lang}\n");
    doc.match_indices(&fence)
        .filter_map(|(at, _)| {
            let body = &doc[at + fence.len()..];
            body.find("```").map(|end| &body[..end])
        })
        .collect()
}

#[test]
fn docs_examples_are_what_the_importers_produce() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/importers.md")).unwrap();
    let (csv, json) = (blocks(&doc, "csv"), blocks(&doc, "json"));
    assert_eq!(
        (csv.len(), json.len()),
        (2, 2),
        "docs/importers.md: two csv blocks, each followed by its json"
    );
    let options = AwsCredentialReportOptions::new("aws-prod")
        .map_user(ROOT_USER, Some("maya"))
        .map_user(ROOT_USER, Some("tom"))
        .map_user("maya.okafor", Some("maya"));
    let produced = [
        import_aws("report.csv", csv[0], &options).unwrap(),
        import_grants("grants.csv", csv[1], &GrantsCsvOptions::default()).unwrap(),
    ];
    for (imported, documented) in produced.iter().zip(json) {
        assert_eq!(imported.to_inventory_json(), documented);
    }
}

#[test]
fn the_docs_table_lists_every_importer() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/importers.md")).unwrap();
    let rows: Vec<&str> = doc
        .lines()
        .skip_while(|l| *l != "| importer | reads | produces |")
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let expected: Vec<String> = import::IMPORTERS
        .iter()
        .map(|i| {
            let produces: Vec<String> = i.produces.iter().map(|s| format!("`{s}`")).collect();
            format!("| `{}` | {} | {} |", i.name, i.reads, produces.join(", "))
        })
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn read_keeps_what_could_be_read_next_to_every_problem() {
    let csv = "principal,system,level\nmaya,aws-prod,admin\ntom,github,root\nsam,,read\n";
    let imported = GrantsCsv.read(&[Input::new("g.csv", csv)], &GrantsCsvOptions::default());
    assert_eq!(imported.sections().collect::<Vec<_>>(), [(Section::Grants, 1)]);
    let problems: Vec<String> = imported.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "g.csv:3: column 'level': expected read, write, admin or owner, found 'root'",
            "g.csv:4: column 'system': expected an id, found nothing",
        ]
    );
    let Err(Error::Import(list)) = imported.into_result() else {
        panic!("problems make the import fail")
    };
    assert_eq!(list.len(), 2);
}

#[test]
fn files_that_cannot_be_read_are_problems_like_any_other() {
    let base = format!("{}/", fixture("x").parent().unwrap().display());
    let relative = |result: Result<Imported, Error>| -> Vec<String> {
        problems(result).iter().map(|p| p.replace(&base, "")).collect()
    };
    assert_eq!(
        relative(GrantsCsv.import_paths(&[fixture("no-such.csv")], &GrantsCsvOptions::default())),
        ["no-such.csv: no such file or directory"]
    );
    // A one-file importer given two files reads them, then says so.
    let options = ResticSnapshotsOptions::new("p");
    let two = [fixture("grants.csv"), fixture("grants.csv")];
    assert_eq!(
        relative(ResticSnapshots.import_paths(&two, &options)),
        ["restic-snapshots reads one file at a time, but was given 2: grants.csv, grants.csv"]
    );
    // A tree importer: files of other formats, and nothing to read at all.
    assert_eq!(
        relative(Backstage.import_paths(&[fixture("grants.csv")], &BackstageOptions::default())),
        ["grants.csv: unsupported file type for a Backstage catalog: expected .yaml or .yml"]
    );
    let empty = std::env::temp_dir().join(format!("ops-import-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.txt"), "not a catalog").unwrap();
    let result = Backstage.import_paths(&[&empty], &BackstageOptions::default());
    let _ = std::fs::remove_dir_all(&empty);
    assert_eq!(
        problems(result),
        ["no Backstage catalog files found (expected .yaml or .yml files)"]
    );
}
