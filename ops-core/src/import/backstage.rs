//! Backstage catalogs (`catalog-info.yaml`) as inventory entities.
//!
//! Components and Resources become components, Users people, Groups groups;
//! Systems and Domains become tags of the components in them. Dependencies
//! come from `spec.dependsOn` and `spec.dependencyOf`, owners from
//! `spec.owner`, kinds (and so statefulness) from `spec.type`. What Backstage
//! has no words for (entry points, tiers, redundancy rules, failure domains)
//! comes from `ops.dev/*` annotations, documented in `docs/backstage.md`;
//! without them, entry points are inferred from `spec.type` and dependencies
//! from `consumesApis` and `subcomponentOf` ([`BackstageInference`]).
//!
//! Catalogs are read as Backstage reads them: fields ops does not read and
//! references to entities not in the files are notes, not problems.
//!
//! The entities are built as located document trees, so a problem found
//! later by inventory validation (an unknown failure domain, an impossible
//! `at_least`) points at the catalog file, line and column that caused it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::{Files, Imported, Importer, ImporterInfo, Input, Section, problem};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::listing;
use crate::source::de::{Sink, Spanned, entity};
use crate::source::node::{Node, Value};
use crate::suggest::did_you_mean;
use crate::{Format, LoadLimits, Location};

/// The `apiVersion`s of the built-in kinds this reader understands.
const API_VERSIONS: &[&str] = &["backstage.io/v1alpha1", "backstage.io/v1beta1"];

/// The prefix of the annotations ops reads.
const PREFIX: &str = "ops.dev/";

/// The `ops.dev/` annotations, without the prefix.
const ANNOTATIONS: &[&str] = &[
    "id",
    "entry",
    "tier",
    "requires",
    "domains",
    "kind",
    "stateful",
    "availability",
    "slo",
    "logical",
    "replicas",
];

/// The entity kinds ops imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    Component,
    Resource,
    System,
    Domain,
    Group,
    User,
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        Some(match name.to_ascii_lowercase().as_str() {
            "component" => Kind::Component,
            "resource" => Kind::Resource,
            "system" => Kind::System,
            "domain" => Kind::Domain,
            "group" => Kind::Group,
            "user" => Kind::User,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Component => "Component",
            Kind::Resource => "Resource",
            Kind::System => "System",
            Kind::Domain => "Domain",
            Kind::Group => "Group",
            Kind::User => "User",
        }
    }

    fn lower(self) -> &'static str {
        match self {
            Kind::Component => "component",
            Kind::Resource => "resource",
            Kind::System => "system",
            Kind::Domain => "domain",
            Kind::Group => "group",
            Kind::User => "user",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The fields of `metadata` ops knows (it reads some, accepts the rest).
const METADATA_FIELDS: &[&str] = &[
    "name",
    "namespace",
    "title",
    "description",
    "labels",
    "annotations",
    "tags",
    "links",
    "uid",
    "etag",
];

/// The fields of a User's or Group's `spec.profile` ops knows.
const PROFILE_FIELDS: &[&str] = &["displayName", "email", "picture"];

/// The fields of `spec` ops knows, by kind: those of the `*Spec` structs.
fn spec_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Component => &[
            "type",
            "lifecycle",
            "owner",
            "system",
            "subcomponentOf",
            "providesApis",
            "consumesApis",
            "dependsOn",
            "dependencyOf",
        ],
        Kind::Resource => &["type", "owner", "system", "dependsOn", "dependencyOf"],
        Kind::System => &["owner", "domain", "type"],
        Kind::Domain => &["owner", "subdomainOf", "type"],
        Kind::Group => &["type", "profile", "parent", "children", "members"],
        Kind::User => &["profile", "memberOf"],
    }
}

/// Fields ops does not read, by path (`spec.ancestors`): Backstage loads
/// them (plugins add their own), so they are ignored, with one note per
/// path however many entities have them.
#[derive(Default)]
struct Ignored(BTreeMap<String, IgnoredField>);

struct IgnoredField {
    first: Location,
    count: usize,
    kinds: Vec<Kind>,
    hint: Option<String>,
}

impl Ignored {
    /// Records the keys of mapping `node` (at `path`, `""` for the entity
    /// itself) that are not among `known`.
    fn record(&mut self, node: &Node, path: &str, known: &[&str], kind: Kind) {
        let Value::Map(entries) = &node.value else {
            return;
        };
        for (k, _) in entries {
            let Value::Str(name) = &k.value else { continue };
            if known.contains(&name.as_str()) {
                continue;
            }
            let full = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            let field = self.0.entry(full).or_insert_with(|| IgnoredField {
                first: k.at.clone(),
                count: 0,
                kinds: Vec::new(),
                hint: did_you_mean(name, known.iter().copied()).map(str::to_owned),
            });
            field.count += 1;
            if !field.kinds.contains(&kind) {
                field.kinds.push(kind);
            }
        }
    }

    /// `node` without the keys ops does not read (noted by [`Ignored::record`]).
    fn known(node: &Node, known: &[&str]) -> Node {
        match &node.value {
            Value::Map(entries) => Node::new(
                Value::Map(
                    entries
                        .iter()
                        .filter(|(k, _)| matches!(&k.value, Value::Str(s) if known.contains(&s.as_str())))
                        .cloned()
                        .collect(),
                ),
                node.at.clone(),
            ),
            _ => node.clone(),
        }
    }

    /// One note per field, at its first occurrence.
    fn notes(self) -> impl Iterator<Item = Diagnostic> {
        self.0.into_iter().map(|(path, f)| {
            let hint = f.hint.map(|h| format!(" (did you mean '{h}'?)")).unwrap_or_default();
            let on = match (f.kinds.as_slice(), f.count) {
                ([kind], 1) => format!("1 {kind}"),
                ([kind], n) => format!("{n} {kind}s"),
                (kinds, n) => {
                    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
                    format!("{n} entities ({})", names.join(", "))
                }
            };
            Diagnostic::at(
                &f.first,
                format!("{path}: not a field ops reads{hint}; ignored on {on}"),
            )
        })
    }
}

/// `metadata`, as Backstage defines it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Metadata {
    name: Spanned<String>,
    namespace: Option<Spanned<String>>,
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    /// Read from the node by [`annotations`], which explains each bad value.
    #[serde(skip)]
    annotations: BTreeMap<String, Spanned<String>>,
    #[serde(rename = "annotations")]
    #[allow(dead_code)]
    annotations_node: Option<IgnoredAny>,
    #[serde(default)]
    tags: Vec<String>,
    #[allow(dead_code)]
    links: Option<IgnoredAny>,
    #[allow(dead_code)]
    uid: Option<IgnoredAny>,
    #[allow(dead_code)]
    etag: Option<IgnoredAny>,
}

