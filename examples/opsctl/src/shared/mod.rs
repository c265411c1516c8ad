//! What every command shares: where the inventory comes from (`Inputs`,
//! `--backstage`), `--at`, `--fail-on` and exit codes, writing output (to
//! standard output or atomically to a file, coloured or not) and the
//! conventions of machine output (instants in RFC 3339 UTC, durations in
//! whole seconds).

pub(crate) mod color;
pub(crate) mod config;
pub(crate) mod picture;
pub(crate) mod plugins;
pub(crate) mod write;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use chrono::TimeDelta;
use clap::ValueEnum;
use ops_core::graph::Component;
use ops_core::import::BackstageInference;
use ops_core::{Idx, Inventory, LoadOptions, Severity, Timestamp};

/// Exit code for findings at or above the threshold (and, for the analysis
/// commands, "something is down or a single point of failure").
pub(crate) const EXIT_FINDINGS: u8 = 1;
/// Exit code for usage and input errors (clap uses 2 for usage errors too).
pub(crate) const EXIT_ERROR: u8 = 2;

/// Where an inventory comes from: inventory files, and Backstage catalogs.
#[derive(Debug, clap::Args)]
pub(crate) struct Inputs {
    /// Inventory files or directories (read recursively). With --backstage,
    /// they may overlay the catalog's entities (docs/backstage.md).
    #[arg(value_name = "PATH", required_unless_present_any = ["backstage", "terraform", "kubernetes"])]
    pub(crate) paths: Vec<PathBuf>,
    /// Also read the Backstage catalog files (.yaml, .yml) under DIR as
    /// components, people and groups (repeatable).
    #[arg(long, value_name = "DIR")]
    pub(crate) backstage: Vec<PathBuf>,
    /// Also read the JSON of `terraform show -json` (a state or a plan) as
    /// components, domains, backup policies and access (repeatable;
    /// docs/terraform.md).
    #[arg(long, value_name = "STATE.json")]
    pub(crate) terraform: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) infer: BackstageInfer,
    #[command(flatten)]
    pub(crate) kubernetes: KubernetesInputs,
    /// The format of the inventory read from standard input (PATH `-` or
    /// `/dev/stdin`).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = StdinFormat::Yaml)]
    pub(crate) stdin_format: StdinFormat,
}

/// [`Inputs`] for commands that take an id after the paths: clap cannot
/// leave out a list of positional arguments that a required one follows, so
/// here at least one PATH is needed even with --backstage (an overlay, or
/// any other inventory file).
#[derive(Debug, clap::Args)]
pub(crate) struct InputsBeforeId {
    /// Inventory files or directories (read recursively). With --backstage,
    /// they may overlay the catalog's entities (docs/backstage.md).
    #[arg(value_name = "PATH", required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Also read the Backstage catalog files (.yaml, .yml) under DIR as
    /// components, people and groups (repeatable).
    #[arg(long, value_name = "DIR")]
    pub(crate) backstage: Vec<PathBuf>,
    /// Also read the JSON of `terraform show -json` (a state or a plan) as
    /// components, domains, backup policies and access (repeatable;
    /// docs/terraform.md).
    #[arg(long, value_name = "STATE.json")]
    pub(crate) terraform: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) infer: BackstageInfer,
    #[command(flatten)]
    pub(crate) kubernetes: KubernetesInputs,
    /// The format of the inventory read from standard input (PATH `-` or
    /// `/dev/stdin`).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = StdinFormat::Yaml)]
    pub(crate) stdin_format: StdinFormat,
}

/// `--kubernetes`: a cluster dump or manifests read with the inventory.
#[derive(Debug, clap::Args)]
pub(crate) struct KubernetesInputs {
    /// Also read a Kubernetes dump (`kubectl get ... -A -o json`) or
    /// manifests (.json, .yaml, .yml; directories recursively) as
    /// components, domains, principals and grants (repeatable; see
    /// docs/kubernetes.md). Inventory PATHs overlay what it gives.
    #[arg(long, value_name = "PATH")]
    pub(crate) kubernetes: Vec<PathBuf>,
    /// The name of the --kubernetes cluster: its failure domain and the
    /// system its ClusterRoleBindings grant on.
    #[arg(long = "kubernetes-cluster", value_name = "NAME", default_value = "kubernetes")]
    pub(crate) cluster: String,
}

