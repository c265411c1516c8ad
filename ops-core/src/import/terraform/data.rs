//! Databases, caches and buckets: RDS instances (single-AZ, Multi-AZ and
//! read replicas), RDS and Aurora clusters, ElastiCache replication groups
//! and clusters, DynamoDB tables and S3 buckets.

use super::estate::Estate;
use super::values::{bool_at, str_at, strs_at};

/// Every data store of the given states.
pub(super) fn stores(e: &mut Estate<'_>) {
    for r in 0..e.resources.len() {
        match e.resources[r].kind {
            "aws_db_instance" => db_instance(e, r),
            "aws_elasticache_cluster" => cache_cluster(e, r),
            "aws_s3_bucket" => regional(e, r, "object_store", "S3 bucket", "bucket"),
            "aws_dynamodb_table" => regional(e, r, "database", "DynamoDB table", "name"),
            _ => {}
        }
    }
    // Clusters after their instances' resources are known; instances by
    // cluster, so each cluster finds its own without a scan.
    let mut instances: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, inst) in e.resources.iter().enumerate() {
        if inst.kind == "aws_rds_cluster_instance"
            && let Some(cluster) = str_at(inst.values, "cluster_identifier")
        {
            instances.entry(cluster.to_owned()).or_default().push(i);
        }
    }
    for r in 0..e.resources.len() {
        match e.resources[r].kind {
            "aws_rds_cluster" => {
                let name = str_at(e.resources[r].values, "cluster_identifier").unwrap_or("");
                let of = instances.remove(name).unwrap_or_default();
                rds_cluster(e, r, &of);
            }
            "aws_elasticache_replication_group" => replication_group(e, r),
            _ => {}
        }
    }
}

fn regional(e: &mut Estate<'_>, r: usize, kind: &'static str, what: &str, name_key: &str) {
    let name = str_at(e.resources[r].values, name_key).unwrap_or("not created yet");
    let description = format!("{what} {name}");
    let domains = e.in_region(r);
    let mut c = e.comp(r, e.resources[r].id.clone(), kind, description);
    c.domains = domains;
    e.add(r, c, true, true);
}

/// In its zone, or its region when the zone is not known yet (a plan).
fn placed(e: &mut Estate<'_>, r: usize, zone: Option<&str>) -> Vec<String> {
    match zone {
        Some(zone) => e.in_zone(r, zone),
        None => e.in_region(r),
    }
}

fn db_instance(e: &mut Estate<'_>, r: usize) {
    let values = e.resources[r].values;
    let name = str_at(values, "identifier").unwrap_or("not created yet");
    let engine = str_at(values, "engine").unwrap_or("engine unknown");
    let zone = str_at(values, "availability_zone");
    let id = e.resources[r].id.clone();
    if let Some(source) = str_at(values, "replicate_source_db") {
        let domains = placed(e, r, zone);
        let mut c = e.comp(
            r,
            id,
            "database",
            format!("RDS read replica {name} ({engine}) of {source}"),
        );
        c.domains = domains;
        e.add(r, c, true, true);
        return;
    }
    if bool_at(values, "multi_az") != Some(true) {
        let domains = placed(e, r, zone);
        let mut c = e.comp(r, id, "database", format!("RDS instance {name} ({engine}), single-AZ"));
        c.domains = domains;
        e.add(r, c, true, true);
        return;
    }
    // Multi-AZ: a synchronous standby in another zone of the subnet group,
    // which the state does not name: it fails with the region, not with the
    // primary's zone.
    let primary_domains = placed(e, r, zone);
    let mut primary = e.comp(
        r,
        format!("{id}/primary"),
        "database",
        format!("the primary of RDS instance {name} ({engine})"),
    );
    primary.domains = primary_domains;
    let standby_domains = e.in_region(r);
    let mut standby = e.comp(
        r,
        format!("{id}/standby"),
        "database",
        format!("the Multi-AZ standby of RDS instance {name}, in another zone than the primary"),
    );
    standby.domains = standby_domains;
    let members = vec![e.add(r, primary, false, true), e.add(r, standby, false, true)];
    e.add_any(
        r,
        "database",
        format!("RDS instance {name} ({engine}), Multi-AZ"),
        members,
        Vec::new(),
    );
}