type Ref = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ComponentSpec {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    /// Required by Backstage, so required here; ops has no use for it.
    #[allow(dead_code)]
    lifecycle: Spanned<String>,
    /// Backstage requires one; ops reports a component without as unowned.
    owner: Option<Ref>,
    system: Option<Ref>,
    subcomponent_of: Option<Ref>,
    #[serde(default)]
    provides_apis: Vec<Ref>,
    #[serde(default)]
    consumes_apis: Vec<Ref>,
    #[serde(default)]
    depends_on: Vec<Ref>,
    #[serde(default)]
    dependency_of: Vec<Ref>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ResourceSpec {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    owner: Option<Ref>,
    system: Option<Ref>,
    #[serde(default)]
    depends_on: Vec<Ref>,
    #[serde(default)]
    dependency_of: Vec<Ref>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SystemSpec {
    owner: Ref,
    domain: Option<Ref>,
    #[serde(rename = "type")]
    #[allow(dead_code)]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DomainSpec {
    owner: Ref,
    subdomain_of: Option<Ref>,
    #[serde(rename = "type")]
    #[allow(dead_code)]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Profile {
    display_name: Option<String>,
    email: Option<String>,
    #[allow(dead_code)]
    picture: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct GroupSpec {
    #[serde(rename = "type")]
    #[allow(dead_code)]
    kind: String,
    profile: Option<Profile>,
    parent: Option<Ref>,
    #[serde(default)]
    children: Vec<Ref>,
    #[serde(default)]
    members: Vec<Ref>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct UserSpec {
    profile: Option<Profile>,
    #[serde(default)]
    member_of: Vec<Ref>,
}

#[derive(Debug)]
enum Spec {
    Component(ComponentSpec),
    Resource(ResourceSpec),
    System(SystemSpec),
    Domain(DomainSpec),
    Group(GroupSpec),
    User(UserSpec),
}

/// One entity of a kind ops imports, read and checked.
#[derive(Debug)]
struct Entity {
    kind: Kind,
    namespace: String,
    name: String,
    /// The mapping of the whole entity.
    at: Location,
    /// The inventory id, and where it comes from (the name, or `ops.dev/id`).
    id: String,
    id_at: Location,
    metadata: Metadata,
    spec: Spec,
}

impl Entity {
    fn reference(&self) -> String {
        format!("{}:{}/{}", self.kind.lower(), self.namespace, self.name)
    }
}

/// Lookup key of an entity reference: Backstage compares them ignoring case.
type Key = (Kind, String, String);

fn key(kind: Kind, namespace: &str, name: &str) -> Key {
    (kind, namespace.to_ascii_lowercase(), name.to_ascii_lowercase())
}

/// Reads the documents of catalog files (as parsed, several per file) and
/// adds their components, people and groups to `out`. Problems go to
/// `sink`, notes (kinds ops skips) to `notes`; entities with problems are
/// left out (their ids go to `out.unreadable`), and the rest is still converted.
fn convert(docs: &[Node], infer: &BackstageInference, sink: &Sink, notes: &mut Vec<Diagnostic>, out: &mut Imported) {
    let mut entities: Vec<Entity> = Vec::new();
    let mut broken = Vec::new();
    let mut ignored = Ignored::default();
    for doc in docs {
        match read_entity(doc, sink, notes, &mut ignored) {
            Ok(e) => entities.push(e),
            Err(Some(b)) => broken.push(b),
            Err(None) => {}
        }
    }
    let mut catalog = Catalog::new(entities, sink);
    catalog.infer = infer.clone();
    out.unreadable.extend(broken.iter().map(|b| b.3.clone()));
    catalog.broken = broken
        .into_iter()
        .map(|(k, ns, name, id)| (key(k, &ns, &name), id))
        .collect();
    catalog.document(sink, out);
    notes.extend(ignored.notes());
    // In the order of the files, whichever pass found them.
    let mut ignored_refs = catalog.notes.take();
    ignored_refs.sort_by(|a, b| a.location.cmp(&b.location));
    notes.extend(ignored_refs);
}

/// An entity that could not be read: kind, namespace, name and inventory id.
type Broken = (Kind, String, String, String);

/// The string at `path` under `node`, if there is one.
fn peek<'n>(node: &'n Node, path: &[&str]) -> Option<&'n str> {
    let mut n = node;
    for p in path {
        n = n.get(p)?;
    }
    match &n.value {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn str_node(text: impl Into<String>, at: &Location) -> Node {
    Node::new(Value::Str(text.into()), at.clone())
}

fn map_node(entries: Vec<(&str, Node)>, at: &Location) -> Node {
    Node::new(
        Value::Map(entries.into_iter().map(|(k, v)| (str_node(k, &v.at), v)).collect()),
        at.clone(),
    )
}

/// Reads one document into an entity. `Err` when it is empty, of a kind ops
/// does not import (noted), or broken (reported; with what it would have
/// been called, if that is known).
fn read_entity(
    doc: &Node,
    sink: &Sink,
    notes: &mut Vec<Diagnostic>,
    ignored: &mut Ignored,
) -> Result<Entity, Option<Broken>> {
    match &doc.value {
        Value::Null => return Err(None),
        Value::Map(_) => {}
        other => {
            sink.push(Diagnostic::at(
                &doc.at,
                format!(
                    "expected a Backstage entity (a mapping with apiVersion, kind, metadata and spec), found {}",
                    other.kind_name()
                ),
            ));
            return Err(None);
        }
    };
    let text = |field: &str| -> Option<(&str, &Location)> {
        match doc.get(field) {
            Some(Node {
                value: Value::Str(s),
                at,
            }) => Some((s.as_str(), at)),
            Some(other) => {
                sink.push(Diagnostic::at(
                    &other.at,
                    format!("{field}: expected a string, found {}", other.value.kind_name()),
                ));
                None
            }
            None => {
                sink.push(Diagnostic::at(
                    &doc.at,
                    format!("missing required field '{field}' (is this a Backstage catalog file?)"),
                ));
                None
            }
        }
    };
    let (kind_name, kind_at) = text("kind").ok_or(None)?;
    let Some(kind) = Kind::parse(kind_name) else {
        let name = peek(doc, &["metadata", "name"]).unwrap_or("?");
        notes.push(Diagnostic::at(
            kind_at,
            format!(
                "skipped {kind_name} '{name}': ops imports only Component, Resource, System, Domain, Group and User"
            ),
        ));
        return Err(None);
    };
    const FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "relations", "status"];
    ignored.record(doc, "", FIELDS, kind);
    if let Some(m) = doc.get("metadata") {
        ignored.record(m, "metadata", METADATA_FIELDS, kind);
    }
    if let Some(spec) = doc.get("spec") {
        ignored.record(spec, "spec", spec_fields(kind), kind);
        if let Some(profile) = spec.get("profile")
            && matches!(kind, Kind::User | Kind::Group)
        {
            ignored.record(profile, "spec.profile", PROFILE_FIELDS, kind);
        }
    }
    let api_version = text("apiVersion");
    // What this entity would have been called, for when it cannot be read.
    let broken = || {
        let name = peek(doc, &["metadata", "name"])?;
        let ns = peek(doc, &["metadata", "namespace"]).unwrap_or("default");
        let id = match peek(doc, &["metadata", "annotations", "ops.dev/id"]) {
            Some(id) => id.to_owned(),
            None if ns == "default" => name.to_owned(),
            None => format!("{ns}/{name}"),
        };
        Some((kind, ns.to_owned(), name.to_owned(), id))
    };
    let (api_version, api_at) = api_version.ok_or_else(broken)?;
    if !API_VERSIONS.contains(&api_version) {
        sink.push(Diagnostic::at(
            api_at,
            format!(
                "unsupported apiVersion '{api_version}' for kind {kind}; expected {}",
                API_VERSIONS.join(" or ")
            ),
        ));
        return Err(broken());
    }
    let Some(metadata_node) = doc.get("metadata") else {
        sink.push(Diagnostic::at(&doc.at, "missing required field 'metadata'"));
        return Err(None);
    };
    let metadata = entity::<Metadata>(&Ignored::known(metadata_node, METADATA_FIELDS), sink).map(|mut m| {
        m.annotations = annotations(metadata_node, sink);
        m
    });
    let spec = match doc.get("spec") {
        None => {
            sink.push(Diagnostic::at(
                &doc.at,
                format!("missing required field 'spec' (a {kind} needs one)"),
            ));
            None
        }
        Some(node) => {
            let node = &spec_node(node, kind);
            match kind {
                Kind::Component => entity(node, sink).map(Spec::Component),
                Kind::Resource => entity(node, sink).map(Spec::Resource),
                Kind::System => entity(node, sink).map(Spec::System),
                Kind::Domain => entity(node, sink).map(Spec::Domain),
                Kind::Group => entity(node, sink).map(Spec::Group),
                Kind::User => entity(node, sink).map(Spec::User),
            }
        }
    };
    let (Some(metadata), Some(spec)) = (metadata, spec) else {
        return Err(broken());
    };
    let namespace = metadata
        .namespace
        .as_ref()
        .map_or_else(|| "default".to_owned(), |n| n.value.clone());
    let name = metadata.name.value.clone();
    let mut ok = check_name(&metadata.name, "metadata.name", sink);
    if let Some(ns) = &metadata.namespace {
        ok &= check_name(ns, "metadata.namespace", sink);
    }
    // Annotation problems are reported, and the annotation ignored: the
    // entity itself is still read, so its other problems are found too.
    check_annotations(&metadata, kind, sink);
    if !ok {
        return Err(broken());
    }
    let (id, id_at) = match metadata.annotations.get("ops.dev/id") {
        Some(v) => (v.value.clone(), v.at.clone()),
        None if namespace == "default" => (name.clone(), metadata.name.at.clone()),
        None => (format!("{namespace}/{name}"), metadata.name.at.clone()),
    };
    Ok(Entity {
        kind,
        namespace,
        name,
        at: doc.at.clone(),
        id,
        id_at,
        metadata,
        spec,
    })
}

/// `spec` without the fields ops does not read, also in `spec.profile`.
fn spec_node(spec: &Node, kind: Kind) -> Node {
    let mut node = Ignored::known(spec, spec_fields(kind));
    if let Value::Map(entries) = &mut node.value {
        for (k, v) in entries.iter_mut() {
            if matches!(&k.value, Value::Str(s) if s == "profile") {
                *v = Ignored::known(v, PROFILE_FIELDS);
            }
        }
    }
    node
}

/// `metadata.annotations`: strings by Backstage's rules. Other values are
/// reported one by one (a number or boolean with the advice to quote it) and
/// left out.
fn annotations(metadata: &Node, sink: &Sink) -> BTreeMap<String, Spanned<String>> {
    let mut out = BTreeMap::new();
    let Some(node) = metadata.get("annotations") else {
        return out;
    };
    let entries = match &node.value {
        Value::Map(entries) => entries,
        Value::Null => return out,
        other => {
            sink.push(Diagnostic::at(
                &node.at,
                format!("annotations: expected a mapping, found {}", other.kind_name()),
            ));
            return out;
        }
    };
    for (k, v) in entries {
        let Value::Str(name) = &k.value else { continue };
        match &v.value {
            Value::Str(text) => {
                out.insert(
                    name.clone(),
                    Spanned {
                        value: text.clone(),
                        at: v.at.clone(),
                    },
                );
            }
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                let written = match &v.value {
                    Value::Int(i) => i.to_string(),
                    Value::Float(f) => f.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => String::new(),
                };
                sink.push(Diagnostic::at(
                    &v.at,
                    format!(
                        "annotations.{name}: annotation values are strings in Backstage; quote it: {name}: \"{written}\""
                    ),
                ));
            }
            other => sink.push(Diagnostic::at(
                &v.at,
                format!("annotations.{name}: expected a string, found {}", other.kind_name()),
            )),
        }
    }
    out
}

/// Backstage's rule for names and namespaces: 1 to 63 characters,
/// `[a-zA-Z0-9]` separated by single `-`, `_` or `.`.
fn check_name(value: &Spanned<String>, field: &str, sink: &Sink) -> bool {
    let s = value.value.as_str();
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s
            .as_bytes()
            .windows(2)
            .any(|w| matches!(w[0], b'-' | b'_' | b'.') && matches!(w[1], b'-' | b'_' | b'.'));
    if !ok {
        sink.push(Diagnostic::at(
            &value.at,
            format!(
                "{field}: '{s}' is not a valid Backstage name: expected 1 to 63 letters and digits, \
                 separated by single '-', '_' or '.'"
            ),
        ));
    }
    ok
}

/// Unknown `ops.dev/` annotations are errors (a typo would silently lose a
/// redundancy rule); so are annotations on kinds they do not apply to.
fn check_annotations(metadata: &Metadata, kind: Kind, sink: &Sink) {
    for (name, value) in &metadata.annotations {
        let Some(short) = name.strip_prefix(PREFIX) else {
            continue;
        };
        if !ANNOTATIONS.contains(&short) {
            let message = match did_you_mean(short, ANNOTATIONS.iter().copied()) {
                Some(s) => format!("unknown annotation '{name}' (did you mean '{PREFIX}{s}'?)"),
                None => format!(
                    "unknown annotation '{name}'; expected one of: {}",
                    ANNOTATIONS
                        .iter()
                        .map(|a| format!("{PREFIX}{a}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            sink.push(Diagnostic::at(&value.at, message));
        } else if short != "id" && !matches!(kind, Kind::Component | Kind::Resource) {
            sink.push(Diagnostic::at(
                &value.at,
                format!("annotation '{name}' applies only to Components and Resources, not to a {kind}"),
            ));
        } else if short == "id" && matches!(kind, Kind::System | Kind::Domain) {
            sink.push(Diagnostic::at(
                &value.at,
                format!("annotation '{name}' does not apply to a {kind}: ops makes no entity of it"),
            ));
        }
    }
}

/// The native component kind for a Backstage `spec.type`: well-known
/// spellings of databases, queues, caches and stores map to ops kinds, so
/// their statefulness follows; other Components are services, other
/// Resources `other`.
fn kind_for_type(kind: Kind, spec_type: &str) -> &'static str {
    let t = spec_type.to_ascii_lowercase().replace('_', "-");
    match t.as_str() {
        "database" | "db" | "postgres" | "postgresql" | "mysql" | "mariadb" | "mongodb" | "dynamodb" | "rds"
        | "aurora" | "cassandra" | "sql-database" | "elasticsearch" | "opensearch" | "warehouse" | "data-warehouse"
        | "bigquery" | "redshift" | "snowflake" | "spanner" | "cosmosdb" | "firestore" => "database",
        "queue" | "message-queue" | "kafka" | "kafka-topic" | "topic" | "rabbitmq" | "sqs" | "pubsub" | "stream"
        | "kinesis" | "event-hub" | "nats" | "pulsar" => "queue",
        "cache" | "redis" | "memcached" => "cache",
        "object-store" | "object-storage" | "bucket" | "s3-bucket" | "s3" | "gcs-bucket" | "storage"
        | "blob-storage" | "blob" | "azure-blob" => "object_store",
        "file-store" | "filesystem" | "nfs" | "efs" | "volume" | "persistent-volume" | "disk" | "file-share" => {
            "file_store"
        }
        "dns" | "dns-zone" => "dns",
        "load-balancer" | "loadbalancer" | "lb" | "ingress" => "load_balancer",
        "cdn" => "cdn",
        "ci" | "ci-cd" => "ci",
        "network" | "vpc" => "network",
        "compute" | "cluster" | "kubernetes-cluster" | "vm" | "server" => "compute",
        "external" | "saas" | "third-party" => "external",
        _ if kind == Kind::Component => "service",
        _ => "other",
    }
}

/// The entities of one catalog, with their references resolved.
struct Catalog {
    entities: Vec<Entity>,
    by_key: HashMap<Key, usize>,
    /// Entities that could not be read, with their ids: references to them
    /// are not reported again, and still name them.
    broken: HashMap<Key, String>,
    /// References ops ignores (to entities not in the files, or of kinds it
    /// cannot use there): Backstage loads them, so they are notes.
    notes: Sink,
    /// What to infer where the catalog says nothing.
    infer: BackstageInference,
    /// How many "did you mean"s are left to look for: references to
    /// entities elsewhere are normal, and each search scans every entity.
    hints_left: std::cell::Cell<usize>,
}

/// How many references not in the files get a "did you mean" search.
const MAX_HINTS: usize = 100;

/// A reference, parsed: `[kind:][namespace/]name`.
struct Parsed<'a> {
    kind: Option<&'a str>,
    namespace: Option<&'a str>,
    name: &'a str,
}

fn parse_ref(text: &str) -> Option<Parsed<'_>> {
    let (kind, rest) = match text.split_once(':') {
        Some((k, rest)) => (Some(k), rest),
        None => (None, text),
    };
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, rest),
    };
    let empty = |p: Option<&str>| p.is_some_and(str::is_empty);
    if name.is_empty() || empty(kind) || empty(namespace) || name.contains('/') {
        return None;
    }
    Some(Parsed { kind, namespace, name })
}

/// What a reference resolves to.
enum Found {
    /// An entity of the catalog.
    Entity(usize),
    /// An entity that could not be read, by its inventory id.
    Broken(String),
}

/// What a reference field accepts.
struct Field {
    /// As written in the catalog (`spec.dependsOn`).
    name: &'static str,
    default_kind: Option<Kind>,
    allowed: &'static [Kind],
}

const OWNER: Field = Field {
    name: "spec.owner",
    default_kind: Some(Kind::Group),
    allowed: &[Kind::Group, Kind::User],
};
const DEPENDS_ON: Field = Field {
    name: "spec.dependsOn",
    default_kind: None,
    allowed: &[Kind::Component, Kind::Resource],
};
const DEPENDENCY_OF: Field = Field {
    name: "spec.dependencyOf",
    default_kind: None,
    allowed: &[Kind::Component, Kind::Resource],
};
const SYSTEM: Field = Field {
    name: "spec.system",
    default_kind: Some(Kind::System),
    allowed: &[Kind::System],
};
const SUBCOMPONENT_OF: Field = Field {
    name: "spec.subcomponentOf",
    default_kind: Some(Kind::Component),
    allowed: &[Kind::Component],
};
const DOMAIN: Field = Field {
    name: "spec.domain",
    default_kind: Some(Kind::Domain),
    allowed: &[Kind::Domain],
};
const SUBDOMAIN_OF: Field = Field {
    name: "spec.subdomainOf",
    default_kind: Some(Kind::Domain),
    allowed: &[Kind::Domain],
};
const MEMBER_OF: Field = Field {
    name: "spec.memberOf",
    default_kind: Some(Kind::Group),
    allowed: &[Kind::Group],
};
const PARENT: Field = Field {
    name: "spec.parent",
    default_kind: Some(Kind::Group),
    allowed: &[Kind::Group],
};
const CHILDREN: Field = Field {
    name: "spec.children",
    default_kind: Some(Kind::Group),
    allowed: &[Kind::Group],
};
const MEMBERS: Field = Field {
    name: "spec.members",
    default_kind: Some(Kind::User),
    allowed: &[Kind::User],
};

impl Catalog {
    /// Indexes the entities, reporting duplicates and entities whose ids
    /// collide in the inventory (Components and Resources share one id
    /// space, Users and Groups another); the later one is left out.
    fn new(entities: Vec<Entity>, sink: &Sink) -> Catalog {
        let mut by_key: HashMap<Key, usize> = HashMap::new();
        let mut ids: HashMap<(u8, String), usize> = HashMap::new();
        let mut kept = Vec::with_capacity(entities.len());
        for e in entities {
            let k = key(e.kind, &e.namespace, &e.name);
            if let Some(&first) = by_key.get(&k) {
                let first: &Entity = &kept[first];
                sink.push(Diagnostic::at(
                    &e.metadata.name.at,
                    format!("duplicate entity '{}' (first defined at {})", e.reference(), first.at),
                ));
                continue;
            }
            let space = match e.kind {
                Kind::Component | Kind::Resource => Some(0),
                Kind::Group | Kind::User => Some(1),
                Kind::System | Kind::Domain => None,
            };
            if let Some(space) = space {
                if let Some(&first) = ids.get(&(space, e.id.clone())) {
                    let first: &Entity = &kept[first];
                    sink.push(Diagnostic::at(
                        &e.id_at,
                        format!(
                            "'{}' and '{}' (at {}) would both be '{}' in the inventory; give one an '{PREFIX}id' annotation",
                            e.reference(),
                            first.reference(),
                            first.at,
                            e.id
                        ),
                    ));
                    continue;
                }
                ids.insert((space, e.id.clone()), kept.len());
            }
            by_key.insert(k, kept.len());
            kept.push(e);
        }
        Catalog {
            entities: kept,
            by_key,
            broken: HashMap::new(),
            notes: Sink::default(),
            infer: BackstageInference::none(),
            hints_left: std::cell::Cell::new(MAX_HINTS),
        }
    }

    /// Resolves a reference written in entity `from`'s `field`; reports why not.
    fn resolve(&self, from: &Entity, field: &Field, r: &Ref, sink: &Sink) -> Option<usize> {
        match self.find(from, field, r, sink)? {
            Found::Entity(i) => Some(i),
            Found::Broken(_) => None,
        }
    }

    /// The inventory id a reference names, with where it is written, if it resolves
    /// (to an entity that could not be read too: validation then ignores it).
    fn resolve_id(&self, from: &Entity, field: &Field, r: &Ref, sink: &Sink) -> Option<(String, Location)> {
        let id = match self.find(from, field, r, sink)? {
            Found::Entity(i) => self.entities[i].id.clone(),
            Found::Broken(id) => id,
        };
        Some((id, r.at.clone()))
    }

    fn find(&self, from: &Entity, field: &Field, r: &Ref, sink: &Sink) -> Option<Found> {
        let fail = |message: String| {
            sink.push(Diagnostic::at(&r.at, format!("{}: {message}", field.name)));
            None
        };
        let ignore = |message: String| {
            self.notes
                .push(Diagnostic::at(&r.at, format!("{}: {message}; ignored", field.name)));
            None
        };
        let Some(p) = parse_ref(&r.value) else {
            return fail(format!(
                "'{}' is not an entity reference: expected [kind:][namespace/]name",
                r.value
            ));
        };
        let namespace = p.namespace.unwrap_or(&from.namespace);
        let kind = match (p.kind, field.default_kind) {
            (Some(k), _) => match Kind::parse(k) {
                Some(kind) => kind,
                None => {
                    return ignore(format!(
                        "'{}' refers to kind '{k}', which ops does not import (it reads {} here)",
                        r.value,
                        allowed(field)
                    ));
                }
            },
            (None, Some(default)) => default,
            (None, None) => {
                let found: Vec<String> = field
                    .allowed
                    .iter()
                    .filter(|&&k| self.by_key.contains_key(&key(k, namespace, p.name)))
                    .map(|k| format!("'{}:{}'", k.lower(), r.value))
                    .collect();
                let advice = if found.is_empty() {
                    format!("write it as kind:name, e.g. 'resource:{}'", r.value)
                } else {
                    format!("did you mean {}?", found.join(" or "))
                };
                return fail(format!(
                    "'{}' has no kind, and Backstage gives {} none by default; {advice}",
                    r.value, field.name
                ));
            }
        };
        let full = format!("{}:{namespace}/{}", kind.lower(), p.name);
        let Some(&target) = self.by_key.get(&key(kind, namespace, p.name)) else {
            if let Some(id) = self.broken.get(&key(kind, namespace, p.name)) {
                return Some(Found::Broken(id.clone()));
            }
            // By name: whole references share their kind and namespace, which
            // makes any two look alike.
            let candidates = || self.entities.iter().filter(|e| field.allowed.contains(&e.kind));
            let left = self.hints_left.get();
            self.hints_left.set(left.saturating_sub(1));
            let hint = (left > 0)
                .then(|| did_you_mean(p.name, candidates().map(|e| e.name.as_str())))
                .flatten()
                .and_then(|name| candidates().find(|e| e.name == name))
                .map(|e| format!(" (did you mean '{}'?)", e.reference()))
                .unwrap_or_default();
            return ignore(format!("'{full}' is not in the given files{hint}"));
        };
        if !field.allowed.contains(&kind) {
            return ignore(format!("'{full}' is a {kind}; ops reads {} here", allowed(field)));
        }
        Some(Found::Entity(target))
    }

    /// Adds the catalog's components, people and groups to `out`, resolving every reference.
    fn document(&self, sink: &Sink, out: &mut Imported) {
        let n = self.entities.len();
        // Reverse edges: dependencyOf, memberOf, parent; each with where it was written.
        let mut depended_by: Vec<Vec<(String, Location)>> = vec![Vec::new(); n];
        let mut members_from: Vec<Vec<(String, Location)>> = vec![Vec::new(); n];
        let mut system_of: Vec<Option<usize>> = vec![None; n];
        let mut domain_of: Vec<Option<usize>> = vec![None; n];
        let mut owner_of: Vec<Option<(String, Location)>> = vec![None; n];
        // Dependencies inferred where the catalog says nothing (see `infer`).
        let mut inferred: Vec<Vec<Inferred>> = vec![Vec::new(); n];
        // Pass 1: references that point the other way, and the checks of
        // references that produce nothing (system owners, subcomponents).
        for (i, e) in self.entities.iter().enumerate() {
            match &e.spec {
                Spec::Component(s) => {
                    for r in &s.dependency_of {
                        if let Some(t) = self.resolve(e, &DEPENDENCY_OF, r, sink) {
                            depended_by[t].push((e.id.clone(), r.at.clone()));
                        }
                    }
                    if let Some(r) = &s.subcomponent_of
                        && let Some(parent) = self.resolve(e, &SUBCOMPONENT_OF, r, sink)
                        && self.infer.enabled
                        && parent != i
                    {
                        inferred[parent].push(Inferred {
                            id: e.id.clone(),
                            at: r.at.clone(),
                            why: format!("spec.subcomponentOf of {}", e.reference()),
                        });
                    }
                    owner_of[i] = s.owner.as_ref().and_then(|r| self.resolve_id(e, &OWNER, r, sink));
                    if let Some(r) = &s.system {
                        system_of[i] = self.resolve(e, &SYSTEM, r, sink);
                    }
                }
                Spec::Resource(s) => {
                    for r in &s.dependency_of {
                        if let Some(t) = self.resolve(e, &DEPENDENCY_OF, r, sink) {
                            depended_by[t].push((e.id.clone(), r.at.clone()));
                        }
                    }
                    owner_of[i] = s.owner.as_ref().and_then(|r| self.resolve_id(e, &OWNER, r, sink));
                    if let Some(r) = &s.system {
                        system_of[i] = self.resolve(e, &SYSTEM, r, sink);
                    }
                }
                Spec::System(s) => {
                    self.resolve(e, &OWNER, &s.owner, sink);
                    if let Some(r) = &s.domain {
                        domain_of[i] = self.resolve(e, &DOMAIN, r, sink);
                    }
                }
                Spec::Domain(s) => {
                    self.resolve(e, &OWNER, &s.owner, sink);
                    if let Some(r) = &s.subdomain_of {
                        self.resolve(e, &SUBDOMAIN_OF, r, sink);
                    }
                }
                Spec::User(s) => {
                    for r in &s.member_of {
                        if let Some(g) = self.resolve(e, &MEMBER_OF, r, sink) {
                            members_from[g].push((e.id.clone(), r.at.clone()));
                        }
                    }
                }
                Spec::Group(s) => {
                    if let Some(r) = &s.parent
                        && let Some(g) = self.resolve(e, &PARENT, r, sink)
                    {
                        members_from[g].push((e.id.clone(), r.at.clone()));
                    }
                }
            }
        }
        // Logical components for APIs that several components provide.
        let apis = match self.infer.enabled {
            true => self.infer_from_apis(&owner_of, &mut inferred, sink),
            false => Vec::new(),
        };
        let mut components = Vec::new();
        let mut people = Vec::new();
        let mut groups = Vec::new();
        for (i, e) in self.entities.iter().enumerate() {
            match &e.spec {
                Spec::Component(s) => components.push(self.component(
                    i,
                    ComponentParts {
                        spec_type: &s.kind,
                        owner: owner_of[i].as_ref(),
                        depends_on: &s.depends_on,
                        inferred: &inferred[i],
                    },
                    &depended_by[i],
                    system_of[i].map(|sys| (sys, domain_of[sys])),
                    sink,
                )),
                Spec::Resource(s) => components.push(self.component(
                    i,
                    ComponentParts {
                        spec_type: &s.kind,
                        owner: owner_of[i].as_ref(),
                        depends_on: &s.depends_on,
                        inferred: &inferred[i],
                    },
                    &depended_by[i],
                    system_of[i].map(|sys| (sys, domain_of[sys])),
                    sink,
                )),
                Spec::User(s) => {
                    let mut entries = vec![("id", str_node(&e.id, &e.id_at))];
                    let profile = s.profile.as_ref();
                    if let Some(name) = profile
                        .and_then(|p| p.display_name.as_ref())
                        .or(e.metadata.title.as_ref())
                    {
                        entries.push(("name", str_node(name, &e.at)));
                    }
                    if let Some(email) = profile.and_then(|p| p.email.as_ref()) {
                        entries.push(("email", str_node(email, &e.at)));
                    }
                    people.push(map_node(entries, &e.at));
                }
                Spec::Group(s) => {
                    let mut members: Vec<(String, Location)> = Vec::new();
                    for r in &s.members {
                        members.extend(self.resolve_id(e, &MEMBERS, r, sink));
                    }
                    for r in &s.children {
                        members.extend(self.resolve_id(e, &CHILDREN, r, sink));
                    }
                    members.extend(members_from[i].iter().cloned());
                    let mut entries = vec![("id", str_node(&e.id, &e.id_at))];
                    if let Some(name) = s
                        .profile
                        .as_ref()
                        .and_then(|p| p.display_name.as_ref())
                        .or(e.metadata.title.as_ref())
                    {
                        entries.push(("name", str_node(name, &e.at)));
                    }
                    let list = id_list(&members);
                    if !list.is_empty() {
                        entries.push(("members", Node::new(Value::Seq(list), e.at.clone())));
                    }
                    groups.push(map_node(entries, &e.at));
                }
                Spec::System(_) | Spec::Domain(_) => {}
            }
        }
        components.extend(apis);
        for (section, list) in [
            (Section::Components, components),
            (Section::People, people),
            (Section::Groups, groups),
        ] {
            for entity in list {
                out.push(section, entity);
            }
        }
    }

    /// Dependencies from `spec.consumesApis`: a component consuming an API
    /// needs the component that provides it, or, when several do, any one of
    /// them, through a logical component `api:NAME` (`api:NAMESPACE/NAME`
    /// outside the default namespace) that requires any of the providers.
    /// Returns those logical components; the dependencies go to `inferred`.
    fn infer_from_apis(
        &self,
        owner_of: &[Option<(String, Location)>],
        inferred: &mut [Vec<Inferred>],
        sink: &Sink,
    ) -> Vec<Node> {
        // Providers by API, in catalog order, with where each says so.
        let mut providers: BTreeMap<(String, String), Vec<(usize, Location)>> = BTreeMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if let Spec::Component(s) = &e.spec {
                for r in &s.provides_apis {
                    if let Some(api) = self.api(e, "spec.providesApis", r, sink) {
                        providers.entry(api).or_default().push((i, r.at.clone()));
                    }
                }
            }
        }
        let taken: HashSet<&str> = (self.entities.iter())
            .filter(|e| matches!(e.kind, Kind::Component | Kind::Resource))
            .map(|e| e.id.as_str())
            .collect();
        let mut logical: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, e) in self.entities.iter().enumerate() {
            let Spec::Component(s) = &e.spec else { continue };
            for r in &s.consumes_apis {
                let Some(api) = self.api(e, "spec.consumesApis", r, sink) else {
                    continue;
                };
                let reference = format!("api:{}/{}", api.0, api.1);
                let why = format!("spec.consumesApis {reference}");
                let list = providers.get(&api).map(Vec::as_slice).unwrap_or_default();
                if list.iter().any(|&(p, _)| p == i) {
                    continue;
                }
                let id = match list {
                    [] => {
                        self.notes.push(Diagnostic::at(
                            &r.at,
                            format!(
                                "spec.consumesApis: no component in the given files provides '{reference}'; \
                                 no dependency inferred"
                            ),
                        ));
                        continue;
                    }
                    [(p, _)] => Some(self.entities[*p].id.clone()),
                    several => logical
                        .entry(api.clone())
                        .or_insert_with(|| {
                            let id = match api.0.as_str() {
                                "default" => format!("api:{}", api.1),
                                ns => format!("api:{ns}/{}", api.1),
                            };
                            if let Err(why) = crate::ids::check_id(&id) {
                                self.notes.push(Diagnostic::at(
                                    &r.at,
                                    format!(
                                        "spec.consumesApis: '{reference}' is provided by {} components, but '{id}' \
                                         cannot be the id of the logical component over them ({why}); no \
                                         dependency inferred",
                                        several.len()
                                    ),
                                ));
                                return None;
                            }
                            if taken.contains(id.as_str()) {
                                self.notes.push(Diagnostic::at(
                                    &r.at,
                                    format!(
                                        "spec.consumesApis: '{reference}' is provided by {} components, but the id \
                                         '{id}' for the logical component over them is taken; no dependency inferred",
                                        several.len()
                                    ),
                                ));
                                return None;
                            }
                            out.push(self.api_component(&id, &reference, several, owner_of));
                            Some(id)
                        })
                        .clone(),
                };
                if let Some(id) = id {
                    inferred[i].push(Inferred {
                        id,
                        at: r.at.clone(),
                        why: why.clone(),
                    });
                }
            }
        }
        out
    }

    /// The logical component over the providers of an API: up while any of
    /// them is, owned by their owners.
    fn api_component(
        &self,
        id: &str,
        reference: &str,
        providers: &[(usize, Location)],
        owner_of: &[Option<(String, Location)>],
    ) -> Node {
        let at = &providers[0].1;
        let ids: Vec<(String, Location)> = (providers.iter())
            .map(|(p, at)| (self.entities[*p].id.clone(), at.clone()))
            .collect();
        let owners: Vec<(String, Location)> = providers.iter().filter_map(|(p, _)| owner_of[*p].clone()).collect();
        let names: Vec<&str> = ids.iter().map(|(id, _)| id.as_str()).collect();
        let mut entries = vec![
            ("id", str_node(id, at)),
            ("kind", str_node("service", at)),
            ("logical", Node::new(Value::Bool(true), at.clone())),
            ("requires", str_node("any", at)),
            ("depends_on", Node::new(Value::Seq(id_list(&ids)), at.clone())),
        ];
        let owners = id_list(&owners);
        if !owners.is_empty() {
            entries.push(("owners", Node::new(Value::Seq(owners), at.clone())));
        }
        let tag = format!("inferred:logical {reference}, provided by {}", names.join(", "));
        entries.push(("tags", Node::new(Value::Seq(vec![str_node(tag, at)]), at.clone())));
        map_node(entries, at)
    }

    /// The API an entry of `spec.providesApis` or `spec.consumesApis`
    /// names, as (namespace, name) in lower case. A malformed reference is a
    /// problem; one to another kind is noted and ignored.
    fn api(&self, from: &Entity, field: &str, r: &Ref, sink: &Sink) -> Option<(String, String)> {
        let Some(p) = parse_ref(&r.value) else {
            sink.push(Diagnostic::at(
                &r.at,
                format!(
                    "{field}: '{}' is not an entity reference: expected [kind:][namespace/]name",
                    r.value
                ),
            ));
            return None;
        };
        if let Some(kind) = p.kind
            && !kind.eq_ignore_ascii_case("api")
        {
            self.notes.push(Diagnostic::at(
                &r.at,
                format!("{field}: '{}' is not an API; ignored", r.value),
            ));
            return None;
        }
        let namespace = p.namespace.unwrap_or(&from.namespace);
        Some((namespace.to_ascii_lowercase(), p.name.to_ascii_lowercase()))
    }

    fn component(
        &self,
        i: usize,
        parts: ComponentParts<'_>,
        depended_by: &[(String, Location)],
        system: Option<(usize, Option<usize>)>,
        sink: &Sink,
    ) -> Node {
        let e = &self.entities[i];
        let annotation = |name: &str| e.metadata.annotations.get(&format!("{PREFIX}{name}"));
        let mut entries = vec![("id", str_node(&e.id, &e.id_at))];
        if let Some(title) = &e.metadata.title {
            entries.push(("name", str_node(title, &e.at)));
        }
        let kind = match annotation("kind") {
            Some(k) => str_node(&k.value, &k.at),
            None => str_node(kind_for_type(e.kind, &parts.spec_type.value), &parts.spec_type.at),
        };
        entries.push(("kind", kind));
        if let Some(d) = &e.metadata.description {
            entries.push(("description", str_node(d, &e.at)));
        }
        // What ops infers is tagged `inferred:...`, so it shows wherever tags do.
        let mut inferred_tags: Vec<String> = Vec::new();
        match annotation("entry") {
            Some(v) => {
                if let Some(b) = boolean(v, "entry", sink) {
                    entries.push(("entry", Node::new(Value::Bool(b), v.at.clone())));
                }
            }
            None if e.kind == Kind::Component && self.infer.is_entry_type(&parts.spec_type.value) => {
                entries.push(("entry", Node::new(Value::Bool(true), parts.spec_type.at.clone())));
                inferred_tags.push(format!("inferred:entry from spec.type {}", parts.spec_type.value));
            }
            None => {}
        }
        if let Some(v) = annotation("requires")
            && let Some(node) = requires(v, sink)
        {
            entries.push(("requires", node));
        }
        if let Some(v) = annotation("logical")
            && let Some(b) = boolean(v, "logical", sink)
        {
            entries.push(("logical", Node::new(Value::Bool(b), v.at.clone())));
        }
        if let Some(v) = annotation("replicas")
            && let Some(node) = replicas(v, sink)
        {
            entries.push(("replicas", node));
        }
        let mut deps: Vec<(String, Location)> = Vec::new();
        for r in parts.depends_on {
            deps.extend(self.resolve_id(e, &DEPENDS_ON, r, sink));
        }
        deps.extend(depended_by.iter().cloned());
        if !parts.inferred.is_empty() {
            // A redundancy rule was written for the dependencies written:
            // adding others under it would change what it means.
            match annotation("requires").map(|v| v.value.trim()) {
                None | Some("all") => {
                    for d in parts.inferred {
                        if !deps.iter().any(|(id, _)| *id == d.id) {
                            deps.push((d.id.clone(), d.at.clone()));
                            inferred_tags.push(format!("inferred:depends_on {} from {}", d.id, d.why));
                        }
                    }
                }
                Some(rule) => self.notes.push(Diagnostic::at(
                    &e.at,
                    format!(
                        "{}: {PREFIX}requires '{rule}' is about the dependencies written in dependsOn, so those \
                         inferred ({}) are not added; write them in dependsOn if they belong under it",
                        e.reference(),
                        listing::join(parts.inferred.iter().map(|d| &d.id), ", ")
                    ),
                )),
            }
        }
        let deps = id_list(&deps);
        if !deps.is_empty() {
            entries.push(("depends_on", Node::new(Value::Seq(deps), e.at.clone())));
        }
        if let Some(v) = annotation("tier") {
            match v.value.trim().parse::<i64>() {
                Ok(t) => entries.push(("tier", Node::new(Value::Int(t), v.at.clone()))),
                Err(_) => sink.push(Diagnostic::at(
                    &v.at,
                    format!(
                        "{PREFIX}tier: expected a tier from 1 (most critical) to 4, found '{}'",
                        v.value
                    ),
                )),
            }
        }
        if let Some((owner, at)) = parts.owner {
            let owners = vec![str_node(owner, at)];
            entries.push(("owners", Node::new(Value::Seq(owners), at.clone())));
        }
        if let Some(v) = annotation("domains") {
            let list: Vec<Node> = v
                .value
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| str_node(d, &v.at))
                .collect();
            entries.push(("domains", Node::new(Value::Seq(list), v.at.clone())));
        }
        if let Some(v) = annotation("stateful")
            && let Some(b) = boolean(v, "stateful", sink)
        {
            entries.push(("stateful", Node::new(Value::Bool(b), v.at.clone())));
        }
        for name in ["availability", "slo"] {
            if let Some(v) = annotation(name) {
                match v.value.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => entries.push((name, Node::new(Value::Float(x), v.at.clone()))),
                    _ => sink.push(Diagnostic::at(
                        &v.at,
                        format!(
                            "{PREFIX}{name}: expected a probability such as 0.999, found '{}'",
                            v.value
                        ),
                    )),
                }
            }
        }
        let mut tags: Vec<Node> = e.metadata.tags.iter().map(|t| str_node(t, &e.at)).collect();
        if let Some((sys, domain)) = system {
            tags.push(str_node(format!("system:{}", self.entities[sys].name), &e.at));
            if let Some(d) = domain {
                tags.push(str_node(format!("business-domain:{}", self.entities[d].name), &e.at));
            }
        }
        // Labels are key/value pairs; tags are the inventory's only free-form labels.
        tags.extend(
            e.metadata
                .labels
                .iter()
                .map(|(k, v)| str_node(format!("{k}={v}"), &e.at)),
        );
        tags.extend(inferred_tags.iter().map(|t| str_node(t, &e.at)));
        if !tags.is_empty() {
            entries.push(("tags", Node::new(Value::Seq(tags), e.at.clone())));
        }
        map_node(entries, &e.at)
    }
}

