//! `opsctl import`: other tools' exports to inventory files, through one
//! table. Each importer of `ops_core::import` is an entry of [`IMPORTERS`]:
//! its arguments (a clap `Args` struct implementing [`ImportArgs`]), its
//! help, and how the arguments become the importer's options. Parsing,
//! reading the files, printing notes, writing the output and the summary
//! line are the same for all of them, in [`run`]; adding an importer is its
//! arguments and one line in the table.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use clap::{ArgMatches, Command, FromArgMatches, Subcommand, ValueEnum};
use ops_core::access::CredentialKind;
use ops_core::import::{
    AwsCredentialReport, AwsCredentialReportOptions, Backstage, BackstageOptions, GrantsCsv, GrantsCsvOptions,
    Imported, Importer, ImporterInfo, Kubernetes, KubernetesOptions, ResticSnapshots, ResticSnapshotsOptions, Section,
    Terraform, TerraformOptions,
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

/// Every importer opsctl offers, in the order `opsctl import --help` lists them.
const IMPORTERS: &[Entry] = &[
    entry::<BackstageImportArgs>(),
    entry::<AwsImportArgs>(),
    entry::<GrantsImportArgs>(),
    entry::<ResticImportArgs>(),
    entry::<TerraformImportArgs>(),
    entry::<KubernetesImportArgs>(),
];

/// An importer's command line: its arguments, its help, and how the
/// arguments become the importer's input files and options.
trait ImportArgs: clap::Args + FromArgMatches {
    /// The importer.
    type Importer: Importer + Default;
    /// The one-line help.
    const ABOUT: &'static str;
    /// The help after the arguments: what becomes what, exit codes, examples.
    const AFTER_HELP: &'static str;
    /// The sections the line on standard error counts after writing to a file.
    const SUMMARY: &'static [Section] = <Self::Importer as Importer>::INFO.produces;
    /// The files and directories to import.
    fn paths(&self) -> &[PathBuf];
    /// `--output`: where to write instead of standard output.
    fn output(&self) -> Option<&Path>;
    /// The importer's options.
    fn options(&self) -> <Self::Importer as Importer>::Options;
}

/// One row of [`IMPORTERS`]: what clap and [`run`] need, without the types.
struct Entry {
    info: &'static ImporterInfo,
    about: &'static str,
    after_help: &'static str,
    augment: fn(Command) -> Command,
    run: fn(&ArgMatches) -> Result<u8>,
}

const fn entry<A: ImportArgs>() -> Entry {
    Entry {
        info: <A::Importer as Importer>::INFO,
        about: A::ABOUT,
        after_help: A::AFTER_HELP,
        augment: A::augment_args,
        run: import::<A>,
    }
}

/// `opsctl import NAME ...`: the importer's name and its parsed arguments.
#[derive(Debug)]
pub(crate) struct ImportCommand {
    name: String,
    matches: ArgMatches,
}

impl FromArgMatches for ImportCommand {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        match matches.subcommand() {
            Some((name, sub)) => Ok(ImportCommand {
                name: name.to_owned(),
                matches: sub.clone(),
            }),
            None => Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand)),
        }
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = ImportCommand::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Subcommand for ImportCommand {
    fn augment_subcommands(cmd: Command) -> Command {
        IMPORTERS.iter().fold(cmd, |cmd, e| {
            // As clap's derive builds a subcommand: the arguments, then the help.
            let sub = (e.augment)(Command::new(e.info.name))
                .about(e.about)
                .long_about(None)
                .after_help(e.after_help);
            cmd.subcommand(sub)
        })
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        ImportCommand::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        IMPORTERS.iter().any(|e| e.info.name == name)
    }
}

/// Runs the importer named on the command line; exit 0 once written.
pub(crate) fn run(command: ImportCommand) -> Result<u8> {
    let entry = IMPORTERS
        .iter()
        .find(|e| e.info.name == command.name)
        .ok_or_else(|| anyhow!("no importer '{}'", command.name))?;
    (entry.run)(&command.matches)
}

/// Reads the files, prints the notes on standard error, writes the inventory
/// file, and says on standard error what was written to a file.
fn import<A: ImportArgs>(matches: &ArgMatches) -> Result<u8> {
    let args = A::from_arg_matches(matches)?;
    let imported = A::Importer::default().import_paths(args.paths(), &args.options())?;
    for note in imported.notes() {
        eprintln!("note: {}", ops_core::render::escape_controls(&note.to_string()));
    }
    shared::emit(args.output(), &imported.to_inventory_json())?;
    if let Some(path) = args.output() {
        eprintln!("wrote {} to {}", summary(&imported, A::SUMMARY), path.display());
    }
    Ok(0)
}

