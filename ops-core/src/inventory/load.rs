//! Loading: files and in-memory texts in, a validated [`Inventory`] out.
//! Reads the sources (and any Backstage catalog) into the raw sections,
//! validates them into the model, then derives the `person` failure domains.

use std::path::PathBuf;
use std::sync::Arc;

use super::raw;
use super::sections::RawInventory;
use super::validate;
use super::{Inventory, LoadOptions};
use crate::Error;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::import::{
    Backstage, BackstageOptions, Imported, Importer, Kubernetes, KubernetesOptions, Terraform, TerraformOptions,
    problem,
};
use crate::source::de::Sink;
use crate::source::files::{self, Wanted};
use crate::source::{self, Format, LoadLimits};

impl Inventory {
    /// Loads and validates the files and directories at `paths`, with default limits.
    ///
    /// Directories are read recursively, in name order, skipping hidden
    /// entries and files that are not `.yaml`, `.yml`, `.toml` or `.json`.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found, each with its location.
    pub fn load<P: Into<PathBuf> + Clone>(paths: &[P]) -> Result<Inventory, Error> {
        Inventory::load_with(paths, &LoadOptions::default())
    }

    /// Like [`Inventory::load`], with explicit options.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    pub fn load_with<P: Into<PathBuf> + Clone>(paths: &[P], options: &LoadOptions) -> Result<Inventory, Error> {
        let paths: Vec<PathBuf> = paths.iter().cloned().map(Into::into).collect();
        let mut diags = Diagnostics::default();
        let texts = files::read_all(&paths, &options.limits, Wanted::Inventory, &mut diags);
        // Other tools' exports that load as they are, through their importers.
        let mut imports = Vec::new();
        if !options.backstage.is_empty() {
            let backstage = BackstageOptions {
                limits: options.limits.clone(),
                infer: options.backstage_infer.clone(),
            };
            imports.push(Backstage.read_paths(&options.backstage, &backstage));
        }
        if !options.terraform.is_empty() {
            let terraform = TerraformOptions {
                limits: options.limits.clone(),
            };
            imports.push(Terraform.read_paths(&options.terraform, &terraform));
        }
        if !options.kubernetes.is_empty() {
            let cluster =
                (options.kubernetes_cluster.clone()).unwrap_or_else(|| KubernetesOptions::DEFAULT_CLUSTER.to_owned());
            let kubernetes = KubernetesOptions {
                limits: options.limits.clone(),
                cluster,
            };
            imports.push(Kubernetes.read_paths(&options.kubernetes, &kubernetes));
        }
        let mut inline: Vec<&(String, Format, String)> = Vec::new();
        for text in &options.texts {
            if text.2.len() as u64 > options.limits.max_file_bytes {
                diags.push(Diagnostic::new(
                    None,
                    format!(
                        "{}: text is {} bytes, over the limit of {} bytes",
                        text.0,
                        text.2.len(),
                        options.limits.max_file_bytes
                    ),
                ));
            } else {
                inline.push(text);
            }
        }
        if texts.is_empty() && inline.is_empty() && imports.is_empty() && diags.is_empty() {
            diags.push(Diagnostic::new(
                None,
                "no inventory files found (expected .yaml, .yml, .toml or .json files)",
            ));
        }
        let sources: Vec<(Arc<str>, Format, &str)> = texts
            .iter()
            .map(|t| (t.name.clone(), t.format, t.text.as_str()))
            .chain(
                inline
                    .iter()
                    .map(|(name, format, text)| (Arc::from(name.as_str()), *format, text.as_str())),
            )
            .collect();
        Inventory::build(&sources, imports, &options.limits, options.at, diags)
    }

    /// Loads an inventory from one in-memory text; `name` is used in locations.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem found.
    pub fn from_text(name: &str, format: Format, text: &str) -> Result<Inventory, Error> {
        let limits = LoadLimits::default();
        let mut diags = Diagnostics::default();
        let size = text.len() as u64;
        if size > limits.max_file_bytes {
            diags.push(Diagnostic::new(
                None,
                format!(
                    "{name}: file is {size} bytes, over the limit of {} bytes",
                    limits.max_file_bytes
                ),
            ));
            return Err(Error::Invalid(diags));
        }
        Inventory::build(&[(Arc::from(name), format, text)], Vec::new(), &limits, None, diags)
    }

    /// Loads `sources` (inventory files) and `imports` (what importers read
    /// from other tools' exports, such as a Backstage catalog), the imports
    /// first so the files can overlay them.
    fn build<'t>(
        sources: &[(Arc<str>, Format, &'t str)],
        imports: Vec<Imported>,
        limits: &LoadLimits,
        at: Option<crate::Timestamp>,
        mut diags: Diagnostics,
    ) -> Result<Inventory, Error> {
        let sink = Sink::default();
        let mut raw = RawInventory::default();
        let mut notes = Vec::new();
        let mut imported = None;
        for import in imports {
            let (document, import_notes, problems, unreadable, incomplete) = import.into_parts();
            raw.add_document(&document, &sink);
            raw.broken.extend(unreadable);
            raw.incomplete |= incomplete;
            // To the sink, not to `diags`, which would make the whole inventory
            // incomplete: the import says itself whether it is.
            for p in &problems {
                sink.push(problem::to_diagnostic(&p.place, &p.message));
            }
            notes.extend(
                import_notes
                    .iter()
                    .map(|n| problem::to_diagnostic(&n.place, &n.message)),
            );
            imported = Some(raw.imported());
        }
        for (name, format, text) in sources {
            // Some editors start files with a byte-order mark; it is not content.
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let mut item = |section: &str, item: source::Item<'_, 't>| raw.add_item(section, item, &sink);
            let stream = source::Stream {
                keys: raw::LIST_SECTIONS,
                item: &mut item,
            };
            let parsed = source::parse(name, text, *format, limits, Some(stream));
            match parsed {
                Ok(docs) => {
                    for doc in &docs {
                        raw.add_document(doc, &sink);
                    }
                }
                Err(d) => {
                    diags.push(d);
                    // Its ids are unknown: references into it cannot be judged.
                    raw.incomplete = true;
                }
            }
        }
        if let Some(imported) = imported {
            raw.apply_overlay(imported);
        }
        // A file that could not be read at all hides ids the same way.
        raw.incomplete |= !diags.is_empty();
        diags.extend(sink.take());
        if !diags.is_empty() {
            // References cannot be checked reliably when entities are missing;
            // still report the reference problems among what did parse.
            if let Err(more) = validate::validate(raw) {
                diags.extend(more.iter().cloned());
            }
            return Err(Error::Invalid(diags.finish()));
        }
        let mut inventory = validate::validate(raw).map_err(Error::Invalid)?;
        inventory.notes = notes;
        // The one derived step: who alone administers a component becomes a
        // failure domain of kind `person` (see `access/single-admin`).
        inventory.derive_person_domains(at);
        Ok(inventory)
    }
}