/// Ids, first mention kept, each located where the catalog wrote the reference.
fn id_list(refs: &[(String, Location)]) -> Vec<Node> {
    let mut seen = HashSet::new();
    refs.iter()
        .filter(|(id, _)| seen.insert(id.as_str()))
        .map(|(id, at)| str_node(id, at))
        .collect()
}

struct ComponentParts<'a> {
    spec_type: &'a Spanned<String>,
    owner: Option<&'a (String, Location)>,
    depends_on: &'a [Ref],
    inferred: &'a [Inferred],
}

/// A dependency the catalog implies without writing it in `dependsOn`.
#[derive(Clone, Debug)]
struct Inferred {
    /// The inventory id depended on.
    id: String,
    /// Where the catalog implies it.
    at: Location,
    /// Why, for the `inferred:` tag: `spec.consumesApis api:default/x`.
    why: String,
}

fn allowed(field: &Field) -> String {
    let names: Vec<&str> = field.allowed.iter().map(|k| k.name()).collect();
    match names.as_slice() {
        [one] => format!("a {one}"),
        [a, b] => format!("a {a} or a {b}"),
        _ => names.join(", "),
    }
}

fn boolean(v: &Spanned<String>, name: &str, sink: &Sink) -> Option<bool> {
    match v.value.trim() {
        "true" => Some(true),
        "false" => Some(false),
        other => {
            sink.push(Diagnostic::at(
                &v.at,
                format!("{PREFIX}{name}: expected 'true' or 'false', found '{other}'"),
            ));
            None
        }
    }
}