/// What to infer from Backstage catalogs without `ops.dev/*` annotations.
#[derive(Debug, clap::Args)]
pub(crate) struct BackstageInfer {
    /// What to infer from --backstage catalogs where they have no ops.dev
    /// annotations: `all` (entry points from spec.type, dependencies from
    /// consumesApis and subcomponentOf, each tagged inferred:...) or `none`.
    #[arg(long = "backstage-infer", value_enum, value_name = "WHAT", default_value_t = Infer::All)]
    pub(crate) infer: Infer,
    /// A Component spec.type that makes an entry point (repeatable; default:
    /// website).
    #[arg(long = "backstage-entry-type", value_name = "TYPE")]
    pub(crate) entry_types: Vec<String>,
}

/// `--backstage-infer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Infer {
    /// Entry points from spec.type, dependencies from consumesApis and subcomponentOf.
    All,
    /// Only what the catalog says.
    None,
}

impl BackstageInfer {
    /// The library's options for these flags.
    pub(crate) fn inference(&self) -> BackstageInference {
        match self.infer {
            Infer::None => BackstageInference::none(),
            Infer::All => {
                let mut infer = BackstageInference::default();
                if !self.entry_types.is_empty() {
                    infer.entry_types = self.entry_types.clone();
                }
                infer
            }
        }
    }
}

/// The formats an inventory on standard input can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum StdinFormat {
    /// YAML (JSON is read as YAML too, but `json` is faster and its errors clearer).
    Yaml,
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

/// Inventory files and Backstage catalogs named on the command line.
pub(crate) struct Sources<'a> {
    paths: &'a [PathBuf],
    backstage: &'a [PathBuf],
    terraform: &'a [PathBuf],
    kubernetes: &'a KubernetesInputs,
    infer: BackstageInference,
    stdin_format: StdinFormat,
}

impl<'a> From<&'a Inputs> for Sources<'a> {
    fn from(i: &'a Inputs) -> Self {
        Sources {
            paths: &i.paths,
            backstage: &i.backstage,
            terraform: &i.terraform,
            kubernetes: &i.kubernetes,
            infer: i.infer.inference(),
            stdin_format: i.stdin_format,
        }
    }
}

impl<'a> From<&'a InputsBeforeId> for Sources<'a> {
    fn from(i: &'a InputsBeforeId) -> Self {
        Sources {
            paths: &i.paths,
            backstage: &i.backstage,
            terraform: &i.terraform,
            kubernetes: &i.kubernetes,
            infer: i.infer.inference(),
            stdin_format: i.stdin_format,
        }
    }
}

/// Loads the inventory named on the command line; notes of what was skipped
/// (Backstage kinds ops does not import) go to standard error. Its `person`
/// failure domains count every grant (commands without an instant).
pub(crate) fn load<'a>(inputs: impl Into<Sources<'a>>) -> Result<Inventory> {
    load_options(inputs.into(), LoadOptions::default())
}

/// Like [`load`], the `person` failure domains derived from the grants in
/// force at `at` (the `--at` of the commands that take one, or now).
pub(crate) fn load_at<'a>(inputs: impl Into<Sources<'a>>, at: Timestamp) -> Result<Inventory> {
    let mut options = LoadOptions::default();
    options.at = Some(at);
    load_options(inputs.into(), options)
}

