//! AWS cron expressions (`cron(min hour day-of-month month day-of-week
//! year)`, as AWS Backup and EventBridge read them) as the five-field cron
//! of cronie that backup policies use.
//!
//! The differences that matter: AWS numbers the days of the week 1 to 7 from
//! Sunday (`1` is SUN, `7` is SAT), cronie 0 to 6 (or 7) from Sunday; AWS
//! writes `?` for "any" in one of the two day fields, cronie `*`; AWS allows
//! a step after a single number (`0/15`: from 0, every 15), which cronie
//! writes `0-59/15`. What has no cronie equivalent (`L`, `W`, `#`, a year
//! other than `*`) is refused with the reason.

/// The cronie expression for the AWS cron expression `expr` (with its
/// `cron(...)` around it), or why there is none.
///
/// ```text
/// cron(0 5 ? * * *)        ->  0 5 * * *
/// cron(0 3 ? * 1 *)        ->  0 3 * * 0        (Sunday)
/// cron(0/30 8-17 ? * MON-FRI *)  ->  0-59/30 8-17 * * mon-fri
/// ```
pub(super) fn to_cronie(expr: &str) -> Result<String, String> {
    let inner = expr
        .trim()
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("expected an AWS cron expression such as cron(0 5 ? * * *), found '{expr}'"))?;
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [minute, hour, dom, month, dow, year] = fields[..] else {
        return Err(format!(
            "'{expr}' has {} fields; AWS cron has six: minutes, hours, day-of-month, month, day-of-week, year",
            fields.len()
        ));
    };
    if year != "*" {
        return Err(format!(
            "'{expr}': year field '{year}': backup schedules repeat every year, so only * can be expressed"
        ));
    }
    if dom != "?" && dow != "?" {
        return Err(format!(
            "'{expr}': one of day-of-month and day-of-week must be ?, as AWS requires"
        ));
    }
    let converted = [
        field(minute, "minutes", 0, 59, false)?,
        field(hour, "hours", 0, 23, false)?,
        field(dom, "day-of-month", 1, 31, false)?,
        field(month, "month", 1, 12, false)?,
        field(dow, "day-of-week", 1, 7, true)?,
    ];
    let text = converted.join(" ");
    // What cronie itself cannot read (out of range, backwards) is refused
    // with its own reason.
    text.parse::<crate::schedule::CronExpr>()
        .map_err(|e| format!("'{expr}' reads as cron '{text}', which is not valid: {e}"))?;
    Ok(text)
}

/// One field: `?` as `*`, AWS day-of-week numbers as cronie's, `N/S` as
/// `N-MAX/S`.
fn field(text: &str, name: &str, min: u32, max: u32, weekday: bool) -> Result<String, String> {
    if text == "?" {
        return if name.starts_with("day-of") {
            Ok("*".to_owned())
        } else {
            Err(format!("{name} field: ? is only allowed in the day fields"))
        };
    }
    let mut items = Vec::new();
    for item in text.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((b, s)) => (b, Some(s)),
            None => (item, None),
        };
        let base = match base {
            "*" => "*".to_owned(),
            b => {
                let (from, to) = match b.split_once('-') {
                    Some((f, t)) => (f, Some(t)),
                    None => (b, None),
                };
                let from = value(from, name, min, max, weekday)?;
                match (to, step) {
                    (Some(t), _) => format!("{from}-{}", value(t, name, min, max, weekday)?),
                    // AWS `5/15` starts at 5 and runs to the end of the range.
                    (None, Some(_)) => {
                        let last = if weekday { "6".to_owned() } else { max.to_string() };
                        format!("{from}-{last}")
                    }
                    (None, None) => from,
                }
            }
        };
        items.push(match step {
            Some(s) => format!("{base}/{s}"),
            None => base,
        });
    }
    Ok(items.join(","))
}