/// `all`, `any` or `at_least:K` (also `at_least: K`).
fn requires(v: &Spanned<String>, sink: &Sink) -> Option<Node> {
    let text = v.value.trim();
    match text {
        "all" | "any" => return Some(str_node(text, &v.at)),
        _ => {}
    }
    if let Some(k) = text.strip_prefix("at_least:")
        && let Ok(k) = k.trim().parse::<i64>()
    {
        let inner = Node::new(Value::Int(k), v.at.clone());
        return Some(map_node(vec![("at_least", inner)], &v.at));
    }
    sink.push(Diagnostic::at(
        &v.at,
        format!("{PREFIX}requires: expected 'all', 'any' or 'at_least:K' (e.g. at_least:2), found '{text}'"),
    ));
    None
}

/// `COUNT`, optionally followed by `; min=K` and `; spread=D1,D2,...`
/// (`3; min=2; spread=zone-a,zone-b,zone-c`): `replicas:` of an inventory.
/// The numbers are range-checked, and the domains resolved, with the rest of
/// the inventory.
fn replicas(v: &Spanned<String>, sink: &Sink) -> Option<Node> {
    let mut parts = v.value.split(';').map(str::trim);
    let bad = |what: String| {
        sink.push(Diagnostic::at(
            &v.at,
            format!(
                "{PREFIX}replicas: {what}; expected a count, optionally with '; min=K' and \
                 '; spread=DOMAIN,DOMAIN' (e.g. '3; min=2; spread=zone-a,zone-b,zone-c')"
            ),
        ));
        None
    };
    let count = parts.next().unwrap_or_default();
    let Ok(count) = count.parse::<i64>() else {
        return bad(format!("'{count}' is not a count"));
    };
    let mut entries = vec![("count", Node::new(Value::Int(count), v.at.clone()))];
    for part in parts {
        match part.split_once('=').map(|(k, x)| (k.trim(), x.trim())) {
            Some(("min", k)) => match k.parse::<i64>() {
                Ok(k) => entries.push(("min", Node::new(Value::Int(k), v.at.clone()))),
                Err(_) => return bad(format!("min '{k}' is not a count")),
            },
            Some(("spread", list)) => {
                let domains = (list.split(',').map(str::trim))
                    .filter(|d| !d.is_empty())
                    .map(|d| str_node(d, &v.at))
                    .collect();
                entries.push(("spread", Node::new(Value::Seq(domains), v.at.clone())));
            }
            _ => return bad(format!("unknown part '{part}'")),
        }
    }
    Some(map_node(entries, &v.at))
}

