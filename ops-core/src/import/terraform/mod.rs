//! Terraform state (`terraform show -json`) and plans (`terraform show -json
//! PLANFILE`) as inventory entities: the AWS provider's resources as
//! components in their zones, regions and accounts, with the redundancy
//! AWS gives them; AWS Backup plans and RDS automated backups as backup
//! policies; IAM as people, groups, service accounts, grants and
//! credentials. The mapping, resource type by resource type, is in
//! `docs/terraform.md`.

mod backup;
mod compute;
mod cron;
mod data;
mod estate;
mod iam;
mod ids;
mod network;
mod state;
mod values;

use std::sync::Arc;

use super::{Files, Imported, Importer, ImporterInfo, Input, Place, Section, problem};
use crate::{Format, LoadLimits};

/// How to read Terraform states and plans.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct TerraformOptions {
    /// Bounds on the files: size and nesting.
    pub limits: LoadLimits,
}

impl AsRef<LoadLimits> for TerraformOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The resource types that configure others and are no component of their
/// own: read for what they say about other resources, or not at all.
const CONFIGURATION: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_internet_gateway",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl",
    "aws_eip",
    "aws_lb_listener",
    "aws_lb_listener_rule",
    "aws_alb_listener",
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
    "aws_autoscaling_attachment",
    "aws_launch_template",
    "aws_launch_configuration",
    "aws_db_subnet_group",
    "aws_db_parameter_group",
    "aws_rds_cluster_parameter_group",
    "aws_elasticache_subnet_group",
    "aws_elasticache_parameter_group",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_ownership_controls",
    "aws_kms_key",
    "aws_kms_alias",
    "aws_backup_vault",
    "aws_backup_vault_lock_configuration",
    "aws_backup_vault_policy",
    "aws_backup_plan",
    "aws_backup_selection",
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_role",
    "aws_iam_policy",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role_policy",
    "aws_iam_access_key",
    "aws_iam_instance_profile",
    "aws_iam_user_login_profile",
];

/// The resource types that become components.
const COMPONENTS: &[&str] = &[
    "aws_instance",
    "aws_autoscaling_group",
    "aws_lb",
    "aws_alb",
    "aws_lb_target_group",
    "aws_alb_target_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_s3_bucket",
    "aws_dynamodb_table",
    "aws_nat_gateway",
];

/// The Terraform importer (`terraform`): the JSON of `terraform show -json`
/// (a state) or `terraform show -json PLANFILE` (a plan, read from its
/// `planned_values`), one or several files (several stacks), as
/// components, failure domains, backup policies and access.
///
/// - **Ids.** A managed resource's id is its address, keys made segments:
///   `aws_subnet.private["eu-west-1a"]` is `aws_subnet.private.eu-west-1a`;
///   the parts a resource stands on get `/PART` (`aws_autoscaling_group.web/eu-west-1a`).
/// - **Domains.** A resource in one zone is in that zone (inside its region),
///   one over several zones in the region; every one is in its account
///   (`aws:123456789012`, kind `provider`: provider-like, as a region).
/// - **Redundancy.** Load balancers, target groups, auto scaling groups,
///   Multi-AZ databases, clusters and replication groups with failover are
///   `logical` and `requires: any` over their parts. Instances and auto
///   scaling groups in a private subnet depend on the NAT gateway its route
///   table sends the default route to.
/// - **Tags.** `ops:entry`, `ops:tier`, `ops:owner` and `ops:depends_on`
///   (addresses, separated by commas or spaces) say what the state cannot:
///   Terraform's `depends_on` is creation order, never a runtime dependency.
///
/// Data sources and configuration (security groups, route tables, read
/// for NAT routing, listeners) become nothing; resource types it does not know are skipped
/// with a note naming address and type.
///
/// ```
/// use ops_core::import::{Importer, Input, Section, Terraform};
///
/// let state = r#"{"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
///   {"address": "aws_db_instance.orders", "mode": "managed", "type": "aws_db_instance", "name": "orders",
///    "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 2,
///    "values": {"identifier": "orders", "engine": "postgres", "multi_az": false,
///      "availability_zone": "eu-west-1a", "arn": "arn:aws:rds:eu-west-1:123456789012:db:orders",
///      "backup_retention_period": 0, "tags": {"ops:entry": "true"}}},
///   {"address": "aws_sqs_queue.jobs", "mode": "managed", "type": "aws_sqs_queue", "name": "jobs", "values": {}}
/// ]}}}"#;
/// let imported = Terraform.import(&[Input::new("state.json", state)], &Default::default())?;
/// assert_eq!(imported.count(Section::Components), 1);
/// assert_eq!(imported.count(Section::Domains), 3); // the account, eu-west-1, eu-west-1a
/// assert_eq!(imported.notes()[0].to_string(),
///     "state.json:7:3: aws_sqs_queue.jobs: resource type aws_sqs_queue is not one ops reads; skipped");
/// # Ok::<(), ops_core::Error>(())
/// ```
///
/// # Complexity
/// Linear in the size of the states, plus, for each backup selection that
/// names resources with a `*` pattern, one pass over the states' ARNs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Terraform;

const INFO: ImporterInfo = ImporterInfo {
    name: "terraform",
    reads: "`terraform show -json` of a state or a plan",
    files: Files::Tree {
        formats: &[Format::Json],
        what: "Terraform state",
    },
    produces: &[
        Section::Components,
        Section::Domains,
        Section::People,
        Section::ServiceAccounts,
        Section::Groups,
        Section::Systems,
        Section::Grants,
        Section::Credentials,
        Section::BackupPolicies,
    ],
};

impl Importer for Terraform {
    type Options = TerraformOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &TerraformOptions) -> Imported {
        let limits = &options.limits;
        let mut out = Imported::new();
        let mut docs = Vec::new();
        for input in inputs {
            if !super::within_limit(input, limits, &mut out) {
                out.incomplete = true;
                continue;
            }
            let name: Arc<str> = Arc::from(input.name);
            let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
            match crate::source::parse(&name, text, Format::Json, limits, None) {
                Ok(d) => docs.extend(d),
                Err(d) => {
                    let (place, message) = problem::from_diagnostic(d);
                    out.problem(place, message);
                    out.incomplete = true;
                }
            }
        }
        let resources = state::resources(&docs, &mut out);
        for r in &resources {
            if !CONFIGURATION.contains(&r.kind) && !COMPONENTS.contains(&r.kind) {
                out.note(
                    Place::from(r.at),
                    format!("{}: resource type {} is not one ops reads; skipped", r.address, r.kind),
                );
            }
        }
        let mut estate = estate::Estate::new(resources);
        compute::instances(&mut estate);
        compute::autoscaling_groups(&mut estate);
        network::nat_gateways(&mut estate, &mut out);
        data::stores(&mut estate);
        compute::load_balancers(&mut estate, &mut out);
        estate.apply_tags(&mut out);
        estate.write(&mut out);
        backup::policies(&estate, &mut out);
        iam::access(&estate, &mut out);
        let names: Vec<&str> = inputs.iter().map(|i| i.name).collect();
        out.sort_by_place(&names);
        out
    }
}
