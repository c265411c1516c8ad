//! The configuration file of `opsctl check` (`--config FILE`, else
//! `ops.toml` in the current directory when there is one): `fail_on`,
//! `[rules]`, `[thresholds."RULE"]` and `[[plugins]]`. Flags win over it.
//!
//! It is read with toml's spanned document (`toml::de::DeTable`), so every
//! problem (an unknown key, an unknown rule id, a bad value) is reported at
//! its file, line and column, with a suggestion where one is close.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow};
use chrono::TimeDelta;
use clap::ValueEnum as _;
use ops_core::suggest::did_you_mean;
use ops_core::{Check, Runner, Severity, builtin};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::FailOn;

/// The file read when `--config` is not given, if it exists.
pub(crate) const DEFAULT_FILE: &str = "ops.toml";

/// The largest configuration file read: a configuration is a few hundred bytes.
const MAX_BYTES: u64 = 1 << 20;

/// What a `[rules]` entry does to a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleSetting {
    /// `"off"`: the rule does not run.
    Off,
    /// A severity: its findings are reported at it.
    Severity(Severity),
}

/// One `[[plugins]]` entry: a plugin, and its configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PluginEntry {
    /// The `.wasm` file, relative to the configuration file's directory.
    pub(crate) path: PathBuf,
    /// Its configuration file, relative likewise.
    pub(crate) config: Option<PathBuf>,
}

/// A threshold a built-in rule takes: its name in `[thresholds."RULE"]`,
/// what it means, and its default.
struct Threshold {
    rule: &'static str,
    key: &'static str,
    help: &'static str,
    default: Limit,
}

/// A threshold's value: a duration (`"90d"`), or the steps a search may
/// spend (an integer), whichever its default is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Limit {
    /// A duration longer than zero.
    Duration(TimeDelta),
    /// A number of steps, more than zero.
    Steps(u64),
}

impl Limit {
    /// The duration, if this is one.
    fn duration(self) -> Option<TimeDelta> {
        match self {
            Limit::Duration(d) => Some(d),
            Limit::Steps(_) => None,
        }
    }

    /// The number of steps, if this is one.
    fn steps(self) -> Option<u64> {
        match self {
            Limit::Steps(n) => Some(n),
            Limit::Duration(_) => None,
        }
    }

    /// As written in `ops.toml`.
    fn to_toml(self) -> String {
        match self {
            Limit::Duration(d) => format!("\"{}\"", ops_core::time::format_duration(d)),
            Limit::Steps(n) => n.to_string(),
        }
    }
}

/// Every threshold the configuration can set, by rule.
const THRESHOLDS: &[Threshold] = &[
    Threshold {
        rule: "access/unused-grant",
        key: "threshold",
        help: "grants unused for longer than this are reported",
        default: Limit::Duration(ops_core::access::UnusedGrantOptions::DEFAULT.threshold),
    },
    Threshold {
        rule: "backup/no-recent-drill",
        key: "drill_interval",
        help: "drill interval of policies that set no drill_interval",
        default: Limit::Duration(ops_core::backup::NoRecentDrillOptions::DEFAULT.default_interval),
    },
    Threshold {
        rule: "graph/double-fault",
        key: "work",
        help: "steps the search may spend on the whole estate before it stops and says so",
        default: Limit::Steps(ops_core::graph::DOUBLE_FAULT_RULE_WORK as u64),
    },
    Threshold {
        rule: "graph/untested-redundancy",
        key: "window",
        help: "redundancy no experiment exercised for longer than this is reported",
        default: Limit::Duration(ops_core::graph::UntestedRedundancyOptions::DEFAULT.window),
    },
    Threshold {
        rule: "incident/missing-postmortem",
        key: "grace",
        help: "time after resolution before a missing post-mortem is reported",
        default: Limit::Duration(ops_core::incident::MissingPostmortemOptions::DEFAULT.grace),
    },
    Threshold {
        rule: "incident/customer-detected",
        key: "lookback",
        help: "incidents detected longer ago than this are not looked at",
        default: Limit::Duration(ops_core::incident::CustomerDetectedOptions::DEFAULT.lookback),
    },
    Threshold {
        rule: "incident/change-before-incident",
        key: "window",
        help: "changes up to this long before an incident are reported",
        default: Limit::Duration(ops_core::incident::ChangeBeforeIncidentOptions::DEFAULT.window),
    },
    Threshold {
        rule: "incident/change-before-incident",
        key: "lookback",
        help: "incidents detected longer ago than this are not looked at",
        default: Limit::Duration(ops_core::incident::ChangeBeforeIncidentOptions::DEFAULT.lookback),
    },
    Threshold {
        rule: "incident/recurrence",
        key: "window",
        help: "incidents detected at most this far apart count as recurring",
        default: Limit::Duration(ops_core::incident::RecurrenceOptions::DEFAULT.window),
    },
    Threshold {
        rule: "incident/recurrence",
        key: "lookback",
        help: "incidents detected longer ago than this are not looked at",
        default: Limit::Duration(ops_core::incident::RecurrenceOptions::DEFAULT.lookback),
    },
];

