//! Colour: `--color`, the styles opsctl uses, and the decision to colour.
//!
//! Commands write text with [`anstyle`] styles; [`anstream`] passes them to a
//! stream or strips them. `--color always` and `never` decide alone; `auto`
//! colours a terminal unless `NO_COLOR` is set to a non-empty value
//! (no-color.org: an empty `NO_COLOR` does not count), `CLICOLOR=0` or
//! `TERM=dumb`, and `CLICOLOR_FORCE` (non-empty) colours even a pipe.

use anstyle::{AnsiColor, Effects, Style};
use clap::ValueEnum;
use ops_core::Severity;

/// `--color`: when to colour. The values carry no doc comments on purpose:
/// clap would then list them in a long form that every command's help
/// inherits from this global flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Makes this choice the process's: [`anstream::stdout`],
    /// [`anstream::stderr`] and [`always`] follow it from now on.
    pub(crate) fn apply(self) {
        let choice = match self {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

/// Whether `--color always` was given: only then does a file (`--output`)
/// receive colour, since no terminal reads it.
pub(crate) fn always() -> bool {
    matches!(
        anstream::ColorChoice::global(),
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi
    )
}

/// `error:` and other failures.
pub(crate) const ERROR: Style = AnsiColor::Red.on_default().effects(Effects::BOLD);
/// What a line is about.
pub(crate) const BOLD: Style = Style::new().bold();
/// Secondary detail (a rule id after its message).
pub(crate) const DIM: Style = Style::new().dimmed();

/// The style of a severity's heading.
pub(crate) fn severity(s: Severity) -> Style {
    let color = match s {
        Severity::Critical => AnsiColor::Magenta,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
        Severity::Info => AnsiColor::Blue,
    };
    color.on_default().effects(Effects::BOLD)
}

/// `text` in `style`, followed by a reset.
pub(crate) fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}
