//! What the resources of the given states say together: lookups by ARN and
//! by AWS id, the zones, regions and accounts resources are placed in, and
//! the components built so far, with the `ops:*` tags applied to them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ids;
use super::state::Resource;
use super::values::{Arn, str_at, tag, zone_region};
use crate::Location;
use crate::import::{EntityBuilder, Imported, Place, Section};
use crate::source::node::{Node, Value};

/// A component to write.
#[derive(Debug)]
pub(super) struct Comp {
    pub(super) id: String,
    pub(super) kind: &'static str,
    pub(super) name: Option<String>,
    pub(super) description: String,
    pub(super) logical: bool,
    /// `requires: any` (the only rule AWS redundancy needs here).
    pub(super) any: bool,
    pub(super) depends_on: Vec<String>,
    pub(super) domains: Vec<String>,
    pub(super) entry: bool,
    pub(super) tier: Option<i64>,
    pub(super) owners: Vec<String>,
    pub(super) at: Location,
}

/// The resources and what has been made of them.
#[derive(Debug)]
pub(super) struct Estate<'n> {
    pub(super) resources: Vec<Resource<'n>>,
    /// Resource index by ARN.
    pub(super) by_arn: HashMap<&'n str, usize>,
    /// Resource index by (type, AWS id or name): `("aws_subnet", "subnet-0a1b")`.
    pub(super) by_aws_id: HashMap<(&'n str, &'n str), usize>,
    /// The account and region most ARNs name: for resources whose ARN does
    /// not say (S3 buckets, resources a plan has not created yet).
    pub(super) account: Option<String>,
    pub(super) region: Option<String>,
    /// Zone -> region, regions, accounts that components are placed in.
    pub(super) zones: BTreeMap<String, String>,
    pub(super) regions: BTreeSet<String>,
    pub(super) accounts: BTreeSet<String>,
    pub(super) comps: Vec<Comp>,
    /// The component standing for a resource, by resource index.
    pub(super) top: HashMap<usize, usize>,
    /// The components that take a resource's runtime dependencies (its
    /// non-logical parts), by resource index.
    pub(super) leaves: HashMap<usize, Vec<usize>>,
}

/// The id of the failure domain of AWS account `account`.
pub(super) fn account_domain(account: &str) -> String {
    format!("aws:{account}")
}