fn rds_cluster(e: &mut Estate<'_>, r: usize, instances: &[usize]) {
    let values = e.resources[r].values;
    let name = str_at(values, "cluster_identifier").unwrap_or("not created yet");
    let engine = str_at(values, "engine").unwrap_or("aurora");
    let id = e.resources[r].id.clone();
    let mut members = Vec::new();
    for &i in instances {
        let inst = &e.resources[i];
        {
            let zone = str_at(inst.values, "availability_zone");
            let inst_name = str_at(inst.values, "identifier")
                .unwrap_or("not created yet")
                .to_owned();
            let domains = placed(e, i, zone);
            let mut c = e.comp(
                i,
                e.resources[i].id.clone(),
                "database",
                format!("instance {inst_name} of cluster {name}"),
            );
            c.domains = domains;
            members.push(e.add(i, c, true, true));
        }
    }
    if members.is_empty() && str_at(values, "db_cluster_instance_class").is_some() {
        // A Multi-AZ DB cluster: one writer and two readers, one per zone.
        for zone in strs_at(values, "availability_zones") {
            let domains = e.in_zone(r, zone);
            let mut c = e.comp(
                r,
                format!("{id}/{zone}"),
                "database",
                format!("the instance of cluster {name} in {zone}"),
            );
            c.domains = domains;
            members.push(e.add(r, c, false, true));
        }
    }
    let what = format!("RDS cluster {name} ({engine})");
    if members.is_empty() {
        let domains = e.in_region(r);
        let mut c = e.comp(r, id, "database", format!("{what}; no instances in the given states"));
        c.domains = domains;
        e.add(r, c, true, true);
        return;
    }
    e.add_any(r, "database", what, members, Vec::new());
}

fn cache_cluster(e: &mut Estate<'_>, r: usize) {
    let values = e.resources[r].values;
    // A member of a replication group is part of the group.
    if str_at(values, "replication_group_id").is_some() {
        return;
    }
    let name = str_at(values, "cluster_id").unwrap_or("not created yet");
    let description = format!(
        "ElastiCache cluster {name} ({})",
        str_at(values, "engine").unwrap_or("engine unknown")
    );
    let zone = str_at(values, "availability_zone");
    let domains = placed(e, r, zone);
    let mut c = e.comp(r, e.resources[r].id.clone(), "cache", description);
    c.domains = domains;
    e.add(r, c, true, true);
}

/// A replication group: with automatic failover, logical over its member
/// clusters, each in its zone (an `aws_elasticache_cluster` of the state
/// naming it, else `preferred_cache_cluster_azs` in member order); without,
/// its primary alone.
fn replication_group(e: &mut Estate<'_>, r: usize) {
    let values = e.resources[r].values;
    let name = str_at(values, "replication_group_id").unwrap_or("not created yet");
    let id = e.resources[r].id.clone();
    let mut members = strs_at(values, "member_clusters");
    members.sort_unstable();
    let preferred = strs_at(values, "preferred_cache_cluster_azs");
    let zones: Vec<Option<String>> = (members.iter().enumerate())
        .map(|(i, m)| {
            e.find("aws_elasticache_cluster", m)
                .and_then(|c| str_at(e.resources[c].values, "availability_zone"))
                .or_else(|| preferred.get(i).copied())
                .map(str::to_owned)
        })
        .collect();
    let what = format!("ElastiCache replication group {name}");
    let failover = bool_at(values, "automatic_failover_enabled") == Some(true);
    if !failover || members.len() < 2 {
        let zone = zones.first().cloned().flatten();
        let domains = placed(e, r, zone.as_deref());
        let mut c = e.comp(r, id, "cache", format!("{what}, without automatic failover"));
        c.domains = domains;
        e.add(r, c, true, true);
        return;
    }
    let mut parts = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let domains = placed(e, r, zones[i].as_deref());
        let mut c = e.comp(
            r,
            format!("{id}/{}", super::ids::clean(m)),
            "cache",
            format!("member {m} of {what}"),
        );
        c.domains = domains;
        parts.push(e.add(r, c, false, true));
    }
    e.add_any(
        r,
        "cache",
        format!("{what}, with automatic failover"),
        parts,
        Vec::new(),
    );
}