/// How to read a Backstage catalog.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct BackstageOptions {
    /// Bounds on the catalog files: size, nesting, YAML alias expansion.
    pub limits: LoadLimits,
    /// What to infer where the catalog has no `ops.dev/*` annotations.
    pub infer: BackstageInference,
}

/// What ops infers from a Backstage catalog without `ops.dev/*`
/// annotations (see `docs/backstage.md`). Every inferred fact is tagged
/// `inferred:...` on the component it is about.
///
/// - entry points: Components whose `spec.type` is one of
///   [`entry_types`](Self::entry_types) (`ops.dev/entry` wins either way);
/// - dependencies: a component needs the components that provide the APIs
///   it `consumesApis` (any one of them, through a logical component
///   `api:NAME`, when several do), and a component needs its
///   subcomponents (`subcomponentOf`).
///
/// ```
/// use ops_core::import::BackstageInference;
///
/// let standard = BackstageInference::default();
/// assert!(standard.enabled);
/// assert_eq!(standard.entry_types, ["website"]);
/// assert!(!BackstageInference::none().enabled);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BackstageInference {
    /// Whether to infer anything at all (`--backstage-infer none` in opsctl).
    pub enabled: bool,
    /// The `spec.type`s of Components that are entry points, compared
    /// without regard to case (by default `website`).
    pub entry_types: Vec<String>,
}

