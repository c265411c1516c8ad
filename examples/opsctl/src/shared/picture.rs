//! What `opsctl report` and `opsctl graph` draw of a large estate: the
//! options of a [`GraphView`](ops_core::render::view::GraphView).

use anyhow::Result;
use clap::ValueEnum;
use ops_core::graph::Component;
use ops_core::render::view::GroupBy;
use ops_core::{Idx, Inventory};

/// `--depth`, `--group-by` and `--group`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PictureArgs {
    /// With --entry: draw this many dependency steps of its cone (its single
    /// points of failure and their failure paths are drawn at any depth).
    #[arg(long, value_name = "N", requires = "entry")]
    pub(crate) depth: Option<usize>,
    /// Group components into boxes by this; a group with nothing on a
    /// failure path is drawn as one node with a count.
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = GroupArg::Auto)]
    pub(crate) group_by: GroupArg,
    /// Draw this group expanded even with nothing on a failure path in it
    /// (repeatable).
    #[arg(long = "group", value_name = "NAME")]
    pub(crate) groups: Vec<String>,
}

/// The values of `--group-by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum GroupArg {
    /// None while the picture fits the screen, else by system, namespace
    /// or zone, the first the estate has.
    Auto,
    /// No groups.
    None,
    /// The system listing the component (systems[].components).
    System,
    /// The id up to its first '/' (Kubernetes namespaces).
    Namespace,
    /// The component's zone.
    Zone,
    /// The component's first failure domain.
    Domain,
}

impl GroupArg {
    /// The library's value.
    pub(crate) fn group_by(self) -> GroupBy {
        match self {
            GroupArg::Auto => GroupBy::Auto,
            GroupArg::None => GroupBy::None,
            GroupArg::System => GroupBy::System,
            GroupArg::Namespace => GroupBy::Namespace,
            GroupArg::Zone => GroupBy::Zone,
            GroupArg::Domain => GroupBy::Domain,
        }
    }
}

impl PictureArgs {
    /// Whether any of these options was given.
    pub(crate) fn given(&self) -> bool {
        self.depth.is_some() || self.group_by != GroupArg::Auto || !self.groups.is_empty()
    }
}

/// `--entry ID` resolved: an entry point of `inv`.
pub(crate) fn entry(inv: &Inventory, id: Option<&str>) -> Result<Option<Idx<Component>>> {
    let Some(id) = id else { return Ok(None) };
    super::entry_point(inv, id).map(Some)
}