/// A configuration, read and checked.
#[derive(Clone, Debug, Default)]
pub(crate) struct Config {
    /// The file it was read from, if any.
    pub(crate) file: Option<PathBuf>,
    /// `fail_on`.
    pub(crate) fail_on: Option<FailOn>,
    /// `[rules]`, in the file's order.
    pub(crate) rules: Vec<(String, RuleSetting)>,
    /// Where each plugin rule id of `[rules]` is written (`FILE:LINE:COLUMN`),
    /// to report one that no loaded plugin declares.
    pub(crate) plugin_rules: Vec<(String, String)>,
    /// `[thresholds."RULE"]`: rule, key and value, in the file's order.
    pub(crate) thresholds: Vec<(String, String, Limit)>,
    /// `[[plugins]]`, paths resolved against the file's directory.
    pub(crate) plugins: Vec<PluginEntry>,
}

impl Config {
    /// The configuration of `--config FILE`, else of `ops.toml` in the
    /// current directory if there is one, else the defaults.
    pub(crate) fn find(explicit: Option<&Path>) -> Result<Config> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
            None => return Ok(Config::default()),
        };
        let mut text = String::new();
        let file = std::fs::File::open(&path).with_context(|| format!("cannot read {}", path.display()))?;
        std::io::Read::read_to_string(&mut std::io::Read::take(file, MAX_BYTES + 1), &mut text)
            .with_context(|| format!("cannot read {} (is it UTF-8 text?)", path.display()))?;
        if text.len() as u64 > MAX_BYTES {
            return Err(anyhow!("{}: larger than {MAX_BYTES} bytes", path.display()));
        }
        Config::parse(&path, &text)
    }

    /// The configuration in `text`, read from `path`.
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Config> {
        let name = path.display().to_string();
        let at = |span: Range<usize>| position(&name, text, span.start);
        let doc = DeTable::parse(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            anyhow!("{}: {}", at(span), e.message())
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config {
            file: Some(path.to_path_buf()),
            ..Config::default()
        };
        for (key, value) in doc.get_ref() {
            match key.get_ref().as_ref() {
                "fail_on" => {
                    let s = string(value, "fail_on", &at)?;
                    let fail_on = <FailOn as clap::ValueEnum>::from_str(&s, true).map_err(|_| {
                        anyhow!(
                            "{}: fail_on = '{s}': expected critical, high, medium, low, info or never",
                            at(value.span())
                        )
                    })?;
                    config.fail_on = Some(fail_on);
                }
                "rules" => {
                    for (rule, setting) in table(value, "rules", &at)? {
                        let id = rule_id(rule, &at)?;
                        let s = string(setting, &format!("rules.\"{id}\""), &at)?;
                        let setting = if s == "off" {
                            RuleSetting::Off
                        } else {
                            RuleSetting::Severity(s.parse().map_err(|_| {
                                anyhow!(
                                    "{}: rule '{id}' = '{s}': expected \"off\" or a severity \
                                     (critical, high, medium, low, info)",
                                    at(setting.span())
                                )
                            })?)
                        };
                        if id.starts_with("plugin:") {
                            config.plugin_rules.push((id.clone(), at(rule.span())));
                        }
                        config.rules.push((id, setting));
                    }
                }
                "thresholds" => {
                    for (rule, keys) in table(value, "thresholds", &at)? {
                        let id = rule_id(rule, &at)?;
                        let known: Vec<&Threshold> = THRESHOLDS.iter().filter(|t| t.rule == id).collect();
                        if known.is_empty() {
                            let with: Vec<&str> = THRESHOLDS.iter().map(|t| t.rule).collect();
                            return Err(anyhow!(
                                "{}: rule '{id}' has no thresholds; these do: {}",
                                at(rule.span()),
                                dedup(&with).join(", ")
                            ));
                        }
                        for (key, value) in table(keys, &format!("thresholds.\"{id}\""), &at)? {
                            let k = key.get_ref().as_ref();
                            let Some(t) = known.iter().find(|t| t.key == k) else {
                                let keys: Vec<&str> = known.iter().map(|t| t.key).collect();
                                return Err(unknown(&at(key.span()), &format!("threshold of '{id}'"), k, &keys));
                            };
                            let limit = match t.default {
                                Limit::Duration(_) => {
                                    let s = string(value, &format!("thresholds.\"{id}\".{k}"), &at)?;
                                    let d = ops_core::time::parse_duration(&s)
                                        .ok()
                                        .filter(|d| *d > TimeDelta::zero())
                                        .ok_or_else(|| {
                                            anyhow!(
                                                "{}: {k} = '{s}': expected a duration longer than zero, such as 90d, 12h or 2w",
                                                at(value.span())
                                            )
                                        })?;
                                    Limit::Duration(d)
                                }
                                Limit::Steps(default) => Limit::Steps(steps(value, k, default, &at)?),
                            };
                            config.thresholds.push((id.clone(), t.key.to_owned(), limit));
                        }
                    }
                }
                "plugins" => {
                    let DeValue::Array(items) = value.get_ref() else {
                        return Err(anyhow!(
                            "{}: plugins: expected a list of tables ([[plugins]])",
                            at(value.span())
                        ));
                    };
                    for item in items {
                        let mut path = None;
                        let mut plugin_config = None;
                        for (k, v) in table(item, "[[plugins]]", &at)? {
                            match k.get_ref().as_ref() {
                                "path" => path = Some(base.join(string(v, "path", &at)?)),
                                "config" => plugin_config = Some(base.join(string(v, "config", &at)?)),
                                other => {
                                    return Err(unknown(
                                        &at(k.span()),
                                        "key of [[plugins]]",
                                        other,
                                        &["path", "config"],
                                    ));
                                }
                            }
                        }
                        let path = path.ok_or_else(|| anyhow!("{}: [[plugins]] needs a path", at(item.span())))?;
                        config.plugins.push(PluginEntry {
                            path,
                            config: plugin_config,
                        });
                    }
                }
                other => {
                    return Err(unknown(
                        &at(key.span()),
                        "key",
                        other,
                        &["fail_on", "rules", "thresholds", "plugins"],
                    ));
                }
            }
        }
        Ok(config)
    }

    /// Checks that every plugin rule `[rules]` names is a rule of `runner`
    /// (whose plugins all loaded), with a suggestion when one is close.
    pub(crate) fn check_plugin_rules(&self, runner: &Runner) -> Result<()> {
        let known: Vec<&str> = runner.rules().map(ops_core::Rule::id).collect();
        for (id, at) in &self.plugin_rules {
            if !known.contains(&id.as_str()) {
                let plugin: Vec<&str> = known.iter().copied().filter(|k| k.starts_with("plugin:")).collect();
                return Err(match did_you_mean(id, plugin.iter().copied()) {
                    Some(s) => anyhow!("{at}: no loaded plugin has the rule '{id}' (did you mean '{s}'?)"),
                    None => anyhow!("{at}: no loaded plugin has the rule '{id}'"),
                });
            }
        }
        Ok(())
    }

    /// The value `[thresholds."RULE"]` sets for `key` (the last one written), else `default`.
    pub(crate) fn threshold(&self, rule: &str, key: &str, default: TimeDelta) -> TimeDelta {
        (self.thresholds.iter().rev())
            .find(|(r, k, _)| r == rule && k == key)
            .and_then(|(_, _, limit)| limit.duration())
            .unwrap_or(default)
    }

    /// Applies `[rules]` and `[thresholds]` to a runner of every built-in
    /// check; the runner gets plugins separately.
    pub(crate) fn runner(&self) -> Runner {
        let mut runner = Runner::new();
        for (_, check) in builtin::rules() {
            runner.add(self.builtin(check));
        }
        for (id, setting) in &self.rules {
            match setting {
                RuleSetting::Off => runner.disable(id),
                RuleSetting::Severity(s) => runner.override_severity(id, *s),
            };
        }
        runner
    }

    /// The built-in check, with the thresholds the configuration sets for it.
    fn builtin(&self, check: &'static dyn Check) -> Box<dyn Check> {
        let setting = |key: &str| {
            self.thresholds
                .iter()
                .rev()
                .find(|(r, k, _)| r == check.name() && k == key)
                .map(|(_, _, limit)| *limit)
        };
        let get = |key: &str| setting(key).and_then(Limit::duration);
        match check.name() {
            "access/unused-grant" => {
                let mut o = ops_core::access::UnusedGrantOptions::DEFAULT;
                o.threshold = get("threshold").unwrap_or(o.threshold);
                Box::new(ops_core::access::UNUSED_GRANT.with_options(o))
            }
            "backup/no-recent-drill" => {
                let mut o = ops_core::backup::NoRecentDrillOptions::DEFAULT;
                o.default_interval = get("drill_interval").unwrap_or(o.default_interval);
                Box::new(ops_core::backup::NO_RECENT_DRILL.with_options(o))
            }
            "graph/untested-redundancy" => {
                let mut o = ops_core::graph::UntestedRedundancyOptions::DEFAULT;
                o.window = get("window").unwrap_or(o.window);
                Box::new(ops_core::graph::UNTESTED_REDUNDANCY.with_options(o))
            }
            // "Recent" is one window for both drill rules: the one of graph/untested-redundancy.
            "graph/double-fault" => {
                let window = (self.thresholds.iter().rev())
                    .find(|(r, k, _)| r == "graph/untested-redundancy" && k == "window")
                    .and_then(|(_, _, limit)| limit.duration());
                let mut o = ops_core::graph::DoubleFaultOptions::DEFAULT;
                o.window = window.unwrap_or(o.window);
                if let Some(work) = setting("work").and_then(Limit::steps) {
                    o = o.with_work(usize::try_from(work).unwrap_or(usize::MAX));
                }
                Box::new(ops_core::graph::DOUBLE_FAULT.with_options(o))
            }
            "incident/missing-postmortem" => {
                let mut o = ops_core::incident::MissingPostmortemOptions::DEFAULT;
                o.grace = get("grace").unwrap_or(o.grace);
                Box::new(ops_core::incident::MISSING_POSTMORTEM.with_options(o))
            }
            "incident/customer-detected" => {
                let mut o = ops_core::incident::CustomerDetectedOptions::DEFAULT;
                o.lookback = get("lookback").unwrap_or(o.lookback);
                Box::new(ops_core::incident::CUSTOMER_DETECTED.with_options(o))
            }
            "incident/change-before-incident" => {
                let mut o = ops_core::incident::ChangeBeforeIncidentOptions::DEFAULT;
                o.window = get("window").unwrap_or(o.window);
                o.lookback = get("lookback").unwrap_or(o.lookback);
                Box::new(ops_core::incident::CHANGE_BEFORE_INCIDENT.with_options(o))
            }
            "incident/recurrence" => {
                let mut o = ops_core::incident::RecurrenceOptions::DEFAULT;
                o.window = get("window").unwrap_or(o.window);
                o.lookback = get("lookback").unwrap_or(o.lookback);
                Box::new(ops_core::incident::RECURRENCE.with_options(o))
            }
            _ => Box::new(check),
        }
    }

    /// The effective configuration as TOML, `fail_on` being the one that
    /// applies (`flag`, else the file's, else the default): every rule's
    /// setting and every threshold, each marked with where it comes from.
    pub(crate) fn effective(&self, fail_on: FailOn, fail_on_from: &str) -> String {
        let mut out = String::new();
        let file = match &self.file {
            Some(f) => f.display().to_string(),
            None => "none".to_owned(),
        };
        let _ = writeln!(out, "# configuration file: {file}");
        let name = fail_on
            .to_possible_value()
            .map(|v| v.get_name().to_owned())
            .unwrap_or_default();
        let _ = writeln!(out, "fail_on = \"{name}\"  # {fail_on_from}\n\n[rules]");
        for (_, check) in builtin::rules() {
            for rule in check.rules() {
                let id = rule.id();
                let (value, from) = match self.rules.iter().rev().find(|(r, _)| r == id) {
                    Some((_, RuleSetting::Off)) => ("off".to_owned(), "configured"),
                    Some((_, RuleSetting::Severity(s))) => (s.to_string(), "configured"),
                    None => (rule.default_severity().to_string(), "default"),
                };
                let _ = writeln!(out, "\"{id}\" = \"{value}\"  # {from}");
            }
        }
        for (id, setting) in &self.rules {
            if id.starts_with("plugin:") {
                let value = match setting {
                    RuleSetting::Off => "off".to_owned(),
                    RuleSetting::Severity(s) => s.to_string(),
                };
                let _ = writeln!(out, "\"{id}\" = \"{value}\"  # configured");
            }
        }
        let mut last = "";
        for t in THRESHOLDS {
            if t.rule != last {
                let _ = writeln!(out, "\n[thresholds.\"{}\"]", t.rule);
                last = t.rule;
            }
            let (value, from) = match self.thresholds.iter().rev().find(|(r, k, _)| r == t.rule && k == t.key) {
                Some((_, _, limit)) => (*limit, "configured"),
                None => (t.default, "default"),
            };
            let _ = writeln!(out, "{} = {}  # {from}: {}", t.key, value.to_toml(), t.help);
        }
        for p in &self.plugins {
            let _ = writeln!(out, "\n[[plugins]]\npath = {:?}", p.path.display().to_string());
            if let Some(c) = &p.config {
                let _ = writeln!(out, "config = {:?}", c.display().to_string());
            }
        }
        out
    }
}

