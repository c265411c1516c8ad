//! What a picture of the dependency graph shows, at any estate size: the
//! components in scope (the whole estate, or one entry point's cone to a
//! depth), replicas and logical clusters folded into one node each, groups
//! (by system, namespace, zone or domain) collapsed into one node unless
//! something in them matters, and at most a budget of visible nodes. The
//! drawings (the report's SVG, `opsctl graph`'s DOT and Mermaid) all draw a
//! [`GraphView`].
//!
//! Building a view is linear in the estate plus one propagation per failure
//! path it highlights (at most [`MAX_HIGHLIGHTED_FAILURES`]).

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::graph::{EntryDomainSpofs, SpofReport};
use crate::inventory::FailureTarget;
use crate::{Component, DomainKind, FailureAnalysis, Idx, Inventory, Requirement};

/// Pictures show at most this many nodes unless told otherwise: about what
/// fits a screen at the default zoom and stays readable.
pub const DEFAULT_MAX_NODES: usize = 60;

/// A focused picture traces the failure paths of at most this many single
/// points of failure (components and domains) of its entry; each costs a
/// propagation through the estate.
pub const MAX_HIGHLIGHTED_FAILURES: usize = 48;

/// What components are grouped by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupBy {
    /// No grouping when the picture fits its budget as it is; otherwise by
    /// system where systems list components, else by namespace where ids
    /// have one (`NAMESPACE/...`), else by zone.
    #[default]
    Auto,
    /// No groups.
    None,
    /// The first system that lists the component (`systems[].components`).
    System,
    /// The id up to its first `/` (Kubernetes' `NAMESPACE/NAME`,
    /// `node/NAME`); ids without `/` are in no group.
    Namespace,
    /// The component's first domain of kind `zone`.
    Zone,
    /// The component's first domain, whatever its kind.
    Domain,
}

impl GroupBy {
    /// The name `--group-by` spells it with.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Auto => "auto",
            GroupBy::None => "none",
            GroupBy::System => "system",
            GroupBy::Namespace => "namespace",
            GroupBy::Zone => "zone",
            GroupBy::Domain => "domain",
        }
    }
}

/// What a view shows.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ViewOptions {
    /// Draw this entry point's cone (what it depends on), its single points
    /// of failure and their failure paths; `None`: the whole estate, the
    /// failure paths of `highlight` traced.
    pub entry: Option<Idx<Component>>,
    /// Without `entry`: whose failure paths to trace.
    pub highlight: Option<Idx<Component>>,
    /// With `entry`: how many dependency steps of its cone to show (its
    /// single points of failure and their paths are shown at any depth).
    pub depth: Option<usize>,
    /// How to group components.
    pub group_by: GroupBy,
    /// Groups to draw expanded even with nothing that matters in them.
    pub expand: Vec<String>,
    /// At most this many nodes ([`DEFAULT_MAX_NODES`]); what matters least
    /// is folded into "more" nodes first.
    pub max_nodes: usize,
    /// Fold replicas and logical clusters into one node each.
    pub fold_clusters: bool,
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions {
            entry: None,
            highlight: None,
            depth: None,
            group_by: GroupBy::Auto,
            expand: Vec::new(),
            max_nodes: DEFAULT_MAX_NODES,
            fold_clusters: true,
        }
    }
}

/// What a node of a view stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NodeKind {
    /// One component.
    Component,
    /// A component with its replicas or cluster members folded in.
    Cluster,
    /// A collapsed group.
    Group,
    /// Components of a group (or of no group) that were left out of the
    /// budget, or several collapsed groups.
    More,
}