/// One value: numbers checked against the AWS range (and, for weekdays,
/// renumbered from AWS's 1-7 to cronie's 0-6), names lower-cased.
fn value(text: &str, name: &str, min: u32, max: u32, weekday: bool) -> Result<String, String> {
    match text.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(if weekday { (n - 1).to_string() } else { n.to_string() }),
        Ok(n) => Err(format!("{name} field: {n} is out of range {min}-{max}")),
        Err(_) if text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic()) => Ok(text.to_ascii_lowercase()),
        // Not a name (JUL and WED hold these letters): AWS's last, weekday and n-th.
        Err(_) if text.contains(['L', 'W', '#']) => {
            let c = text.chars().find(|c| matches!(c, 'L' | 'W' | '#')).unwrap_or('#');
            Err(format!(
                "{name} field '{text}': '{c}' (last, weekday, n-th) has no equivalent in cron schedules"
            ))
        }
        Err(_) => Err(format!(
            "{name} field: expected a number or a three-letter name, found '{text}'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::to_cronie;

    #[test]
    fn weekdays_are_renumbered_from_sunday_one_to_sunday_zero() {
        assert_eq!(to_cronie("cron(0 3 ? * 1 *)").unwrap(), "0 3 * * 0");
        assert_eq!(to_cronie("cron(0 3 ? * 7 *)").unwrap(), "0 3 * * 6");
        assert_eq!(to_cronie("cron(0 3 ? * 2-6 *)").unwrap(), "0 3 * * 1-5");
        assert_eq!(to_cronie("cron(0 3 ? * 1,7 *)").unwrap(), "0 3 * * 0,6");
        assert_eq!(to_cronie("cron(0 3 ? * SUN *)").unwrap(), "0 3 * * sun");
        assert_eq!(to_cronie("cron(0 3 ? * MON-FRI *)").unwrap(), "0 3 * * mon-fri");
        assert_eq!(to_cronie("cron(0 3 ? * 2/2 *)").unwrap(), "0 3 * * 1-6/2");
    }

    #[test]
    fn question_marks_and_steps_after_a_number() {
        assert_eq!(to_cronie("cron(0 5 ? * * *)").unwrap(), "0 5 * * *");
        assert_eq!(to_cronie("cron(0 12 * * ? *)").unwrap(), "0 12 * * *");
        assert_eq!(to_cronie("cron(0/15 * ? * * *)").unwrap(), "0-59/15 * * * *");
        assert_eq!(to_cronie("cron(0 0/4 1 * ? *)").unwrap(), "0 0-23/4 1 * *");
        assert_eq!(to_cronie(" cron(30 1 ? JAN,JUL * *) ").unwrap(), "30 1 * jan,jul *");
        assert_eq!(to_cronie("cron(0 2 ? * WED,SAT *)").unwrap(), "0 2 * * wed,sat");
    }

    #[test]
    fn what_cron_cannot_say_is_refused_with_the_reason() {
        let err = |e: &str| to_cronie(e).unwrap_err();
        assert_eq!(
            err("cron(0 5 L * ? *)"),
            "day-of-month field 'L': 'L' (last, weekday, n-th) has no equivalent in cron schedules"
        );
        assert_eq!(
            err("cron(0 9 ? * 2#1 *)"),
            "day-of-week field '2#1': '#' (last, weekday, n-th) has no equivalent in cron schedules"
        );
        assert_eq!(
            err("cron(0 5 ? * * 2027)"),
            "'cron(0 5 ? * * 2027)': year field '2027': backup schedules repeat every year, so only * can be expressed"
        );
        assert_eq!(
            err("cron(0 5 1 * 2 *)"),
            "'cron(0 5 1 * 2 *)': one of day-of-month and day-of-week must be ?, as AWS requires"
        );
        assert_eq!(err("cron(0 5 ? * 0 *)"), "day-of-week field: 0 is out of range 1-7");
        assert_eq!(
            err("cron(0 5 * * *)"),
            "'cron(0 5 * * *)' has 5 fields; AWS cron has six: minutes, hours, day-of-month, month, day-of-week, year"
        );
        assert_eq!(
            err("rate(1 day)"),
            "expected an AWS cron expression such as cron(0 5 ? * * *), found 'rate(1 day)'"
        );
        assert_eq!(err("cron(0 25 ? * * *)"), "hours field: 25 is out of range 0-23");
    }
}