/// `9 credentials and 0 grants`, `14 components, 4 people and 2 groups`.
fn summary(imported: &Imported, sections: &[Section]) -> String {
    let counts: Vec<String> = sections.iter().map(|&s| s.count(imported.count(s))).collect();
    match counts.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

/// Arguments of `opsctl import backstage`.
#[derive(Debug, clap::Args)]
pub(crate) struct BackstageImportArgs {
    /// Catalog files or directories (read recursively: .yaml and .yml files).
    #[arg(required = true, value_name = "DIR")]
    pub(crate) paths: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) infer: crate::shared::BackstageInfer,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `opsctl import terraform`.
#[derive(Debug, clap::Args)]
pub(crate) struct TerraformImportArgs {
    /// The JSON of `terraform show -json` (a state) or `terraform show -json
    /// PLANFILE` (a plan); several files for several stacks, or directories
    /// of .json files.
    #[arg(required = true, value_name = "STATE.json")]
    pub(crate) paths: Vec<PathBuf>,
    /// Write the inventory file to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Arguments of `opsctl import kubernetes`.
#[derive(Debug, clap::Args)]
pub(crate) struct KubernetesImportArgs {
    /// `kubectl get ... -A -o json` output and manifest files or
    /// directories (read recursively: .json, .yaml and .yml files).
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// The cluster's name: its failure domain and the system its
    /// ClusterRoleBindings grant on.
    #[arg(long, value_name = "NAME", default_value = KubernetesOptions::DEFAULT_CLUSTER)]
    pub(crate) cluster: String,
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

impl ImportArgs for BackstageImportArgs {
    type Importer = Backstage;
    const ABOUT: &'static str = "Backstage catalog files (catalog-info.yaml; every .yaml and .yml file under DIR) as \
        components, people and groups";
    const AFTER_HELP: &'static str = "Components and Resources become components (kind from spec.type, so \
        databases are stateful; dependencies from spec.dependsOn and spec.dependencyOf; owner from spec.owner), \
        Users people, Groups groups (members from spec.members, spec.children, spec.memberOf and spec.parent); \
        Systems and Domains become tags. Without annotations, entry points are inferred from spec.type \
        (website, or --backstage-entry-type) and dependencies from consumesApis and subcomponentOf, each \
        tagged inferred:... (--backstage-infer none: only what the catalog says). ops.dev/* annotations add \
        what Backstage has no words for: entry, tier, requires, domains, kind, stateful, availability, slo, id. Kinds ops does not import \
        (API, Location, Template, ...) are skipped with a note on standard error.\n\n\
        To analyse a catalog without converting it, use --backstage DIR with any command that reads an \
        inventory. See docs/backstage.md.\n\n\
        Exit codes: 0 imported, 2 a problem in the catalog (every one printed with file:line:column).\n\n\
        Examples:\n  opsctl import backstage catalog/ --output inventory/backstage.json\n  \
        opsctl check --backstage catalog/ inventory/";

    fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> BackstageOptions {
        let mut options = BackstageOptions::default();
        options.infer = self.infer.inference();
        options
    }
}

impl ImportArgs for KubernetesImportArgs {
    type Importer = Kubernetes;
    const ABOUT: &'static str = "A Kubernetes cluster (kubectl get ... -A -o json) or manifests as components, \
        failure domains, principals, grants, backup policies and jobs";
    const AFTER_HELP: &'static str = "Deployments, StatefulSets and DaemonSets become logical components \
        NAMESPACE/NAME, up while enough of their running pods are (any one, or at_least what a \
        PodDisruptionBudget keeps); each running pod NAMESPACE/pod/NAME needs its node/NAME, and nodes are in \
        their zone, region and cluster failure domains. Ingresses and LoadBalancer or NodePort Services \
        (NAMESPACE/ingress/NAME, NAMESPACE/service/NAME) are entry points. RoleBindings and \
        ClusterRoleBindings become grants; CronJobs jobs (or backup policies, with ops.dev/backup-of), Velero \
        Schedules backup policies. ops.dev/* annotations add what the cluster cannot know: entry, tier, owner, \
        depends-on, stateful. Kinds ops does not read, pods that are not running and system users are skipped \
        with a note on standard error.\n\n\
        To analyse a cluster without converting it, use --kubernetes PATH with any command that reads an \
        inventory. See docs/kubernetes.md.\n\n\
        Exit codes: 0 imported, 2 a problem in the input (every one printed with file:line:column).\n\n\
        Examples:\n  kubectl get nodes,pods,replicasets,deployments,statefulsets,daemonsets,poddisruptionbudgets,\\\n    \
        services,ingresses,ingressclasses,namespaces,serviceaccounts,roles,clusterroles,rolebindings,\\\n    \
        clusterrolebindings,cronjobs -A -o json > cluster.json\n  \
        opsctl import kubernetes cluster.json --cluster prod --output inventory/prod.json\n  \
        opsctl check --kubernetes cluster.json --kubernetes-cluster prod inventory/overlay.yaml";

    fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> KubernetesOptions {
        KubernetesOptions::new(self.cluster.clone())
    }
}

impl ImportArgs for AwsImportArgs {
    type Importer = AwsCredentialReport;
    const ABOUT: &'static str = "An AWS IAM credential report (CSV): console passwords, access keys and the root \
        user as credentials on one system";
    const AFTER_HELP: &'static str = IMPORT_HELP;
    /// The line both CSV importers have always written.
    const SUMMARY: &'static [Section] = &[Section::Credentials, Section::Grants];

    fn paths(&self) -> &[PathBuf] {
        std::slice::from_ref(&self.file)
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> AwsCredentialReportOptions {
        let mut options = AwsCredentialReportOptions::new(self.system.clone());
        for (user, principal) in &self.map {
            options = options.map_user(user.clone(), principal.as_deref());
        }
        options.root_kind = match self.root_kind {
            RootKind::Shared => CredentialKind::Shared,
            RootKind::Personal => CredentialKind::Personal,
        };
        options
    }
}

impl ImportArgs for GrantsImportArgs {
    type Importer = GrantsCsv;
    const ABOUT: &'static str = "A CSV of grants with a header row: principal,system,level and optionally \
        role,granted_at,last_used_at,expires_at,id";
    const AFTER_HELP: &'static str = IMPORT_HELP;
    /// The line both CSV importers have always written.
    const SUMMARY: &'static [Section] = &[Section::Credentials, Section::Grants];

    fn paths(&self) -> &[PathBuf] {
        std::slice::from_ref(&self.file)
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> GrantsCsvOptions {
        GrantsCsvOptions::default()
    }
}

impl ImportArgs for ResticImportArgs {
    type Importer = ResticSnapshots;
    const ABOUT: &'static str = "The output of `restic snapshots --json` as backup runs of a policy";
    const AFTER_HELP: &'static str = "Each snapshot becomes a successful run: started at the summary's \
        backup_start (restic 0.17+)\n\
        or the snapshot time, finished at backup_end, size_bytes from total_bytes_processed, checksum\n\
        sha256:<tree>. The policy must be defined in the inventory you load the file with.\n\n\
        Example:\n  restic snapshots --json > snapshots.json\n  \
        opsctl import restic-snapshots snapshots.json --policy orders-db-nightly --output inventory/runs.json";

    fn paths(&self) -> &[PathBuf] {
        std::slice::from_ref(&self.file)
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> ResticSnapshotsOptions {
        ResticSnapshotsOptions::new(self.policy.clone())
    }
}

impl ImportArgs for TerraformImportArgs {
    type Importer = Terraform;
    const ABOUT: &'static str = "Terraform state or plan JSON (terraform show -json) as components, zones, regions \
        and accounts, backup policies and IAM access";
    const AFTER_HELP: &'static str = "AWS resources become components in their zones (or, over several zones, \
        their region) and account; load balancers, target groups, auto scaling groups, Multi-AZ databases, \
        RDS and Aurora clusters and ElastiCache groups with failover become logical components over their \
        parts. ops:entry, ops:tier, ops:owner and ops:depends_on tags say what state cannot. AWS Backup \
        plans and selections, and RDS automated backups, become backup policies; IAM users, groups, roles, \
        policy attachments and access keys become people, groups, service accounts, grants and credentials. \
        Resource types ops does not read are skipped with a note on standard error. See docs/terraform.md.\n\n\
        To analyse a state without converting it, use --terraform STATE.json with any command that reads \
        an inventory.\n\n\
        Exit codes: 0 imported, 2 a problem in the input (every one printed with file:line:column).\n\n\
        Examples:\n  terraform show -json > state.json\n  \
        opsctl import terraform state.json --output inventory/terraform.json\n  \
        terraform plan -out=tfplan && terraform show -json tfplan > plan.json\n  \
        opsctl check --terraform plan.json inventory/people.yaml";

    fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    fn output(&self) -> Option<&Path> {
        self.output.as_deref()
    }

    fn options(&self) -> TerraformOptions {
        TerraformOptions::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_offers_every_importer_of_ops_core_in_its_order() {
        let ours: Vec<&str> = IMPORTERS.iter().map(|e| e.info.name).collect();
        let core: Vec<&str> = ops_core::import::IMPORTERS.iter().map(|i| i.name).collect();
        assert_eq!(ours, core);
    }

    #[test]
    fn summaries_count_each_section() {
        let imported = Imported::default();
        assert_eq!(
            summary(&imported, &[Section::Components, Section::People, Section::Groups]),
            "0 components, 0 people and 0 groups"
        );
        assert_eq!(summary(&imported, &[Section::BackupRuns]), "0 backup runs");
    }
}