/// One node of a view.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ViewNode {
    /// A stable id for the drawing: the component's id, `group:NAME`,
    /// `more:NAME` or `more:`.
    pub key: String,
    /// The first line: the component's id, or the group's name.
    pub label: String,
    /// The second line: `any of 3`, `×3 · at least 2`, `42 components`.
    pub detail: Option<String>,
    /// What it stands for.
    pub kind: NodeKind,
    /// The component it is (or the head of the cluster it is).
    pub component: Option<Idx<Component>>,
    /// How many components it stands for.
    pub components: usize,
    /// The expanded group it is drawn in, by index in [`GraphView::groups`].
    pub group: Option<usize>,
    /// A single point of failure of some entry point (of the entry, in a
    /// focused view) is, or is among, what it stands for.
    pub spof: bool,
    /// On a failure path of the traced entry.
    pub on_path: bool,
    /// An entry point.
    pub entry: bool,
    /// Logical (fails only through its dependencies).
    pub logical: bool,
    /// The focused or traced entry.
    pub selected: bool,
}

/// One edge of a view: the dependencies between what two nodes stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ViewEdge {
    /// The dependent node.
    pub from: usize,
    /// The node depended on.
    pub to: usize,
    /// How many dependencies it bundles.
    pub count: usize,
    /// One of them is on a failure path of the traced entry.
    pub on_path: bool,
}

/// A group of a view.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ViewGroup {
    /// Its name (a system id, a namespace, a domain id).
    pub name: String,
    /// Drawn as a box around its nodes; otherwise as one node.
    pub expanded: bool,
    /// How many components in scope it holds.
    pub components: usize,
}

/// A picture's content: nodes, bundled edges, groups; see the module
/// documentation.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GraphView {
    /// The nodes, in the order of the components they stand for.
    pub nodes: Vec<ViewNode>,
    /// The edges, sorted by (from, to).
    pub edges: Vec<ViewEdge>,
    /// The groups, expanded ones first, then by name.
    pub groups: Vec<ViewGroup>,
    /// How the components were grouped (never [`GroupBy::Auto`]).
    pub group_by: GroupBy,
    /// The focused entry.
    pub entry: Option<Idx<Component>>,
    /// The entry whose failure paths are traced.
    pub traced: Option<Idx<Component>>,
    /// Components in scope.
    pub scope: usize,
    /// Single points of failure (components and domains) of the traced
    /// entry whose paths were not traced ([`MAX_HIGHLIGHTED_FAILURES`]).
    pub untraced_failures: usize,
}

/// The analysis results every view of one estate shares: computed once for
/// a report that draws a picture per entry point.
#[derive(Debug)]
pub struct ViewContext<'a> {
    analysis: &'a FailureAnalysis<'a>,
    spofs: SpofReport,
    domain_spofs: Vec<EntryDomainSpofs>,
    /// Components that are a single point of failure of some entry.
    any_spof: Vec<bool>,
    /// For each component, the systems listing it (first one).
    system_of: Vec<Option<usize>>,
    /// Dependents of each component.
    dependents: Vec<u32>,
}

impl<'a> ViewContext<'a> {
    /// Computes the single points of failure (components and domains) of
    /// every entry point.
    pub fn new(analysis: &'a FailureAnalysis<'a>) -> ViewContext<'a> {
        let inv = analysis.inventory();
        let n = inv.components().len();
        let spofs = analysis.spofs();
        let domain_spofs = analysis.domain_spofs();
        let mut any_spof = vec![false; n];
        for e in spofs.entries() {
            for c in &e.spofs {
                any_spof[c.index()] = true;
            }
        }
        let mut system_of = vec![None; n];
        for (s, system) in inv.systems().iter().enumerate() {
            for c in &system.components {
                system_of[c.index()].get_or_insert(s);
            }
        }
        let mut dependents = vec![0u32; n];
        for c in inv.components() {
            for d in &c.depends_on {
                dependents[d.index()] = dependents[d.index()].saturating_add(1);
            }
        }
        ViewContext {
            analysis,
            spofs,
            domain_spofs,
            any_spof,
            system_of,
            dependents,
        }
    }

    /// The inventory.
    pub fn inventory(&self) -> &'a Inventory {
        self.analysis.inventory()
    }

    /// The single points of failure of every entry point.
    pub fn spofs(&self) -> &SpofReport {
        &self.spofs
    }

    /// The domains whose failure alone takes each entry point down.
    pub fn domain_spofs(&self) -> &[EntryDomainSpofs] {
        &self.domain_spofs
    }

    /// The view `options` ask for.
    pub fn view(&self, options: &ViewOptions) -> GraphView {
        Builder::new(self, options).build()
    }

    /// The single points of failure (components) of `entry`.
    fn spofs_of(&self, entry: Idx<Component>) -> &[Idx<Component>] {
        self.spofs
            .entries()
            .iter()
            .find(|e| e.entry == entry)
            .map_or(&[], |e| e.spofs.as_slice())
    }
}

