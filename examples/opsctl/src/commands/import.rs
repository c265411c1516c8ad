//! `opsctl import`: other tools' exports to inventory files. One module for
//! every importer: they are one table of importers, each its arguments and a
//! branch of `run`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Subcommand, ValueEnum};
use ops_core::CredentialKind;
use ops_core::import::{
    AwsCredentialReport, AwsCredentialReportOptions, Backstage, BackstageOptions, GrantsCsv, GrantsCsvOptions,
    Imported, Importer, ResticSnapshots, ResticSnapshotsOptions, Section,
};

use crate::shared;

/// The long help of `opsctl import` and the CSV importers.
pub(crate) const IMPORT_HELP: &str = "\
The output is an inventory file (for `backstage`: components, people and
groups; otherwise a `credentials`, `grants` or `backup_runs` section); put it
next to the rest of the inventory (which must define the people, systems and
other entities it refers to) and run `opsctl validate`.

Exit codes: 0 imported, 2 usage error or a problem in the input (every problem
is printed with its file, line and column name; nothing is written).

Examples:
  aws iam generate-credential-report
  aws iam get-credential-report --query Content --output text | base64 -d > report.csv
  opsctl import aws-credential-report report.csv --system aws-prod \\
      --map '<root_account>=maya' --map '<root_account>=tom' \\
      --map alice.smith@shop.example=alice --map legacy-admin= \\
      --output inventory/aws-prod-credentials.json
  opsctl import grants-csv access-review.csv --output inventory/grants.json";

/// The importers.
#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Backstage catalog files (catalog-info.yaml; every .yaml and .yml file
    /// under DIR) as components, people and groups.
    #[command(
        after_help = "Components and Resources become components (kind from spec.type, so databases are \
        stateful; dependencies from spec.dependsOn and spec.dependencyOf; owner from spec.owner), Users \
        people, Groups groups (members from spec.members, spec.children, spec.memberOf and spec.parent); \
        Systems and Domains become tags. ops.dev/* annotations add what Backstage has no words for: \
        entry, tier, requires, domains, kind, stateful, availability, slo, id. Kinds ops does not import \
        (API, Location, Template, ...) are skipped with a note on standard error.\n\n\
        To analyse a catalog without converting it, use --backstage DIR with any command that reads an \
        inventory. See docs/backstage.md.\n\n\
        Exit codes: 0 imported, 2 a problem in the catalog (every one printed with file:line:column).\n\n\
        Examples:\n  opsctl import backstage catalog/ --output inventory/backstage.json\n  \
        opsctl check --backstage catalog/ inventory/"
    )]
    Backstage(BackstageImportArgs),
    /// An AWS IAM credential report (CSV): console passwords, access keys and
    /// the root user as credentials on one system.
    #[command(name = "aws-credential-report", after_help = IMPORT_HELP)]
    AwsCredentialReport(AwsImportArgs),
    /// A CSV of grants with a header row: principal,system,level and optionally
    /// role,granted_at,last_used_at,expires_at,id.
    #[command(name = "grants-csv", after_help = IMPORT_HELP)]
    GrantsCsv(GrantsImportArgs),
    /// The output of `restic snapshots --json` as backup runs of a policy.
    #[command(
        name = "restic-snapshots",
        after_help = "Each snapshot becomes a successful run: started at the summary's backup_start (restic 0.17+)\n\
        or the snapshot time, finished at backup_end, size_bytes from total_bytes_processed, checksum\n\
        sha256:<tree>. The policy must be defined in the inventory you load the file with.\n\n\
        Example:\n  restic snapshots --json > snapshots.json\n  \
        opsctl import restic-snapshots snapshots.json --policy orders-db-nightly --output inventory/runs.json"
    )]
    ResticSnapshots(ResticImportArgs),
}

