//! NAT gateways, and what reaches the internet through them.
//!
//! A NAT gateway is a component in the zone of its subnet. A subnet whose
//! route table (`aws_route_table_association`) sends the default route
//! (`0.0.0.0/0`, in the table's `route` blocks or an `aws_route`) to a NAT
//! gateway reaches the internet through it: an instance in that subnet, and
//! the part of an auto scaling group in that subnet's zone, depend on it.
//! One NAT gateway for the private subnets of three zones is then a single
//! point of failure of all of them, and its zone a domain one: the usual
//! finding of a reliability review, which one gateway per zone avoids.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::estate::Estate;
use super::values::{list_at, str_at, strs_at};
use crate::import::{Imported, Place};

/// The default route, the one outbound internet traffic takes.
const DEFAULT_ROUTE: &str = "0.0.0.0/0";

/// `aws_nat_gateway` components, and the dependencies of instances and auto
/// scaling group parts on the gateways their subnets route through.
pub(super) fn nat_gateways(e: &mut Estate<'_>, out: &mut Imported) {
    // Each gateway's component, by its AWS id.
    let mut gateways: HashMap<&str, usize> = HashMap::new();
    for r in 0..e.resources.len() {
        if e.resources[r].kind != "aws_nat_gateway" {
            continue;
        }
        let values = e.resources[r].values;
        let zone = str_at(values, "subnet_id")
            .and_then(|s| e.find("aws_subnet", s))
            .and_then(|s| str_at(e.resources[s].values, "availability_zone"));
        let domains = match zone {
            Some(zone) => e.in_zone(r, zone),
            None => e.in_region(r),
        };
        let what = format!(
            "NAT gateway {} in {}",
            str_at(values, "id").unwrap_or("not created yet"),
            zone.unwrap_or("a zone the state does not say")
        );
        let mut c = e.comp(r, e.resources[r].id.clone(), "network", what);
        c.domains = domains;
        let i = e.add(r, c, true, true);
        if let Some(id) = str_at(values, "id") {
            gateways.insert(id, i);
        }
    }
    if gateways.is_empty() {
        return;
    }
    // Route table id -> the gateways of its default route.
    let mut via: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for res in &e.resources {
        let values = res.values;
        match res.kind {
            "aws_route_table" => {
                let Some(table) = str_at(values, "id") else { continue };
                for route in list_at(values, "route") {
                    if str_at(route, "cidr_block") == Some(DEFAULT_ROUTE)
                        && let Some(nat) = str_at(route, "nat_gateway_id").filter(|n| !n.is_empty())
                    {
                        via.entry(table).or_default().insert(nat);
                    }
                }
            }
            "aws_route" => {
                if str_at(values, "destination_cidr_block") == Some(DEFAULT_ROUTE)
                    && let (Some(table), Some(nat)) = (
                        str_at(values, "route_table_id"),
                        str_at(values, "nat_gateway_id").filter(|n| !n.is_empty()),
                    )
                {
                    via.entry(table).or_default().insert(nat);
                }
            }
            _ => {}
        }
    }
    // Subnet id -> the gateway components it reaches the internet through.
    let mut subnet_gateways: HashMap<&str, Vec<usize>> = HashMap::new();
    for res in &e.resources {
        if res.kind != "aws_route_table_association" {
            continue;
        }
        let values = res.values;
        let (Some(subnet), Some(table)) = (str_at(values, "subnet_id"), str_at(values, "route_table_id")) else {
            continue;
        };
        for &nat in via.get(table).into_iter().flatten() {
            match gateways.get(nat) {
                Some(&g) => subnet_gateways.entry(subnet).or_default().push(g),
                None => out.note(
                    Place::from(res.at),
                    format!(
                        "{}: subnet {subnet} routes to NAT gateway {nat}, which is not in the given states; \
                         left out",
                        res.address
                    ),
                ),
            }
        }
    }
    // Who depends on which gateway: component index -> gateway components.
    let mut needs: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for r in 0..e.resources.len() {
        let values = e.resources[r].values;
        match e.resources[r].kind {
            "aws_instance" => {
                let (Some(subnet), Some(&c)) = (str_at(values, "subnet_id"), e.top.get(&r)) else {
                    continue;
                };
                needs
                    .entry(c)
                    .or_default()
                    .extend(subnet_gateways.get(subnet).into_iter().flatten());
            }
            "aws_autoscaling_group" => {
                let id = &e.resources[r].id;
                for subnet in strs_at(values, "vpc_zone_identifier") {
                    let Some(zone) = e
                        .find("aws_subnet", subnet)
                        .and_then(|s| str_at(e.resources[s].values, "availability_zone"))
                    else {
                        continue;
                    };
                    let part = format!("{id}/{zone}");
                    let Some(&c) = e.leaves.get(&r).into_iter().flatten().find(|&&c| e.comps[c].id == part) else {
                        continue;
                    };
                    needs
                        .entry(c)
                        .or_default()
                        .extend(subnet_gateways.get(subnet).into_iter().flatten());
                }
            }
            _ => {}
        }
    }
    for (c, gateways) in needs {
        for g in gateways {
            let id = e.comps[g].id.clone();
            if !e.comps[c].depends_on.contains(&id) {
                e.comps[c].depends_on.push(id);
            }
        }
    }
}