/// Failure paths of `traced`: the components on them, the dependency edges
/// on them, and how many failures were not traced.
fn failure_paths(ctx: &ViewContext<'_>, traced: Idx<Component>) -> (BTreeSet<usize>, BTreeSet<(usize, usize)>, usize) {
    let inv = ctx.inventory();
    let mut failures: Vec<FailureTarget> = ctx
        .spofs_of(traced)
        .iter()
        .map(|&c| FailureTarget::Component(c))
        .collect();
    if let Some(d) = ctx.domain_spofs.iter().find(|d| d.entry == traced) {
        failures.extend(d.domains.iter().map(|&d| FailureTarget::Domain(d)));
    }
    let untraced = failures.len().saturating_sub(MAX_HIGHLIGHTED_FAILURES);
    failures.truncate(MAX_HIGHLIGHTED_FAILURES);
    let mut on_path = BTreeSet::from([traced.index()]);
    let mut edges = BTreeSet::new();
    for failure in failures {
        let outage = ctx.analysis.simulate(&[failure]);
        if !outage.is_down(traced) {
            continue;
        }
        let mut seen = BTreeSet::from([traced.index()]);
        let mut stack = vec![traced];
        while let Some(c) = stack.pop() {
            for &d in &inv.component(c).depends_on {
                if outage.is_down(d) {
                    edges.insert((c.index(), d.index()));
                    if seen.insert(d.index()) {
                        stack.push(d);
                    }
                }
            }
        }
        on_path.extend(seen);
    }
    (on_path, edges, untraced)
}

/// How much a component matters to a picture, most first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Weight {
    Selected,
    PathSpof,
    OnPath,
    Spof,
    Entry,
    Plain,
}

struct Builder<'c, 'a> {
    ctx: &'c ViewContext<'a>,
    options: &'c ViewOptions,
    inv: &'a Inventory,
}

/// A unit: what one node stands for before grouping.
struct Unit {
    head: usize,
    members: usize,
    weight: Weight,
    spof: bool,
    on_path: bool,
    group: Option<String>,
}

impl<'c, 'a> Builder<'c, 'a> {
    fn new(ctx: &'c ViewContext<'a>, options: &'c ViewOptions) -> Self {
        Builder {
            ctx,
            options,
            inv: ctx.inventory(),
        }
    }

    /// Components in scope: the focused entry's cone to the depth, or all.
    fn scope(&self, extra: &BTreeSet<usize>) -> Vec<bool> {
        let n = self.inv.components().len();
        let Some(entry) = self.options.entry else {
            return vec![true; n];
        };
        let mut in_scope = vec![false; n];
        in_scope[entry.index()] = true;
        let mut queue = VecDeque::from([(entry, 0usize)]);
        while let Some((c, depth)) = queue.pop_front() {
            if self.options.depth.is_some_and(|d| depth >= d) {
                continue;
            }
            for &d in &self.inv.component(c).depends_on {
                if !in_scope[d.index()] {
                    in_scope[d.index()] = true;
                    queue.push_back((d, depth + 1));
                }
            }
        }
        for &c in extra {
            in_scope[c] = true;
        }
        in_scope
    }