/// Arguments of `opsctl import backstage`.
#[derive(Debug, clap::Args)]
pub(crate) struct BackstageImportArgs {
    /// Catalog files or directories (read recursively: .yaml and .yml files).
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<PathBuf>,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `opsctl import restic-snapshots`.
#[derive(Debug, clap::Args)]
pub(crate) struct ResticImportArgs {
    /// The output of `restic snapshots --json`.
    pub(crate) file: PathBuf,
    /// Id of the inventory backup policy the snapshots belong to.
    #[arg(long, value_name = "ID")]
    pub(crate) policy: String,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `opsctl import aws-credential-report`.
#[derive(Debug, clap::Args)]
pub(crate) struct AwsImportArgs {
    /// The report, as written by `aws iam get-credential-report` (decoded from base64).
    pub(crate) file: PathBuf,
    /// Id of the inventory system for this AWS account, e.g. aws-prod.
    #[arg(long, value_name = "ID")]
    pub(crate) system: String,
    /// Hold IAM user USER's credentials by PRINCIPAL instead of the principal of
    /// the same name; `USER=` for nobody on file. Repeatable; repeat a user for
    /// several holders (only the root user, `<root_account>`, may have several).
    #[arg(long = "map", value_name = "USER=PRINCIPAL", value_parser = parse_mapping)]
    pub(crate) map: Vec<(String, Option<String>)>,
    /// Kind of the root user's credentials.
    #[arg(long, value_enum, default_value_t = RootKind::Shared)]
    pub(crate) root_kind: RootKind,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `opsctl import grants-csv`.
#[derive(Debug, clap::Args)]
pub(crate) struct GrantsImportArgs {
    /// The CSV file.
    pub(crate) file: PathBuf,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Kind of the root user's credentials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum RootKind {
    /// Known to several people (the usual case).
    Shared,
    /// Held by one person.
    Personal,
}

/// `USER=PRINCIPAL`, split at the last `=`: IAM user names may contain `=`,
/// principal ids may not.
fn parse_mapping(s: &str) -> Result<(String, Option<String>), String> {
    let (user, principal) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected USER=PRINCIPAL (or USER= for nobody), found '{s}'"))?;
    if user.is_empty() {
        return Err(format!("expected USER=PRINCIPAL, found '{s}': the user is missing"));
    }
    let principal = (!principal.is_empty()).then(|| principal.to_owned());
    Ok((user.to_owned(), principal))
}

/// Runs an importer; exit 0 once written.
pub(crate) fn run(command: ImportCommand) -> Result<u8> {
    match command {
        ImportCommand::Backstage(args) => {
            let imported = Backstage.import_paths(&args.paths, &BackstageOptions::default())?;
            let sections = [Section::Components, Section::People, Section::Groups];
            emit(&imported, args.output.as_deref(), &sections)
        }
        ImportCommand::ResticSnapshots(args) => {
            let options = ResticSnapshotsOptions::new(args.policy);
            let imported = ResticSnapshots.import_paths(&[args.file], &options)?;
            emit(&imported, args.output.as_deref(), &[Section::BackupRuns])
        }
        ImportCommand::AwsCredentialReport(args) => {
            let mut options = AwsCredentialReportOptions::new(args.system);
            for (user, principal) in args.map {
                options = options.map_user(user, principal.as_deref());
            }
            options.root_kind = match args.root_kind {
                RootKind::Shared => CredentialKind::Shared,
                RootKind::Personal => CredentialKind::Personal,
            };
            let imported = AwsCredentialReport.import_paths(&[args.file], &options)?;
            emit(
                &imported,
                args.output.as_deref(),
                &[Section::Credentials, Section::Grants],
            )
        }
        ImportCommand::GrantsCsv(args) => {
            let imported = GrantsCsv.import_paths(&[args.file], &GrantsCsvOptions::default())?;
            emit(
                &imported,
                args.output.as_deref(),
                &[Section::Credentials, Section::Grants],
            )
        }
    }
}

/// Prints the notes, writes the inventory file, and says on standard error
/// what was written to a file.
fn emit(imported: &Imported, output: Option<&Path>, sections: &[Section]) -> Result<u8> {
    for note in imported.notes() {
        eprintln!("note: {note}");
    }
    shared::emit(output, &imported.to_inventory_json())?;
    if let Some(path) = output {
        let counts: Vec<String> = sections.iter().map(|&s| s.count(imported.count(s))).collect();
        let summary = match counts.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => "nothing".to_owned(),
        };
        eprintln!("wrote {summary} to {}", path.display());
    }
    Ok(0)
}