/// A number of steps: an integer greater than zero (TOML's `1_000_000` too).
fn steps(value: &Spanned<DeValue<'_>>, key: &str, default: u64, at: &impl Fn(Range<usize>) -> String) -> Result<u64> {
    let n = match value.get_ref() {
        DeValue::Integer(i) => u64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    };
    n.filter(|&n| n > 0).ok_or_else(|| {
        anyhow!(
            "{}: {key}: expected a whole number of steps greater than zero, such as {default}",
            at(value.span())
        )
    })
}

/// `FILE:LINE:COLUMN` of byte `offset` in `text`, the column in characters.
fn position(name: &str, text: &str, offset: usize) -> String {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{name}:{line}:{column}")
}

/// The string `value` is, or an error naming `what`.
fn string(value: &Spanned<DeValue<'_>>, what: &str, at: &impl Fn(Range<usize>) -> String) -> Result<String> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s.to_string()),
        _ => Err(anyhow!("{}: {what}: expected a string", at(value.span()))),
    }
}

/// The table `value` is, or an error naming `what`.
fn table<'a, 'i>(
    value: &'a Spanned<DeValue<'i>>,
    what: &str,
    at: &impl Fn(Range<usize>) -> String,
) -> Result<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Ok(t),
        _ => Err(anyhow!("{}: {what}: expected a table", at(value.span()))),
    }
}