    fn build(self) -> GraphView {
        let inv = self.inv;
        let n = inv.components().len();
        let traced = self.options.entry.or(self.options.highlight);
        let (on_path, path_edges, untraced) = match traced {
            Some(t) => failure_paths(self.ctx, t),
            None => Default::default(),
        };
        let spof: Vec<bool> = match self.options.entry {
            Some(e) => {
                let mut v = vec![false; n];
                for c in self.ctx.spofs_of(e) {
                    v[c.index()] = true;
                }
                v
            }
            None => self.ctx.any_spof.clone(),
        };
        let mut extra = on_path.clone();
        extra.extend((0..n).filter(|&c| spof[c]));
        let in_scope = self.scope(&extra);
        let scope = in_scope.iter().filter(|&&s| s).count();

        // Fold instances into the component they replicate, and the plain
        // members of a logical cluster that nothing else uses into it.
        let components = inv.components();
        let mut unit_of: Vec<usize> = (0..n).collect();
        if self.options.fold_clusters {
            for (i, c) in components.iter().enumerate() {
                if !in_scope[i] {
                    continue;
                }
                if let Some(instance) = &c.instance {
                    if in_scope[instance.of.index()] {
                        unit_of[i] = instance.of.index();
                    }
                    continue;
                }
                if !c.logical || c.requires == Requirement::All {
                    continue;
                }
                for &m in &c.depends_on {
                    let member = inv.component(m);
                    let folds = in_scope[m.index()]
                        && self.ctx.dependents[m.index()] == 1
                        && !member.entry
                        && !member.logical
                        && member.instance.is_none()
                        && m.index() != i;
                    if folds {
                        unit_of[m.index()] = i;
                    }
                }
            }
        }
        let weight = |c: usize| {
            if traced.is_some_and(|t| t.index() == c) {
                Weight::Selected
            } else if spof[c] && on_path.contains(&c) {
                Weight::PathSpof
            } else if on_path.contains(&c) {
                Weight::OnPath
            } else if spof[c] {
                Weight::Spof
            } else if components[c].entry {
                Weight::Entry
            } else {
                Weight::Plain
            }
        };
        let mut unit_index: Vec<Option<usize>> = vec![None; n];
        let mut units: Vec<Unit> = Vec::new();
        for c in 0..n {
            if !in_scope[c] {
                continue;
            }
            let head = unit_of[c];
            let u = match unit_index[head] {
                Some(u) => u,
                None => {
                    units.push(Unit {
                        head,
                        members: 0,
                        weight: Weight::Plain,
                        spof: false,
                        on_path: false,
                        group: None,
                    });
                    unit_index[head] = Some(units.len() - 1);
                    units.len() - 1
                }
            };
            unit_index[c] = Some(u);
            let unit = &mut units[u];
            unit.members += 1;
            unit.weight = unit.weight.min(weight(c));
            unit.spof |= spof[c];
            unit.on_path |= on_path.contains(&c);
        }

        // Groups: expanded when something on a failure path (or a single
        // point of failure, or the traced entry) is in them, or when asked.
        let group_by = match self.options.group_by {
            GroupBy::Auto if units.len() <= self.options.max_nodes => GroupBy::None,
            GroupBy::Auto if self.ctx.system_of.iter().any(Option::is_some) => GroupBy::System,
            GroupBy::Auto if units.iter().any(|u| components[u.head].id.contains('/')) => GroupBy::Namespace,
            GroupBy::Auto => GroupBy::Zone,
            other => other,
        };
        for unit in &mut units {
            unit.group = self.group_of(group_by, unit.head);
        }
        let mut group_members: HashMap<&str, (usize, Weight)> = HashMap::new();
        for unit in &units {
            if let Some(g) = &unit.group {
                let e = group_members.entry(g.as_str()).or_insert((0, Weight::Plain));
                e.0 += unit.members;
                e.1 = e.1.min(unit.weight);
            }
        }
        let mut groups: Vec<ViewGroup> = group_members
            .iter()
            .map(|(name, &(components, w))| ViewGroup {
                name: (*name).to_owned(),
                expanded: w < Weight::Entry || self.options.expand.iter().any(|e| e == name),
                components,
            })
            .collect();
        groups.sort_by(|a, b| b.expanded.cmp(&a.expanded).then_with(|| a.name.cmp(&b.name)));
        let group_index: HashMap<String, usize> = groups.iter().enumerate().map(|(i, g)| (g.name.clone(), i)).collect();
        let group_of_unit: Vec<Option<usize>> =
            units.iter().map(|u| u.group.as_ref().map(|g| group_index[g])).collect();

        // The budget: the units that matter most are drawn, then as many
        // collapsed groups as fit, largest first; the rest is one "more"
        // node.
        let budget = self.options.max_nodes.max(2);
        let candidates: Vec<usize> = (0..units.len())
            .filter(|&u| group_of_unit[u].is_none_or(|g| groups[g].expanded))
            .collect();
        let mut collapsed_order: Vec<usize> = (0..groups.len()).filter(|&g| !groups[g].expanded).collect();
        collapsed_order.sort_by(|&a, &b| groups[b].components.cmp(&groups[a].components).then(a.cmp(&b)));
        let mut drawn = vec![false; units.len()];
        let mut shown_groups = vec![false; groups.len()];
        if candidates.len() + collapsed_order.len() <= budget {
            for &u in &candidates {
                drawn[u] = true;
            }
            for &g in &collapsed_order {
                shown_groups[g] = true;
            }
        } else {
            // One slot for the "more" node; collapsed groups get at most a
            // third of the rest.
            let room = budget - 1;
            let for_groups = collapsed_order.len().min(room / 3);
            let mut ranked = candidates;
            ranked.sort_by_key(|&u| (units[u].weight, u));
            let for_units = ranked.len().min(room - for_groups);
            for &u in &ranked[..for_units] {
                drawn[u] = true;
            }
            for &g in collapsed_order.iter().take(room - for_units) {
                shown_groups[g] = true;
            }
        }
        // A group whose units all went into "more" is not drawn as a box.
        let mut has_drawn = vec![false; groups.len()];
        for u in 0..units.len() {
            if let (true, Some(g)) = (drawn[u], group_of_unit[u]) {
                has_drawn[g] = true;
            }
        }
        for (g, group) in groups.iter_mut().enumerate() {
            group.expanded &= has_drawn[g];
        }

        // Nodes, in the order of the components they stand for.
        let mut nodes: Vec<ViewNode> = Vec::new();
        let mut node_of_unit: Vec<usize> = vec![usize::MAX; units.len()];
        let mut group_node: HashMap<usize, usize> = HashMap::new();
        let mut more: Option<usize> = None;
        let mut order: Vec<usize> = (0..units.len()).collect();
        order.sort_by_key(|&u| units[u].head);
        for u in order {
            let unit = &units[u];
            let g = group_of_unit[u];
            let node = if drawn[u] {
                nodes.push(self.unit_node(unit, g.filter(|&g| groups[g].expanded), traced, &on_path));
                nodes.len() - 1
            } else if let Some(g) = g.filter(|&g| shown_groups[g] && !groups[g].expanded) {
                *group_node.entry(g).or_insert_with(|| {
                    let group = &groups[g];
                    nodes.push(collapsed_node(
                        format!("group:{}", group.name),
                        group.name.clone(),
                        NodeKind::Group,
                        group.components,
                    ));
                    nodes.len() - 1
                })
            } else {
                *more.get_or_insert_with(|| {
                    nodes.push(collapsed_node("more:".to_owned(), "more".to_owned(), NodeKind::More, 0));
                    nodes.len() - 1
                })
            };
            node_of_unit[u] = node;
            let v = &mut nodes[node];
            if v.kind == NodeKind::More {
                v.components += unit.members;
                v.spof |= unit.spof;
            }
        }
        if let Some(m) = more {
            let v = &mut nodes[m];
            v.detail = Some(count(v.components, "component", "components"));
        }

        // Edges, bundled.
        let mut bundled: HashMap<(usize, usize), (usize, bool)> = HashMap::new();
        for (c, component) in components.iter().enumerate() {
            let Some(uc) = unit_index[c] else { continue };
            for &d in &component.depends_on {
                let Some(ud) = unit_index[d.index()] else { continue };
                let (a, b) = (node_of_unit[uc], node_of_unit[ud]);
                if a == b {
                    continue;
                }
                let e = bundled.entry((a, b)).or_insert((0, false));
                e.0 += 1;
                e.1 |= path_edges.contains(&(c, d.index()));
            }
        }
        let mut edges: Vec<ViewEdge> = bundled
            .into_iter()
            .map(|((from, to), (count, on_path))| ViewEdge {
                from,
                to,
                count,
                on_path,
            })
            .collect();
        edges.sort_by_key(|e| (e.from, e.to));
        GraphView {
            nodes,
            edges,
            groups,
            group_by,
            entry: self.options.entry,
            traced,
            scope,
            untraced_failures: untraced,
        }
    }

