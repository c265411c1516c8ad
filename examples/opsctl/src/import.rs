//! `opsctl import`: other tools' exports to inventory files.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use ops_core::import::{self, AwsCredentialReportOptions, GrantsCsvOptions, Imported};
use ops_core::{CredentialKind, Limits};

use crate::cli::{ImportCommand, RootKind};
use crate::write;

pub(crate) fn run(command: ImportCommand) -> Result<u8> {
    let (imported, output) = match command {
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
    let text = imported.to_inventory_json();
    match output {
        Some(path) => {
            write::atomic_write(path, text.as_bytes())?;
            eprintln!(
                "wrote {} credential{} and {} grant{} to {}",
                imported.credentials.len(),
                if imported.credentials.len() == 1 { "" } else { "s" },
                imported.grants.len(),
                if imported.grants.len() == 1 { "" } else { "s" },
                path.display()
            );
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