fn load_options(inputs: Sources<'_>, mut options: LoadOptions) -> Result<Inventory> {
    options.backstage = inputs.backstage.to_vec();
    options.backstage_infer = inputs.infer;
    options.terraform = inputs.terraform.to_vec();
    options.kubernetes = inputs.kubernetes.kubernetes.clone();
    options.kubernetes_cluster = Some(inputs.kubernetes.cluster.clone());
    let is_stdin = |p: &PathBuf| p.as_os_str() == "-" || p.as_os_str() == "/dev/stdin";
    let files: Vec<&PathBuf> = inputs.paths.iter().filter(|p| !is_stdin(p)).collect();
    if files.len() < inputs.paths.len() {
        // Read once (naming it twice reads nothing more), up to the file limit.
        let mut text = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin().lock(), options.limits.max_file_bytes.saturating_add(1)),
            &mut text,
        )
        .context("cannot read standard input")?;
        let text = String::from_utf8(text).map_err(|e| {
            anyhow::anyhow!(
                "<stdin>: not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        let format = match inputs.stdin_format {
            StdinFormat::Yaml => ops_core::Format::Yaml,
            StdinFormat::Json => ops_core::Format::Json,
            StdinFormat::Toml => ops_core::Format::Toml,
        };
        options.texts.push(("<stdin>".to_owned(), format, text));
    }
    let inventory = Inventory::load_with(&files, &options)?;
    for note in inventory.notes() {
        eprintln!("note: {}", ops_core::render::escape_controls(&note.to_string()));
    }
    Ok(inventory)
}

/// A runner with the built-in rules of one owner (`backup`, `job`), for the
/// status commands, and its report on `inv` at `now`.
pub(crate) fn domain_report(inv: &Inventory, owner: &str, now: Timestamp) -> ops_core::Report {
    let mut runner = ops_core::Runner::new();
    for (o, check) in ops_core::builtin::rules() {
        if o == owner {
            runner.add(Box::new(check));
        }
    }
    runner.run(inv, now)
}

/// A finding as a line of a status command (`backup status`, `job status`):
/// severity, message and rule, and until when it is waived if it is (a
/// waived finding does not count for `--fail-on`).
pub(crate) fn status_line(f: &ops_core::Finding) -> String {
    let mut line = format!("{:<9}  {} [{}]", f.severity.as_str().to_uppercase(), f.message, f.check);
    if let Some(w) = &f.waiver {
        line.push_str(&format!(" (waived until {} by {})", instant(w.expires), w.owner));
    }
    line
}

/// The value parser of `--at`, `--since` and other instants: RFC 3339, or a
/// date (midnight UTC).
pub(crate) fn parse_at(s: &str) -> Result<Timestamp, String> {
    ops_core::time::parse_instant(s)
}

/// The instant of `--at`, or now: checks never read the clock themselves.
pub(crate) fn at_or_now(at: Option<Timestamp>) -> Timestamp {
    at.unwrap_or_else(chrono::Utc::now)
}

/// `--fail-on`: the severity from which findings make the exit code 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    /// Never fail because of findings.
    Never,
}

impl FailOn {
    /// The threshold, or `None` for `never`.
    pub(crate) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }

    /// Whether the worst finding of a report reaches the threshold.
    pub(crate) fn is_reached_by(self, worst: Option<Severity>) -> bool {
        match (self.threshold(), worst) {
            (Some(threshold), Some(worst)) => worst >= threshold,
            _ => false,
        }
    }
}

/// `--format text|json` of the commands that report for people and programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AnalysisFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Writes `text` to `output` atomically, or to standard output when there
/// is none. A closed pipe (`opsctl check | head`) is not an error. The text
/// is written as is: use [`emit_with`] with `styled` for text that may carry colour.
pub(crate) fn emit(output: Option<&Path>, text: &str) -> Result<()> {
    emit_with(output, false, |w| w.write_all(text.as_bytes()))
}

/// Like [`emit`] for text that quotes what a plugin declared (rule ids,
/// titles, explanations, import names): each line's control and
/// bidirectional characters are escaped, so a plugin cannot rewrite the
/// terminal with them.
pub(crate) fn emit_untrusted(output: Option<&Path>, text: &str) -> Result<()> {
    emit_with(output, false, |w| {
        for line in text.split_inclusive('\n') {
            let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
            w.write_all(ops_core::render::escape_controls(body).as_bytes())?;
            w.write_all(end.as_bytes())?;
        }
        Ok(())
    })
}