    fn unit_node(
        &self,
        unit: &Unit,
        group: Option<usize>,
        traced: Option<Idx<Component>>,
        on_path: &BTreeSet<usize>,
    ) -> ViewNode {
        let c = &self.inv.components()[unit.head];
        let rule = rule_label(c);
        let (kind, detail) = if unit.members > 1 {
            let folded = if c.logical { unit.members - 1 } else { unit.members };
            let times = format!("×{folded}");
            (
                NodeKind::Cluster,
                Some(match rule {
                    Some(r) => format!("{times} · {r}"),
                    None => times,
                }),
            )
        } else {
            (NodeKind::Component, rule)
        };
        ViewNode {
            key: c.id.clone(),
            label: c.id.clone(),
            detail,
            kind,
            component: Some(Idx::new(unit.head)),
            components: unit.members,
            group,
            spof: unit.spof,
            on_path: unit.on_path || on_path.contains(&unit.head),
            entry: c.entry,
            logical: c.logical,
            selected: traced.is_some_and(|t| t.index() == unit.head),
        }
    }

    fn group_of(&self, by: GroupBy, c: usize) -> Option<String> {
        let inv = self.inv;
        let component = &inv.components()[c];
        match by {
            GroupBy::Auto | GroupBy::None => None,
            GroupBy::System => self.ctx.system_of[c].map(|s| inv.systems()[s].id.clone()),
            GroupBy::Namespace => component.id.split_once('/').map(|(ns, _)| ns.to_owned()),
            GroupBy::Zone => component
                .domains
                .iter()
                .find(|&&d| inv.domain(d).kind == DomainKind::Zone)
                .map(|&d| inv.domain(d).id.clone()),
            GroupBy::Domain => component.domains.first().map(|&d| inv.domain(d).id.clone()),
        }
    }
}

/// A node standing for several components: a collapsed group, or "more".
fn collapsed_node(key: String, label: String, kind: NodeKind, components: usize) -> ViewNode {
    ViewNode {
        key,
        label,
        detail: Some(count(components, "component", "components")),
        kind,
        component: None,
        components,
        group: None,
        spof: false,
        on_path: false,
        entry: false,
        logical: false,
        selected: false,
    }
}

/// A short description of a redundancy rule, for a node's second line.
pub(crate) fn rule_label(c: &Component) -> Option<String> {
    let n = c.depends_on.len();
    match c.requires {
        _ if n < 2 => None,
        Requirement::All => None,
        Requirement::Any => Some(format!("any of {n}")),
        Requirement::AtLeast(k) => Some(format!("at least {k} of {n}")),
    }
}

/// `n` and the noun for it: `1 component`, `3 components`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