impl BackstageInference {
    /// Infer nothing: only what the catalog says.
    pub fn none() -> Self {
        BackstageInference {
            enabled: false,
            entry_types: Vec::new(),
        }
    }

    fn is_entry_type(&self, spec_type: &str) -> bool {
        self.enabled && self.entry_types.iter().any(|t| t.eq_ignore_ascii_case(spec_type))
    }
}

impl Default for BackstageInference {
    /// Entry points from `spec.type: website`, dependencies from
    /// `consumesApis` and `subcomponentOf`.
    fn default() -> Self {
        BackstageInference {
            enabled: true,
            entry_types: vec!["website".to_owned()],
        }
    }
}

impl AsRef<LoadLimits> for BackstageOptions {
    fn as_ref(&self) -> &LoadLimits {
        &self.limits
    }
}

/// The Backstage importer (`backstage`): catalog files (`catalog-info.yaml`,
/// several entities per file) as components, people and groups.
///
/// Components and Resources become components, Users people, Groups groups;
/// Systems and Domains become tags of the components in them. Other kinds
/// (API, Location, Template, ...) are skipped with a note. The mapping and
/// the `ops.dev/*` annotations are documented in `docs/backstage.md`.
///
/// Problems are what the catalog alone shows and makes the analysis
/// impossible (a malformed entity or reference, an entity without a name, an
/// unknown `ops.dev/*` annotation, two entities with one id), each with its
/// line and column. What Backstage itself loads is noted instead: fields ops
/// does not read (one note per field name), references to entities that are
/// not in the files. To analyse a catalog directly, load it with
/// the rest of the inventory instead
/// ([`LoadOptions::backstage`](crate::LoadOptions::backstage), which runs
/// this importer): then problems that only the whole inventory reveals (an
/// unknown failure domain in `ops.dev/domains`) are reported at the
/// catalog's lines too.
///
/// ```
/// use ops_core::import::{Backstage, Importer, Input, Section};
///
/// let catalog = Backstage.import(&[Input::new("catalog-info.yaml", "\
/// apiVersion: backstage.io/v1alpha1
/// kind: Component
/// metadata:
///   name: shop
///   annotations: {ops.dev/entry: 'true'}
/// spec: {type: service, lifecycle: production, owner: web, dependsOn: ['resource:orders-db']}
/// ---
/// apiVersion: backstage.io/v1alpha1
/// kind: Resource
/// metadata: {name: orders-db}
/// spec: {type: database, owner: web}
/// ---
/// apiVersion: backstage.io/v1alpha1
/// kind: Group
/// metadata: {name: web}
/// spec: {type: team, children: []}
/// ---
/// apiVersion: backstage.io/v1alpha1
/// kind: API
/// metadata: {name: shop-api}
/// spec: {type: openapi, lifecycle: production, owner: web, definition: '...'}
/// ")], &Default::default())?;
/// assert_eq!((catalog.count(Section::Components), catalog.count(Section::Groups)), (2, 1));
/// assert_eq!(catalog.notes()[0].to_string(),
///     "catalog-info.yaml:19:7: skipped API 'shop-api': ops imports only Component, Resource, System, Domain, Group and User");
/// assert!(catalog.to_inventory_json().contains(r#""depends_on": [
///         "orders-db"
///       ]"#));
/// # Ok::<(), ops_core::Error>(())
/// ```
///
/// # Complexity
/// Linear in the size of the catalog, plus a did-you-mean search over the
/// entities of the right kinds for each of the first 100 references that
/// resolve to nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Backstage;

