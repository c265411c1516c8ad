//! The access commands: offboard, access review.

use anyhow::{Result, bail};
use ops_core::{AccessReview, EffectiveAccess, OffboardingPlan, did_you_mean};

use crate::cli::{DocumentFormat, OffboardArgs, ReviewArgs, ReviewFormat};
use crate::write::emit;

/// `opsctl offboard`: the checklist for one person.
pub(crate) fn offboard(args: &OffboardArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let Some(person) = inv.person_by_id(&args.person) else {
        let hint = did_you_mean(&args.person, inv.people().iter().map(|p| p.id.as_str()))
            .map(|m| format!(" (did you mean '{m}'?)"))
            .unwrap_or_default();
        bail!("no person '{}' in the inventory{hint}", args.person);
    };
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let plan = OffboardingPlan::new(&EffectiveAccess::new(&inv), person, now);
    let text = match args.format {
        DocumentFormat::Markdown => plan.to_markdown(),
        DocumentFormat::Json => serde_json::to_string_pretty(&plan)? + "\n",
    };
    emit(args.output.as_deref(), &text)?;
    Ok(0)
}

/// `opsctl access review`: who can reach each system.
pub(crate) fn review(args: &ReviewArgs) -> Result<u8> {
    let inv = crate::load(&args.inputs)?;
    let system = match &args.system {
        None => None,
        Some(id) => match inv.system_by_id(id) {
            Some(s) => Some(s),
            None => {
                let hint = did_you_mean(id, inv.systems().iter().map(|s| s.id.as_str()))
                    .map(|m| format!(" (did you mean '{m}'?)"))
                    .unwrap_or_default();
                bail!("no system '{id}' in the inventory{hint}");
            }
        },
    };
    let now = args.at.unwrap_or_else(chrono::Utc::now);
    let review = AccessReview::new(&EffectiveAccess::new(&inv), system, now);
    let text = match args.format {
        ReviewFormat::Markdown => review.to_markdown(),
        ReviewFormat::Csv => review.to_csv(),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(0)
}
