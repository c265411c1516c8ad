//! `opsctl import`: other tools' exports to inventory files.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ops_core::import::{self, AwsCredentialReportOptions, BackstageCatalog, GrantsCsvOptions, Imported};
use ops_core::{CredentialKind, Limits};

use crate::cli::{ImportCommand, RootKind};
use crate::write;

pub(crate) fn run(command: ImportCommand) -> Result<u8> {
    let (imported, output) = match command {
        ImportCommand::Backstage(args) => {
            let catalog = BackstageCatalog::load(&args.paths, &Limits::default())?;
            for note in catalog.notes() {
                eprintln!("note: {note}");
            }
            write_text(&catalog.to_inventory_json(), args.output.as_deref())?;
            if let Some(path) = &args.output {
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                let (c, p, g) = (catalog.components(), catalog.people(), catalog.groups());
                eprintln!(
                    "wrote {c} component{}, {p} {} and {g} group{} to {}",
                    plural(c),
                    if p == 1 { "person" } else { "people" },
                    plural(g),
                    path.display()
                );
            }
            return Ok(0);
        }
        ImportCommand::ResticSnapshots(args) => {
            let text = import::read_input(&args.file, &Limits::default())?;
            let snapshots = ops_core::parse_restic_snapshots(&args.file.display().to_string(), &text)?;
            let json = ops_core::backup_runs_json(&snapshots, &args.policy);
            write_text(&json, args.output.as_deref())?;
            if let Some(path) = &args.output {
                let n = snapshots.len();
                eprintln!(
                    "wrote {n} backup run{} to {}",
                    if n == 1 { "" } else { "s" },
                    path.display()
                );
            }
            return Ok(0);
        }
        ImportCommand::AwsCredentialReport(args) => {
            let mut options = AwsCredentialReportOptions::new(args.system);
            for (user, principal) in args.map {
                options = options.map_user(user, principal.as_deref());
            }
            options.root_kind = match args.root_kind {
                RootKind::Shared => CredentialKind::Shared,
                RootKind::Personal => CredentialKind::Personal,
            };
            let text = import::read_input(&args.file, &options.limits)?;
            let name = args.file.display().to_string();
            (import::aws_credential_report(&name, &text, &options)?, args.output)
        }
        ImportCommand::GrantsCsv(args) => {
            let options = GrantsCsvOptions::default();
            let text = import::read_input(&args.file, &Limits::default())?;
            let name = args.file.display().to_string();
            (import::grants_csv(&name, &text, &options)?, args.output)
        }
    };
    emit(&imported, output.as_deref())?;
    Ok(0)
}

fn emit(imported: &Imported, output: Option<&Path>) -> Result<()> {
    write_text(&imported.to_inventory_json(), output)?;
    if let Some(path) = output {
        eprintln!(
            "wrote {} credential{} and {} grant{} to {}",
            imported.credentials.len(),
            if imported.credentials.len() == 1 { "" } else { "s" },
            imported.grants.len(),
            if imported.grants.len() == 1 { "" } else { "s" },
            path.display()
        );
    }
    Ok(())
}

/// Writes an inventory file atomically, or to standard output.
fn write_text(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        Some(path) => {
            write::atomic_write(path, text.as_bytes())?;
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush())
                && e.kind() != std::io::ErrorKind::BrokenPipe
            {
                return Err(e).context("cannot write the inventory file");
            }
        }
    }
    Ok(())
}