impl<'n> Estate<'n> {
    /// Indexes `resources`.
    pub(super) fn new(resources: Vec<Resource<'n>>) -> Self {
        let mut by_arn = HashMap::new();
        let mut by_aws_id = HashMap::new();
        let mut accounts: HashMap<&str, usize> = HashMap::new();
        let mut regions: HashMap<&str, usize> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            if let Some(arn) = str_at(r.values, "arn") {
                by_arn.insert(arn, i);
                if let Some(a) = Arn::parse(arn) {
                    if let Some(account) = a.account {
                        *accounts.entry(account).or_default() += 1;
                    }
                    if let Some(region) = a.region {
                        *regions.entry(region).or_default() += 1;
                    }
                }
            }
            for key in ["id", "name", "cluster_identifier", "cluster_id", "replication_group_id"] {
                if let Some(v) = str_at(r.values, key) {
                    by_aws_id.entry((r.kind, v)).or_insert(i);
                }
            }
        }
        // The most named, ties to the first in name order: stable across runs.
        let most = |m: HashMap<&str, usize>| {
            m.into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                .map(|(k, _)| k.to_owned())
        };
        Estate {
            resources,
            by_arn,
            by_aws_id,
            account: most(accounts),
            region: most(regions),
            zones: BTreeMap::new(),
            regions: BTreeSet::new(),
            accounts: BTreeSet::new(),
            comps: Vec::new(),
            top: HashMap::new(),
            leaves: HashMap::new(),
        }
    }

    /// The resource of type `kind` with AWS id or name `id`.
    pub(super) fn find(&self, kind: &str, id: &str) -> Option<usize> {
        self.by_aws_id.get(&(kind, id)).copied()
    }

    fn arn(&self, r: usize) -> Option<Arn<'n>> {
        str_at(self.resources[r].values, "arn").and_then(Arn::parse)
    }

    /// The account of resource `r`: from its ARN, else the state's.
    pub(super) fn account_of(&self, r: usize) -> Option<String> {
        self.arn(r)
            .and_then(|a| a.account.map(str::to_owned))
            .or_else(|| self.account.clone())
    }

    /// The region of resource `r`: from its ARN, its `region` attribute, its
    /// zone, else the state's.
    pub(super) fn region_of(&self, r: usize) -> Option<String> {
        let values = self.resources[r].values;
        self.arn(r)
            .and_then(|a| a.region.map(str::to_owned))
            .or_else(|| str_at(values, "region").map(str::to_owned))
            .or_else(|| {
                str_at(values, "availability_zone")
                    .and_then(zone_region)
                    .map(str::to_owned)
            })
            .or_else(|| self.region.clone())
    }

    /// The domains of a part of resource `r` in availability zone `zone`:
    /// the zone (inside its region) and the account.
    pub(super) fn in_zone(&mut self, r: usize, zone: &str) -> Vec<String> {
        let region = zone_region(zone).map(str::to_owned).or_else(|| self.region_of(r));
        let mut domains = Vec::new();
        if let Some(region) = region {
            self.regions.insert(region.clone());
            self.zones.insert(zone.to_owned(), region);
            domains.push(zone.to_owned());
        }
        self.with_account(r, domains)
    }

    /// The domains of a resource (or part) that spans its region's zones.
    pub(super) fn in_region(&mut self, r: usize) -> Vec<String> {
        let mut domains = Vec::new();
        if let Some(region) = self.region_of(r) {
            self.regions.insert(region.clone());
            domains.push(region);
        }
        self.with_account(r, domains)
    }

    fn with_account(&mut self, r: usize, mut domains: Vec<String>) -> Vec<String> {
        if let Some(account) = self.account_of(r) {
            domains.push(account_domain(&account));
            self.accounts.insert(account);
        }
        domains
    }

    /// A component for resource `r` (or a part of it, `id` then being the
    /// resource's id with a `/PART` suffix).
    pub(super) fn comp(&self, r: usize, id: String, kind: &'static str, description: String) -> Comp {
        let res = &self.resources[r];
        Comp {
            id,
            kind,
            name: super::values::tag(res.values, "Name").map(|(n, _)| n.to_owned()),
            description,
            logical: false,
            any: false,
            depends_on: Vec::new(),
            domains: Vec::new(),
            entry: false,
            tier: None,
            owners: Vec::new(),
            at: res.at.clone(),
        }
    }

    /// Adds `comp`, the whole of resource `r` or a part of it.
    pub(super) fn add(&mut self, r: usize, comp: Comp, whole: bool, leaf: bool) -> usize {
        let i = self.comps.len();
        self.comps.push(comp);
        if whole {
            self.top.insert(r, i);
        }
        if leaf {
            self.leaves.entry(r).or_default().push(i);
        }
        i
    }

    /// A logical component for resource `r`, up while any of `members` is.
    pub(super) fn add_any(
        &mut self,
        r: usize,
        kind: &'static str,
        description: String,
        members: Vec<usize>,
        domains: Vec<String>,
    ) {
        let mut c = self.comp(r, self.resources[r].id.clone(), kind, description);
        c.logical = true;
        c.any = true;
        c.depends_on = members.iter().map(|&m| self.comps[m].id.clone()).collect();
        c.domains = domains;
        self.add(r, c, true, false);
    }

    /// Applies the `ops:*` tags: `ops:entry`, `ops:tier`, `ops:owner` to the
    /// component standing for each resource, `ops:depends_on` to its
    /// non-logical parts. A tag value ops cannot read is a problem; a
    /// dependency on what is not a component is a note.
    pub(super) fn apply_tags(&mut self, out: &mut Imported) {
        let by_id: HashMap<String, usize> = self.comps.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
        let resource_ids: HashMap<&str, &str> = self.resources.iter().map(|r| (r.id.as_str(), r.kind)).collect();
        let mut tops: Vec<(usize, usize)> = self.top.iter().map(|(&r, &c)| (r, c)).collect();
        tops.sort_unstable();
        for (r, c) in tops {
            let res = &self.resources[r];
            let values = res.values;
            if let Some((v, node)) = tag(values, "ops:entry") {
                match v {
                    "true" => self.comps[c].entry = true,
                    "false" => self.comps[c].entry = false,
                    _ => out.problem(
                        Place::from(&node.at),
                        format!(
                            "{}: tag ops:entry: expected \"true\" or \"false\", found '{v}'",
                            res.address
                        ),
                    ),
                }
            }
            if let Some((v, node)) = tag(values, "ops:tier") {
                match v.parse::<i64>() {
                    Ok(t @ 1..=4) => self.comps[c].tier = Some(t),
                    _ => out.problem(
                        Place::from(&node.at),
                        format!("{}: tag ops:tier: expected 1, 2, 3 or 4, found '{v}'", res.address),
                    ),
                }
            }
            let leaves = self.leaves.get(&r).cloned().unwrap_or_else(|| vec![c]);
            if let Some((v, _)) = tag(values, "ops:owner") {
                // The parts a resource stands on are owned with it.
                let owners: Vec<String> = split_list(v).map(str::to_owned).collect();
                for &i in leaves.iter().chain([&c]) {
                    self.comps[i].owners.clone_from(&owners);
                }
            }
            let Some((v, node)) = tag(values, "ops:depends_on") else {
                continue;
            };
            for address in split_list(v) {
                let id = ids::from_address(address);
                let Some(&target) = by_id.get(&id) else {
                    let why = match resource_ids.get(id.as_str()) {
                        Some(kind) => format!("a {kind}, which ops does not make a component"),
                        None => "not a resource of the given states".to_owned(),
                    };
                    out.note(
                        Place::from(&node.at),
                        format!("{}: tag ops:depends_on: '{address}' is {why}; ignored", res.address),
                    );
                    continue;
                };
                for &leaf in &leaves {
                    let target_id = self.comps[target].id.clone();
                    let own = leaf == target || self.comps[leaf].id == target_id;
                    if !own && !self.comps[leaf].depends_on.contains(&target_id) {
                        self.comps[leaf].depends_on.push(target_id);
                    }
                }
            }
        }
    }

    /// Writes the domains and components.
    pub(super) fn write(&self, out: &mut Imported) {
        let at = self
            .comps
            .first()
            .map_or_else(|| Location::new("<terraform>", 1, 1), |c| c.at.clone());
        for account in &self.accounts {
            out.push(
                Section::Domains,
                EntityBuilder::new(at.clone())
                    .str("id", account_domain(account))
                    .str("kind", "provider")
                    .str("name", format!("AWS account {account}"))
                    .build(),
            );
        }
        for region in &self.regions {
            out.push(
                Section::Domains,
                EntityBuilder::new(at.clone())
                    .str("id", region.clone())
                    .str("kind", "region")
                    .str("name", format!("AWS region {region}"))
                    .build(),
            );
        }
        for (zone, region) in &self.zones {
            out.push(
                Section::Domains,
                EntityBuilder::new(at.clone())
                    .str("id", zone.clone())
                    .str("kind", "zone")
                    .str("parent", region.clone())
                    .build(),
            );
        }
        for c in &self.comps {
            let mut b = EntityBuilder::new(c.at.clone())
                .str("id", c.id.clone())
                .opt_str("name", c.name.clone())
                .str("kind", c.kind)
                .str("description", c.description.clone());
            if c.entry {
                b = b.bool("entry", true);
            }
            if let Some(t) = c.tier {
                b = b.node("tier", Node::new(Value::Int(t), c.at.clone()));
            }
            if c.logical {
                b = b.bool("logical", true);
            }
            if c.any {
                b = b.str("requires", "any");
            }
            if !c.depends_on.is_empty() {
                b = b.strs("depends_on", c.depends_on.iter().cloned());
            }
            if !c.owners.is_empty() {
                b = b.strs("owners", c.owners.iter().cloned());
            }
            if !c.domains.is_empty() {
                b = b.strs("domains", c.domains.iter().cloned());
            }
            out.push(Section::Components, b.build());
        }
    }
}

/// The items of a tag value listing several: separated by commas or
/// whitespace (some AWS services refuse commas in tag values).
pub(super) fn split_list(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}