/// Writes what `fill` writes, as it writes it, through a buffer: to `output`
/// atomically (see [`mod@write`]), or to standard output, where a closed pipe
/// (`| head`) ends the output quietly. With `styled`, ANSI styles are kept
/// or stripped: they reach standard output as `--color` and the terminal
/// decide (see [`color`]), and a file only with `--color always`.
pub(crate) fn emit_with(
    output: Option<&Path>,
    styled: bool,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    use std::io::Write as _;
    let result = match output {
        Some(path) if styled && !color::always() => {
            return write::atomic_write_with(path, |w| {
                fill(&mut Strip {
                    inner: w,
                    state: anstream::adapter::StripBytes::new(),
                })
            });
        }
        Some(path) => return write::atomic_write_with(path, fill),
        None if styled => {
            let mut out = std::io::BufWriter::new(anstream::stdout().lock());
            fill(&mut out).and_then(|()| out.flush())
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            fill(&mut out).and_then(|()| out.flush())
        }
    };
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("cannot write the output"),
        _ => Ok(()),
    }
}

/// A writer that drops ANSI escape sequences on the way to `inner`, across
/// however the text is cut into writes.
struct Strip<'a> {
    inner: &'a mut dyn std::io::Write,
    state: anstream::adapter::StripBytes,
}

impl std::io::Write for Strip<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for part in self.state.strip_next(buf) {
            self.inner.write_all(part)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a JSON document, pretty-printed and ending with a line break, as
/// [`emit`] does.
pub(crate) fn emit_json(output: Option<&Path>, doc: &impl serde::Serialize) -> Result<()> {
    emit_with(output, false, |w| {
        serde_json::to_writer_pretty(&mut *w, doc)?;
        w.write_all(b"\n")
    })
}

/// An instant as machine output writes it: RFC 3339 in UTC (`Z`), with a
/// fraction of a second only when there is one.
pub(crate) fn instant(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A duration as machine output writes it: whole seconds (truncated toward
/// zero), under a key ending in `_seconds`.
pub(crate) fn seconds(d: TimeDelta) -> i64 {
    d.num_seconds()
}

/// " (did you mean 'x'?)" when one of `known` is close to `id`, else "".
pub(crate) fn hint<'a>(id: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    ops_core::suggest::did_you_mean(id, known)
        .map(|m| format!(" (did you mean '{m}'?)"))
        .unwrap_or_default()
}

/// The component named `id`, or an error saying why there is none.
pub(crate) fn component(inv: &Inventory, id: &str) -> Result<Idx<Component>> {
    Ok(ops_core::graph::component_target(inv, id)?)
}

/// The entry point named `id`, or an error saying why it is not one.
pub(crate) fn entry_point(inv: &Inventory, id: &str) -> Result<Idx<Component>> {
    Ok(ops_core::graph::entry_target(inv, id)?)
}

/// The ids of components, sorted.
pub(crate) fn sorted_ids(inv: &Inventory, cs: impl IntoIterator<Item = Idx<Component>>) -> Vec<String> {
    let mut v: Vec<String> = cs.into_iter().map(|c| inv.component(c).id.clone()).collect();
    v.sort();
    v
}

/// The largest report read back (a baseline, one side of a diff): the JSON
/// report of a large estate.
const MAX_REPORT_BYTES: u64 = 1 << 30;

/// The text of a JSON report written by `check --format json`, up to
/// [`MAX_REPORT_BYTES`].
pub(crate) fn read_report(path: &Path) -> Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_REPORT_BYTES + 1), &mut text)
        .with_context(|| format!("cannot read {} (is it UTF-8 text?)", path.display()))?;
    if text.len() as u64 > MAX_REPORT_BYTES {
        bail!("{}: larger than {MAX_REPORT_BYTES} bytes", path.display());
    }
    Ok(text)
}

#[cfg(test)]
mod untrusted_tests {
    #[test]
    fn plugin_text_keeps_its_lines_but_not_its_control_characters() {
        let path = std::env::temp_dir().join(format!("opsctl-untrusted-{}.txt", std::process::id()));
        super::emit_untrusted(Some(&path), "rule\x1b[2K\rforged\u{202E}\nsecond line\n").unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(written, "rule\\u{1b}[2K\\rforged\\u{202e}\nsecond line\n");
    }
}
