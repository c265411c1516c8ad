//! `opsctl experiment`: failover drills and chaos experiments: a new record
//! from a template, one record checked against the model, and a game-day
//! plan of the experiments most worth running next.

pub(crate) mod check;
pub(crate) mod new;
pub(crate) mod plan;

use anyhow::Result;
use clap::Subcommand;

/// The experiment subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ExperimentCommand {
    /// Write a new experiment record from a template into a directory,
    /// never overwriting an existing file.
    #[command(
        after_help = "The file is named DATE-ID.yaml after the experiment's date (UTC) and id; the id is \
        EXP-DATE-FAILED unless --id is given. Fill in stayed_up and went_down with what was observed. \
        The file is written atomically and never replaces an existing one.\n\n\
        Examples:\n  opsctl experiment new inventory/experiments --failed pg-primary --by ana\n  \
        opsctl experiment new inventory/experiments --failed eu-west-1a --at 2026-11-22T09:00:00Z --stayed-up shop"
    )]
    New(new::ExperimentNewArgs),
    /// The model's prediction for an experiment's failure against what was
    /// observed, with the explanation of every disagreement.
    #[command(
        after_help = "The model is the inventory with its person failure domains as of the experiment's \
        instant. Only the entry points the experiment lists are compared.\n\n\
        Exit codes: 0 the model agrees, 1 it disagrees on some entry point, 2 usage or input error.\n\n\
        Examples:\n  opsctl experiment check examples/inventories/fjordline pg-failover-2026-11\n  \
        opsctl experiment check inventory/ zone-drain --format json"
    )]
    Check(check::ExperimentCheckArgs),
    /// A game-day plan: the failures most worth trying next, double faults
    /// first, then untested redundancy, then the largest failures the model
    /// says are survivable, each with the model's prediction and its
    /// explanation.
    #[command(
        after_help = "A double fault is a pair of components that takes an entry point down together \
        though neither does alone (graph/double-fault, opsctl spof --order 2); one pair no experiment \
        failed together within the window is planned per entry, most critical entry first. \
        Redundancy is untested when no experiment exercised it within the window \
        (graph/untested-redundancy, `window` in ops.toml). Which member of a redundancy to fail, and \
        which candidates to simulate when there are more than the budget, is drawn with --seed: the \
        same seed gives the same plan.\n\n\
        Examples:\n  opsctl experiment plan examples/inventories/fjordline --at 2026-11-22T09:00:00Z\n  \
        opsctl experiment plan inventory/ --entry shop --count 3 --seed 7 --format json"
    )]
    Plan(plan::ExperimentPlanArgs),
}

/// Runs an experiment subcommand.
pub(crate) fn run(command: ExperimentCommand) -> Result<u8> {
    match command {
        ExperimentCommand::New(args) => new::run(&args),
        ExperimentCommand::Check(args) => check::run(&args),
        ExperimentCommand::Plan(args) => plan::run(&args),
    }
}
