//! Instances, auto scaling groups, target groups and load balancers.
//!
//! An instance is a component in its zone. An auto scaling group is logical,
//! up while any of its per-zone parts is: when a zone fails, the group
//! launches its `min_size` instances in the zones left, so one zone up is
//! enough (a group over subnets of one zone is that zone's). A target group
//! is logical over its registered targets (attachments, and the groups that
//! name it in `target_group_arns`); a load balancer is logical over its
//! target groups and lives in its region (AWS runs it in every zone of its
//! subnets).

use std::collections::BTreeSet;

use super::estate::Estate;
use super::values::{list_at, str_at, strs_at};
use crate::import::{Imported, Place};

/// `aws_instance`: a component in its zone.
pub(super) fn instances(e: &mut Estate<'_>) {
    for r in 0..e.resources.len() {
        if e.resources[r].kind != "aws_instance" {
            continue;
        }
        let values = e.resources[r].values;
        let domains = match str_at(values, "availability_zone") {
            Some(zone) => e.in_zone(r, zone),
            None => e.in_region(r),
        };
        let what = format!(
            "EC2 instance {} ({})",
            str_at(values, "id").unwrap_or("not created yet"),
            str_at(values, "instance_type").unwrap_or("type unknown")
        );
        let mut c = e.comp(r, e.resources[r].id.clone(), "compute", what);
        c.domains = domains;
        e.add(r, c, true, true);
    }
}

/// `aws_autoscaling_group`: per-zone capacity over the zones of its subnets.
pub(super) fn autoscaling_groups(e: &mut Estate<'_>) {
    for r in 0..e.resources.len() {
        if e.resources[r].kind != "aws_autoscaling_group" {
            continue;
        }
        let values = e.resources[r].values;
        let mut zones = BTreeSet::new();
        for subnet in strs_at(values, "vpc_zone_identifier") {
            if let Some(s) = e.find("aws_subnet", subnet)
                && let Some(zone) = str_at(e.resources[s].values, "availability_zone")
            {
                zones.insert(zone);
            }
        }
        if zones.is_empty() {
            // Subnets from another state: the group records their zones too.
            zones.extend(strs_at(values, "availability_zones"));
        }
        let (min, max) = (
            super::values::int_at(values, "min_size").unwrap_or(0),
            super::values::int_at(values, "max_size").unwrap_or(0),
        );
        let what = format!(
            "auto scaling group {} (min {min}, max {max})",
            str_at(values, "name").unwrap_or("not created yet")
        );
        if zones.is_empty() {
            let domains = e.in_region(r);
            let mut c = e.comp(
                r,
                e.resources[r].id.clone(),
                "compute",
                format!("{what}; zones unknown"),
            );
            c.domains = domains;
            e.add(r, c, true, true);
            continue;
        }
        let mut parts = Vec::new();
        for zone in &zones {
            let domains = e.in_zone(r, zone);
            let id = format!("{}/{zone}", e.resources[r].id);
            let mut c = e.comp(r, id, "compute", format!("the instances of {what} in {zone}"));
            c.domains = domains;
            parts.push(e.add(r, c, false, true));
        }
        let zones: Vec<&str> = zones.into_iter().collect();
        let description = format!("{what} over {}", zones.join(", "));
        e.add_any(r, "compute", description, parts, Vec::new());
    }
}

/// Target groups over their targets, then load balancers over their target
/// groups.
pub(super) fn load_balancers(e: &mut Estate<'_>, out: &mut Imported) {
    let is_tg = |k: &str| k == "aws_lb_target_group" || k == "aws_alb_target_group";
    let is_lb = |k: &str| k == "aws_lb" || k == "aws_alb";
    // Targets of each target group (resource index -> component indices).
    let mut targets: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    let mut seen: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    let mut add = |targets: &mut std::collections::HashMap<usize, Vec<usize>>, tg: usize, c: usize| {
        if seen.insert((tg, c)) {
            targets.entry(tg).or_default().push(c);
        }
    };
    for r in 0..e.resources.len() {
        let res = &e.resources[r];
        let values = res.values;
        match res.kind {
            "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => {
                let Some(tg) = str_at(values, "target_group_arn").and_then(|a| e.by_arn.get(a).copied()) else {
                    continue;
                };
                let target = str_at(values, "target_id").unwrap_or("");
                match e.find("aws_instance", target).and_then(|i| e.top.get(&i).copied()) {
                    Some(c) => add(&mut targets, tg, c),
                    None => out.note(
                        Place::from(res.at),
                        format!(
                            "{}: target '{target}' is not an instance of the given states; left out of its target group",
                            res.address
                        ),
                    ),
                }
            }
            "aws_autoscaling_group" => {
                let Some(&c) = e.top.get(&r) else { continue };
                for arn in strs_at(values, "target_group_arns") {
                    if let Some(&tg) = e.by_arn.get(arn) {
                        add(&mut targets, tg, c);
                    }
                }
            }
            "aws_autoscaling_attachment" => {
                let asg = str_at(values, "autoscaling_group_name").and_then(|n| e.find("aws_autoscaling_group", n));
                let tg = str_at(values, "lb_target_group_arn").and_then(|a| e.by_arn.get(a).copied());
                if let (Some(asg), Some(tg)) = (asg.and_then(|a| e.top.get(&a).copied()), tg) {
                    add(&mut targets, tg, asg);
                }
            }
            _ => {}
        }
    }
    // Target groups, in the order of the state; each to its load balancers.
    let mut groups_of_lb: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for r in 0..e.resources.len() {
        if !is_tg(e.resources[r].kind) {
            continue;
        }
        let values = e.resources[r].values;
        let name = str_at(values, "name").unwrap_or("not created yet").to_owned();
        let Some(members) = targets.remove(&r) else {
            out.note(
                Place::from(e.resources[r].at),
                format!(
                    "{}: target group {name} has no registered targets in the given states; left out",
                    e.resources[r].address
                ),
            );
            continue;
        };
        e.add_any(r, "load_balancer", format!("target group {name}"), members, Vec::new());
        let c = e.top[&r];
        for lb in strs_at(values, "load_balancer_arns") {
            if let Some(&lb) = e.by_arn.get(lb) {
                groups_of_lb.entry(lb).or_default().push(c);
            }
        }
    }
    for r in 0..e.resources.len() {
        if !is_lb(e.resources[r].kind) {
            continue;
        }
        let values = e.resources[r].values;
        let subnets = list_at(values, "subnets").len();
        let what = format!(
            "{} load balancer {} over {subnets} subnets",
            str_at(values, "load_balancer_type").unwrap_or("application"),
            str_at(values, "name").unwrap_or("not created yet"),
        );
        let domains = e.in_region(r);
        match groups_of_lb.remove(&r) {
            Some(groups) => e.add_any(r, "load_balancer", what, groups, domains),
            None => {
                let mut c = e.comp(
                    r,
                    e.resources[r].id.clone(),
                    "load_balancer",
                    format!("{what}; no target group with targets"),
                );
                c.domains = domains;
                e.add(r, c, true, true);
            }
        }
    }
}