const INFO: ImporterInfo = ImporterInfo {
    name: "backstage",
    reads: "Backstage catalog files (catalog-info.yaml)",
    files: Files::Tree {
        formats: &[Format::Yaml],
        what: "Backstage catalog",
    },
    produces: &[Section::Components, Section::People, Section::Groups],
};

impl Importer for Backstage {
    type Options = BackstageOptions;
    const INFO: &'static ImporterInfo = &INFO;

    fn read(&self, inputs: &[Input<'_>], options: &BackstageOptions) -> Imported {
        let limits = &options.limits;
        let mut out = Imported::new();
        let mut diags = Diagnostics::default();
        let mut docs = Vec::new();
        for input in inputs {
            let name: Arc<str> = Arc::from(input.name);
            if input.text.len() as u64 > limits.max_file_bytes {
                diags.push(Diagnostic::new(
                    None,
                    format!("{name}: file is over the limit of {} bytes", limits.max_file_bytes),
                ));
                out.incomplete = true;
                continue;
            }
            let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
            match crate::source::parse(&name, text, Format::Yaml, limits, None) {
                Ok(d) => docs.extend(d),
                Err(d) => {
                    diags.push(d);
                    // Its ids are unknown: references into it cannot be judged.
                    out.incomplete = true;
                }
            }
        }
        let sink = Sink::default();
        let mut notes = Vec::new();
        convert(&docs, &options.infer, &sink, &mut notes, &mut out);
        diags.extend(sink.take());
        for d in diags.finish().iter() {
            let (place, message) = problem::from_diagnostic(d.clone());
            out.problem(place, message);
        }
        for d in notes {
            let (place, message) = problem::from_diagnostic(d);
            out.note(place, message);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(text: &str) -> Spanned<String> {
        Spanned {
            value: text.to_owned(),
            at: Location::new("t.yaml", 3, 7),
        }
    }

    fn messages(sink: &Sink) -> Vec<String> {
        sink.take().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn references_parse_like_backstage() {
        fn parts(t: &str) -> Option<(Option<&str>, Option<&str>, &str)> {
            parse_ref(t).map(|p| (p.kind, p.namespace, p.name))
        }
        assert_eq!(
            parts("resource:default/payment-db"),
            Some((Some("resource"), Some("default"), "payment-db"))
        );
        assert_eq!(parts("payment-db"), Some((None, None, "payment-db")));
        assert_eq!(
            parts("component:payment-api"),
            Some((Some("component"), None, "payment-api"))
        );
        assert_eq!(parts("shop/web"), Some((None, Some("shop"), "web")));
        for bad in ["", ":x", "group:", "a/b/c", "/x", "kind:ns/"] {
            assert!(parse_ref(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn spec_types_give_kinds() {
        let cases = [
            (Kind::Resource, "PostgreSQL", "database"),
            (Kind::Resource, "kafka_topic", "queue"),
            (Kind::Resource, "s3-bucket", "object_store"),
            (Kind::Resource, "redis", "cache"),
            (Kind::Resource, "data_warehouse", "database"),
            (Kind::Resource, "kinesis", "queue"),
            (Kind::Resource, "Blob-Storage", "object_store"),
            (Kind::Resource, "persistent-volume", "file_store"),
            (Kind::Resource, "dns-zone", "dns"),
            (Kind::Resource, "kubernetes-cluster", "compute"),
            (Kind::Resource, "feature-flags", "other"),
            (Kind::Component, "website", "service"),
            (Kind::Component, "database", "database"),
            (Kind::Component, "library", "service"),
        ];
        for (kind, spec_type, expected) in cases {
            assert_eq!(kind_for_type(kind, spec_type), expected, "{spec_type}");
        }
    }

    #[test]
    fn annotation_values_are_checked() {
        let sink = Sink::default();
        assert_eq!(
            requires(&spanned("any"), &sink).map(|n| n.value),
            Some(Value::Str("any".into()))
        );
        let at_least = requires(&spanned("at_least: 2"), &sink).unwrap();
        assert_eq!(at_least.get("at_least").map(|n| &n.value), Some(&Value::Int(2)));
        assert!(requires(&spanned("two of three"), &sink).is_none());
        assert_eq!(boolean(&spanned(" true "), "entry", &sink), Some(true));
        assert!(boolean(&spanned("yes"), "entry", &sink).is_none());
        assert_eq!(
            messages(&sink),
            [
                "t.yaml:3:7: ops.dev/requires: expected 'all', 'any' or 'at_least:K' (e.g. at_least:2), found 'two of three'",
                "t.yaml:3:7: ops.dev/entry: expected 'true' or 'false', found 'yes'",
            ]
        );
    }

    #[test]
    fn names_follow_backstage_rules() {
        let sink = Sink::default();
        for good in ["a", "payment-db", "Team_Web.2", &"x".repeat(63)] {
            assert!(check_name(&spanned(good), "metadata.name", &sink), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "a b", "ä", &"x".repeat(64)] {
            assert!(!check_name(&spanned(bad), "metadata.name", &sink), "{bad}");
        }
        let first = messages(&sink).remove(0);
        assert_eq!(
            first,
            "t.yaml:3:7: metadata.name: '' is not a valid Backstage name: expected 1 to 63 letters and digits, \
             separated by single '-', '_' or '.'"
        );
    }
}