/// A rule id written as a key: a built-in rule's or `plugin:NAME/RULE`.
fn rule_id(key: &Spanned<std::borrow::Cow<'_, str>>, at: &impl Fn(Range<usize>) -> String) -> Result<String> {
    let id = key.get_ref().as_ref();
    if let Some(rest) = id.strip_prefix("plugin:") {
        if matches!(rest.split_once('/'), Some((n, r)) if !n.is_empty() && !r.is_empty()) {
            return Ok(id.to_owned());
        }
        return Err(anyhow!(
            "{}: invalid plugin rule id '{id}': expected plugin:NAME/RULE",
            at(key.span())
        ));
    }
    if builtin::find(id).is_some() {
        return Ok(id.to_owned());
    }
    if let Some((_, new)) = builtin::RENAMED.iter().find(|(old, _)| *old == id) {
        return Err(anyhow!(
            "{}: unknown rule '{id}': it was renamed to '{new}'",
            at(key.span())
        ));
    }
    let ids: Vec<&str> = builtin::rules().map(|(_, c)| c.name()).collect();
    Err(unknown(&at(key.span()), "rule", id, &ids))
}

/// "unknown WHAT 'word'", with the closest of `known` or the list of them.
fn unknown(at: &str, what: &str, word: &str, known: &[&str]) -> anyhow::Error {
    match did_you_mean(word, known.iter().copied()) {
        Some(s) => anyhow!("{at}: unknown {what} '{word}' (did you mean '{s}'?)"),
        None if known.len() <= 8 => anyhow!("{at}: unknown {what} '{word}'; expected one of: {}", known.join(", ")),
        None => anyhow!("{at}: unknown {what} '{word}'; `opsctl explain` lists the rules"),
    }
}

fn dedup<'a>(items: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for i in items {
        if !out.contains(i) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(Path::new("ops.toml"), text)
    }

    #[test]
    fn reads_every_section() {
        let c = parse(
            "fail_on = \"medium\"\n[rules]\n\"inventory/unowned-component\" = \"off\"\n\
             \"backup/no-offsite-copy\" = \"low\"\n[thresholds.\"access/unused-grant\"]\nthreshold = \"30d\"\n\
             [[plugins]]\npath = \"p/zone.wasm\"\nconfig = \"zone.toml\"\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::Medium));
        assert_eq!(
            c.rules,
            [
                ("inventory/unowned-component".to_owned(), RuleSetting::Off),
                (
                    "backup/no-offsite-copy".to_owned(),
                    RuleSetting::Severity(Severity::Low)
                )
            ]
        );
        assert_eq!(
            c.thresholds,
            [(
                "access/unused-grant".into(),
                "threshold".into(),
                Limit::Duration(TimeDelta::days(30))
            )]
        );
        assert_eq!(c.plugins[0].path, Path::new("p/zone.wasm"));
    }

    #[test]
    fn the_double_fault_search_takes_a_number_of_steps() {
        let c = parse("[thresholds.\"graph/double-fault\"]\nwork = 2_000_000\n").unwrap();
        assert_eq!(
            c.thresholds,
            [("graph/double-fault".into(), "work".into(), Limit::Steps(2_000_000))]
        );
        let effective = c.effective(FailOn::High, "default");
        assert!(
            effective.contains("[thresholds.\"graph/double-fault\"]\nwork = 2000000  # configured: steps"),
            "{effective}"
        );
        let effective = Config::default().effective(FailOn::High, "default");
        assert!(effective.contains("work = 100000000  # default: steps"), "{effective}");
        // A duration's threshold never reads a number of steps, nor the reverse.
        assert_eq!(
            c.threshold("graph/double-fault", "work", TimeDelta::days(1)),
            TimeDelta::days(1)
        );
    }

    #[test]
    fn problems_are_located_with_suggestions() {
        let e = |t: &str| parse(t).unwrap_err().to_string();
        assert_eq!(
            e("fail_ob = \"high\""),
            "ops.toml:1:1: unknown key 'fail_ob' (did you mean 'fail_on'?)"
        );
        assert_eq!(
            e("[rules]\n\"backup/no-ofsite-copy\" = \"off\""),
            "ops.toml:2:1: unknown rule 'backup/no-ofsite-copy' (did you mean 'backup/no-offsite-copy'?)"
        );
        assert_eq!(
            e("[rules]\n\"graph/spof\" = \"loud\""),
            "ops.toml:2:16: rule 'graph/spof' = 'loud': expected \"off\" or a severity (critical, high, medium, low, info)"
        );
        assert_eq!(
            e("[thresholds.\"access/unused-grant\"]\nthreshhold = \"3d\""),
            "ops.toml:2:1: unknown threshold of 'access/unused-grant' 'threshhold' (did you mean 'threshold'?)"
        );
        let steps = "expected a whole number of steps greater than zero, such as 100000000";
        for bad in ["\"1000\"", "0", "-5", "1.5", "18446744073709551616"] {
            assert_eq!(
                e(&format!("[thresholds.\"graph/double-fault\"]\nwork = {bad}")),
                format!("ops.toml:2:8: work: {steps}")
            );
        }
        assert_eq!(
            e("[thresholds.\"graph/untested-redundancy\"]\nwindow = 30"),
            "ops.toml:2:10: thresholds.\"graph/untested-redundancy\".window: expected a string"
        );
        assert!(
            e("[thresholds.\"graph/spof\"]\nx = \"1d\"")
                .starts_with("ops.toml:1:13: rule 'graph/spof' has no thresholds")
        );
    }
}
