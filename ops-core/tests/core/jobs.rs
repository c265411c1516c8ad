//! Scheduled jobs: which scheduled deliveries are judged and how runs are
//! matched to them, exact findings, bounded work and output on schedules of
//! every minute or second over months, and the loader's errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use std::time::{Duration, Instant};

use ops_core::job::{DeliveryTarget, JobStatus, MAX_STREAKS, Miss};
use ops_core::{Check, Context, Error, Finding, Format, Inventory};

const AT: &str = "2026-11-22T09:00:00Z";

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn run_at(check: &dyn Check, yaml: &str, at: &str) -> Vec<Finding> {
    let inv = load(yaml);
    check.run(&Context::new(&inv, at.parse().unwrap())).unwrap()
}

fn messages(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}", f.severity, f.message))
        .collect()
}

fn missed(yaml: &str) -> Vec<String> {
    messages(&run_at(&ops_core::job::MISSED_DELIVERY, yaml, AT))
}

/// Runs `f`, failing if it takes longer than `limit` (a debug build on a
/// shared machine: generous, but far below what walking every instant costs).
fn quickly<T>(limit: Duration, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() < limit, "took {:?}", start.elapsed());
    out
}

#[test]
fn a_success_without_delivery_is_missed_and_a_failed_run_retried_in_time_is_not() {
    let base = "jobs: [{id: export, schedule: {cron: '0 2 * * *'}, deadline: 2h, monitor: m}]\njob_runs:\n";
    let ok = "  - {job: export, started_at: 2026-11-21T02:00:00Z, status: success, delivered_at: 2026-11-21T02:10:00Z, size_bytes: 10}\n";
    // Reported success, nothing delivered.
    let yaml =
        format!("{base}{ok}  - {{job: export, started_at: 2026-11-22T02:00:00Z, status: success, size_bytes: 10}}\n");
    assert_eq!(
        missed(&yaml),
        [
            "high job 'export': the delivery scheduled at 2026-11-22 02:00 UTC (due by 2026-11-22 04:00 UTC) was missed: the run reported success but delivered nothing"
        ]
    );
    // Failed, then a retry that delivered before the deadline: fine.
    let yaml = format!(
        "{base}{ok}  - {{job: export, started_at: 2026-11-22T02:00:00Z, status: failed}}\n  - {{job: export, started_at: 2026-11-22T03:00:00Z, status: success, delivered_at: 2026-11-22T03:30:00Z}}\n"
    );
    assert_eq!(missed(&yaml), Vec::<String>::new());
    // A delivery recorded after the instant of evaluation does not exist yet.
    let yaml = format!(
        "{base}{ok}  - {{job: export, started_at: 2026-11-22T02:00:00Z, status: success, delivered_at: 2026-11-22T10:00:00Z}}\n"
    );
    assert_eq!(
        missed(&yaml),
        [
            "high job 'export': the delivery scheduled at 2026-11-22 02:00 UTC (due by 2026-11-22 04:00 UTC) was missed: the run reported success but delivered nothing"
        ]
    );
    // A failed run that did deliver, on time: the delivery is what counts.
    let yaml = format!(
        "{base}{ok}  - {{job: export, started_at: 2026-11-22T02:00:00Z, status: failed, delivered_at: 2026-11-22T02:05:00Z}}\n"
    );
    assert_eq!(missed(&yaml), Vec::<String>::new());
}

#[test]
fn judging_starts_at_the_first_run_and_stops_where_the_deadline_has_not_passed() {
    // First run on the 20th: the 19th and before are not judged; the 22nd's
    // 08:00 delivery is due at 10:00, after the instant: not judged either.
    let yaml = "
jobs: [{id: export, schedule: {cron: '0 8 * * *'}, deadline: 2h}]
job_runs:
  - {job: export, started_at: 2026-11-20T08:00:30Z, status: success, delivered_at: 2026-11-20T08:01:00Z}
";
    let inv = load(yaml);
    let status = JobStatus::all(&inv, AT.parse().unwrap());
    assert_eq!(
        status[0].judged_from.map(|t| t.to_rfc3339()),
        Some("2026-11-20T08:00:00+00:00".into())
    );
    assert_eq!(status[0].judged, 2);
    assert_eq!(status[0].streaks.len(), 1);
    assert_eq!(status[0].streaks[0].only, Some(Miss::NoRun));
    assert_eq!(
        missed(yaml),
        [
            "high job 'export': the delivery scheduled at 2026-11-21 08:00 UTC (due by 2026-11-21 10:00 UTC) was missed: no run started"
        ]
    );
    // No run at all: nothing is judged (job/stale says it).
    let inv = load("jobs: [{id: export, schedule: {cron: '0 8 * * *'}, deadline: 2h}]");
    assert_eq!(JobStatus::all(&inv, AT.parse().unwrap())[0].judged, 0);
}

#[test]
fn without_a_deadline_a_delivery_is_due_by_the_next_scheduled_instant() {
    let yaml = "
jobs: [{id: export, schedule: {cron: '0 */6 * * *'}}]
job_runs:
  - {job: export, started_at: 2026-11-22T00:00:00Z, status: success, delivered_at: 2026-11-22T05:59:00Z}
  - {job: export, started_at: 2026-11-22T06:00:00Z, status: success, delivered_at: 2026-11-22T08:59:00Z}
";
    // 00:00 delivered before 06:00; 06:00 is due at 12:00, not judged yet.
    assert_eq!(missed(yaml), Vec::<String>::new());
    let late = yaml.replace("05:59:00Z", "06:30:00Z");
    assert_eq!(
        missed(&late),
        [
            "medium job 'export': the delivery scheduled at 2026-11-22 00:00 UTC (due by 2026-11-22 06:00 UTC) was missed: the delivery arrived 30m late"
        ]
    );
}

#[test]
fn a_cron_tz_schedule_is_judged_in_its_zone_across_a_clock_change() {
    // 01:30 London does not exist on 29 March 2026: crond runs the job when
    // the clocks jump, 01:00 UTC, and the delivery is due an hour later.
    let yaml = "
jobs: [{id: export, schedule: {cron: '30 1 * * *', timezone: Europe/London}, deadline: 1h}]
job_runs:
  - {job: export, started_at: 2026-03-28T01:30:00Z, status: success, delivered_at: 2026-03-28T01:40:00Z}
  - {job: export, started_at: 2026-03-29T01:00:00Z, status: success, delivered_at: 2026-03-29T01:50:00Z}
  - {job: export, started_at: 2026-03-30T00:30:00Z, status: success, delivered_at: 2026-03-30T00:40:00Z}
";
    let at = "2026-03-30T12:00:00Z";
    assert_eq!(
        messages(&run_at(&ops_core::job::MISSED_DELIVERY, yaml, at)),
        Vec::<String>::new()
    );
    let late = yaml.replace("2026-03-29T01:50:00Z", "2026-03-29T02:10:00Z");
    assert_eq!(
        messages(&run_at(&ops_core::job::MISSED_DELIVERY, &late, at)),
        [
            "medium job 'export': the delivery scheduled at 2026-03-29 01:00 UTC (due by 2026-03-29 02:00 UTC) was missed: the delivery arrived 10m late"
        ]
    );
    // The same with CRON_TZ, crond itself in UTC.
    let cron_tz = yaml.replace(
        "{cron: '30 1 * * *', timezone: Europe/London}",
        "{cron: 'CRON_TZ=Europe/London 30 1 * * *'}",
    );
    let inv = load(&cron_tz);
    let status = JobStatus::all(&inv, at.parse().unwrap());
    // 28th, 29th (01:30 London skipped: no run that day under CRON_TZ, so
    // the 01:00 UTC run belongs to the 28th's window) and 30th.
    assert_eq!(status[0].judged, 2);
    assert!(status[0].streaks.is_empty(), "{:?}", status[0].streaks);
}

#[test]
fn an_interval_counts_from_each_run_so_drift_is_not_a_miss() {
    // Every 6h, each run 5 minutes later than the last one plus 6h: over 40
    // runs the drift is more than 3 hours, and nothing is missed.
    let mut yaml = "jobs: [{id: sync, schedule: {every: 6h}, deadline: 1h}]\njob_runs:\n".to_owned();
    let mut t: chrono::DateTime<chrono::Utc> = "2026-11-12T00:00:00Z".parse().unwrap();
    for _ in 0..40 {
        let d = t + chrono::TimeDelta::minutes(10);
        yaml += &format!(
            "  - {{job: sync, started_at: {}, status: success, delivered_at: {}}}\n",
            t.to_rfc3339(),
            d.to_rfc3339()
        );
        t += chrono::TimeDelta::minutes(6 * 60 + 5);
    }
    let at = t.to_rfc3339();
    let inv = load(&yaml);
    let status = JobStatus::all(&inv, at.parse().unwrap());
    assert_eq!((status[0].judged, status[0].streaks.len()), (40, 0));
    // Two runs left out (the 21st and 22nd): the two 6-hour windows after
    // the 20th run's (16 Nov 19:35) are missed, and the run after them
    // (17 Nov 13:50) starts a new chain.
    let lines: Vec<&str> = yaml.lines().collect();
    let gapped: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2 + 20 && *i != 2 + 21)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    assert_eq!(
        messages(&run_at(&ops_core::job::MISSED_DELIVERY, &gapped, &at)),
        [
            "high job 'sync': 2 scheduled deliveries in a row were missed, from 2026-11-17 01:35 UTC to 2026-11-17 07:35 UTC (2 without a run)"
        ]
    );
}

#[test]
fn a_schedule_of_every_minute_that_stopped_months_ago_is_one_finding() {
    let yaml = "
jobs: [{id: ticker, schedule: {cron: '* * * * *'}, deadline: 1m, monitor: m}]
job_runs:
  - {job: ticker, started_at: 2026-03-01T00:00:00Z, status: success, delivered_at: 2026-03-01T00:00:10Z}
";
    let found = quickly(Duration::from_secs(20), || {
        run_at(&ops_core::job::MISSED_DELIVERY, yaml, AT)
    });
    assert_eq!(
        messages(&found),
        [
            "high job 'ticker': 383579 scheduled deliveries in a row were missed, from 2026-03-01 00:01 UTC to 2026-11-22 08:59 UTC (383579 without a run)"
        ]
    );
    let f = &found[0];
    assert_eq!(f.evidence["scheduled"].as_array().map(Vec::len), Some(50));
    assert_eq!(f.evidence["scheduled_total"], serde_json::json!(383579));
}

#[test]
fn an_interval_of_a_second_that_stopped_is_counted_not_walked() {
    let yaml = "
jobs: [{id: beat, schedule: {every: 1s}, deadline: 1s, monitor: m}]
job_runs:
  - {job: beat, started_at: 2026-01-01T00:00:00Z, status: success, delivered_at: 2026-01-01T00:00:00Z}
";
    let found = quickly(Duration::from_secs(5), || {
        run_at(&ops_core::job::MISSED_DELIVERY, yaml, AT)
    });
    // From the first run on 1 January to the last second whose deadline has
    // passed (08:59:59), less the one delivered.
    let seconds = (325 * 86_400 + 9 * 3_600) - 1;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].evidence["count"], serde_json::json!(seconds));
    assert_eq!(
        found[0].evidence["last"],
        serde_json::json!("2026-11-22T08:59:59+00:00")
    );
}

#[test]
fn alternating_misses_keep_the_latest_streaks_and_count_the_rest() {
    // Hourly for 60 hours, every other hour without a delivery: 30 streaks.
    let mut yaml = "jobs: [{id: feed, schedule: {cron: '0 * * * *'}, deadline: 10m}]\njob_runs:\n".to_owned();
    let start: chrono::DateTime<chrono::Utc> = "2026-11-19T21:00:00Z".parse().unwrap();
    for h in 0..60 {
        let t = start + chrono::TimeDelta::hours(h);
        let delivered = if h % 2 == 0 {
            format!(", delivered_at: {}", (t + chrono::TimeDelta::minutes(1)).to_rfc3339())
        } else {
            String::new()
        };
        yaml += &format!(
            "  - {{job: feed, started_at: {}, status: success{delivered}}}\n",
            t.to_rfc3339()
        );
    }
    let found = run_at(&ops_core::job::MISSED_DELIVERY, &yaml, AT);
    assert_eq!(found.len(), MAX_STREAKS + 1);
    assert_eq!(
        found[0].message,
        "job 'feed': 10 more scheduled deliveries were missed in 10 earlier streaks since 2026-11-19 21:00 UTC, not listed one by one"
    );
    assert_eq!(
        found[MAX_STREAKS].message,
        "job 'feed': the delivery scheduled at 2026-11-22 08:00 UTC (due by 2026-11-22 08:10 UTC) was missed: the run reported success but delivered nothing"
    );
}

#[test]
fn stale_and_unmonitored() {
    let yaml = "
jobs:
  - {id: weekly, schedule: {cron: '0 6 * * mon'}, deadline: 1h, monitor: m}
  - {id: nightly, schedule: {cron: '0 2 * * *'}}
job_runs:
  - {job: weekly, started_at: 2026-11-16T06:00:00Z, status: success, delivered_at: 2026-11-16T06:30:00Z}
  - {job: nightly, started_at: 2026-11-21T02:00:00Z, status: success, delivered_at: 2026-11-21T02:30:00Z}
";
    // weekly: 6 days ago, within 1w1h. nightly: no deadline, so 1d + 1d.
    assert_eq!(messages(&run_at(&ops_core::job::STALE, yaml, AT)), Vec::<String>::new());
    assert_eq!(
        messages(&run_at(&ops_core::job::STALE, yaml, "2026-11-23T02:31:00Z")),
        [
            "high job 'nightly': the last delivery arrived at 2026-11-21 02:30 UTC, 2d ago; the schedule's longest gap plus the deadline is 2d"
        ]
    );
    assert_eq!(
        messages(&run_at(&ops_core::job::UNMONITORED, yaml, AT)),
        ["medium no monitor watches the deliveries of job 'nightly'"]
    );
}

#[test]
fn delivers_to_names_a_component_when_there_is_one() {
    let inv = load(
        "
components: [{id: partner-sftp, kind: external}]
jobs:
  - {id: a, schedule: {every: 1d}, delivers_to: partner-sftp}
  - {id: b, schedule: {every: 1d}, delivers_to: 's3://bucket/in'}
",
    );
    let c = inv.component_by_id("partner-sftp").unwrap();
    assert_eq!(inv.jobs()[0].delivers_to, Some(DeliveryTarget::Component(c)));
    assert_eq!(
        inv.jobs()[1].delivers_to,
        Some(DeliveryTarget::Other("s3://bucket/in".into()))
    );
    assert_eq!(inv.job_by_id("b").map(|j| inv.job(j).id.as_str()), Some("b"));
}

#[test]
fn every_problem_of_jobs_and_runs_is_reported_at_once_with_its_place() {
    let yaml = "jobs:
  - {id: export, schedule: {cron: '0 2 * * *'}, deadline: 0s, owner: nobody}
  - {id: export, schedule: {}}
  - {id: other, schedule: {every: 1d}, delivers: x}
job_runs:
  - {job: exprt, started_at: 2026-11-20T02:00:00Z, status: success}
  - {job: export, started_at: 2026-11-20T02:00:00Z, delivered_at: 2026-11-20T01:00:00Z, status: success, size_bytes: -1}
  - {job: export, id: r1, started_at: 2026-11-21T02:00:00Z, status: done}
";
    let Err(Error::Invalid(problems)) = Inventory::from_text("inv.yaml", Format::Yaml, yaml) else {
        panic!("expected problems")
    };
    let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems,
        [
            "inv.yaml:2:59: duration '0s' must be longer than zero",
            "inv.yaml:2:70: unknown person, service account or group 'nobody'",
            "inv.yaml:3:10: duplicate job id 'export' (first defined at inv.yaml:2:10)",
            "inv.yaml:3:10: the schedule of job 'export' needs cron or every",
            "inv.yaml:4:40: unknown field 'delivers'; expected one of: id, owner, schedule, delivers_to, deadline, monitor, description",
            "inv.yaml:6:11: unknown job 'exprt' (did you mean 'export'?)",
            "inv.yaml:7:5: delivered_at (2026-11-20T01:00:00+00:00) is before started_at (2026-11-20T02:00:00+00:00)",
            "inv.yaml:7:118: size_bytes must not be negative; found -1",
            "inv.yaml:8:69: status: unknown value 'done'; expected one of: success, failed, partial, running",
        ]
    );
}

#[test]
fn the_schema_knows_the_new_sections_and_fields() {
    let schema = ops_core::inventory::schema();
    let defs = &schema["$defs"];
    let fields = |def: &str| -> Vec<String> {
        let mut f: Vec<String> = defs[def]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("no {def} in the schema"))
            .keys()
            .cloned()
            .collect();
        f.sort();
        f
    };
    assert!(schema["properties"]["jobs"].is_object());
    assert!(schema["properties"]["job_runs"].is_object());
    assert_eq!(
        fields("RawJob"),
        [
            "deadline",
            "delivers_to",
            "description",
            "id",
            "monitor",
            "owner",
            "schedule"
        ]
    );
    assert_eq!(
        fields("RawJobRun"),
        [
            "checksum",
            "delivered_at",
            "finished_at",
            "id",
            "job",
            "size_bytes",
            "started_at",
            "status"
        ]
    );
    assert!(fields("RawSystem").contains(&"components".to_owned()));
    assert!(fields("RawSystem").contains(&"kind".to_owned()));
    assert!(fields("RawCopy").contains(&"component".to_owned()));
    assert!(fields("RawAccessEvent").contains(&"credential".to_owned()));
    // Unknown fields stay errors.
    assert_eq!(defs["RawJob"]["additionalProperties"], serde_json::json!(false));
}

#[test]
fn a_run_recorded_a_few_seconds_early_belongs_to_its_instant() {
    let yaml = "
jobs: [{id: export, schedule: {cron: '0 2 * * *'}, deadline: 2h}]
job_runs:
  - {job: export, started_at: 2026-11-20T01:59:58Z, status: success, delivered_at: 2026-11-20T02:03:00Z}
  - {job: export, started_at: 2026-11-21T01:59:45Z, status: success, delivered_at: 2026-11-21T02:03:00Z}
  - {job: export, started_at: 2026-11-22T02:00:01Z, status: success, delivered_at: 2026-11-22T02:03:00Z}
";
    let inv = load(yaml);
    let status = JobStatus::all(&inv, AT.parse().unwrap());
    assert_eq!(
        status[0].judged_from.map(|t| t.to_rfc3339()),
        Some("2026-11-20T02:00:00+00:00".into())
    );
    assert_eq!((status[0].judged, status[0].streaks.len()), (3, 0));
    // A minute early is the previous instant's run: the 21st has none.
    let early = yaml.replace("2026-11-21T01:59:45Z", "2026-11-21T01:59:00Z");
    assert_eq!(
        missed(&early),
        [
            "high job 'export': the delivery scheduled at 2026-11-21 02:00 UTC (due by 2026-11-21 04:00 UTC) was missed: no run started"
        ]
    );
}

#[test]
fn jobs_read_the_same_from_yaml_toml_and_json() {
    let yaml = "
jobs:
  - {id: export, schedule: {cron: 'CRON_TZ=Europe/Paris 0 2 * * *'}, deadline: 2h, delivers_to: 'sftp://p/in', monitor: m}
job_runs:
  - {job: export, id: r1, started_at: 2026-11-21T01:00:00Z, status: partial, size_bytes: 12, delivered_at: 2026-11-21T01:05:00Z, checksum: 'sha256:ab'}
";
    let toml = r#"
[[jobs]]
id = "export"
schedule = { cron = "CRON_TZ=Europe/Paris 0 2 * * *" }
deadline = "2h"
delivers_to = "sftp://p/in"
monitor = "m"

[[job_runs]]
job = "export"
id = "r1"
started_at = "2026-11-21T01:00:00Z"
status = "partial"
size_bytes = 12
delivered_at = "2026-11-21T01:05:00Z"
checksum = "sha256:ab"
"#;
    let json = r#"{"jobs": [{"id": "export", "schedule": {"cron": "CRON_TZ=Europe/Paris 0 2 * * *"}, "deadline": "2h",
  "delivers_to": "sftp://p/in", "monitor": "m"}],
 "job_runs": [{"job": "export", "id": "r1", "started_at": "2026-11-21T01:00:00Z", "status": "partial",
  "size_bytes": 12, "delivered_at": "2026-11-21T01:05:00Z", "checksum": "sha256:ab"}]}"#;
    let without_locations = |inv: &Inventory| {
        let mut jobs = inv.jobs().to_vec();
        let mut runs = inv.job_runs().to_vec();
        for j in &mut jobs {
            j.location = ops_core::Location::new("-", 1, 1);
        }
        for r in &mut runs {
            r.location = ops_core::Location::new("-", 1, 1);
        }
        format!("{jobs:?}\n{runs:?}")
    };
    let from_yaml = without_locations(&load(yaml));
    for (name, format, text) in [("inv.toml", Format::Toml, toml), ("inv.json", Format::Json, json)] {
        let inv = Inventory::from_text(name, format, text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(without_locations(&inv), from_yaml, "{name}");
    }
    assert!(from_yaml.contains("status: Partial"), "{from_yaml}");
}

#[test]
fn an_interval_without_a_deadline_waits_for_the_next_instant_the_run_moved() {
    // Every 6h: the 06:00 instant's run started at 06:20, so its delivery
    // is due at 12:20; at 12:10 it is not judged yet, at 12:30 it is.
    let yaml = "
jobs: [{id: sync, schedule: {every: 6h}, monitor: m}]
job_runs:
  - {job: sync, started_at: 2026-11-22T00:00:00Z, status: success, delivered_at: 2026-11-22T00:05:00Z}
  - {job: sync, started_at: 2026-11-22T06:20:00Z, status: success, delivered_at: 2026-11-22T12:25:00Z}
";
    let at = |t: &str| messages(&run_at(&ops_core::job::MISSED_DELIVERY, yaml, t));
    assert_eq!(at("2026-11-22T12:10:00Z"), Vec::<String>::new());
    assert_eq!(
        at("2026-11-22T12:30:00Z"),
        [
            "medium job 'sync': the delivery scheduled at 2026-11-22 06:00 UTC (due by 2026-11-22 12:20 UTC) was missed: the delivery arrived 5m late"
        ]
    );
}

#[test]
fn a_new_job_is_stale_only_once_its_first_delivery_is_overdue() {
    let yaml = "
jobs: [{id: gl, schedule: {every: 1d}, deadline: 4h, monitor: m}]
job_runs:
  - {job: gl, started_at: 2026-11-22T07:00:00Z, status: failed}
";
    assert_eq!(messages(&run_at(&ops_core::job::STALE, yaml, AT)), Vec::<String>::new());
    assert_eq!(
        messages(&run_at(&ops_core::job::STALE, yaml, "2026-11-23T11:01:00Z")),
        ["critical job 'gl' has no delivery on record (last run started at 2026-11-22 07:00 UTC)"]
    );
    // No run at all: nothing says it ever worked.
    assert_eq!(
        messages(&run_at(
            &ops_core::job::STALE,
            "jobs: [{id: gl, schedule: {every: 1d}}]",
            AT
        )),
        ["critical job 'gl' has no delivery on record (and no run)"]
    );
}

#[test]
fn an_offboarding_plan_hands_over_the_persons_jobs() {
    let inv = load(
        "
people: [{id: lee, status: departed, departed_at: 2026-09-30}, {id: maya}]
jobs:
  - {id: partner-export, owner: lee, schedule: {every: 1d}}
  - {id: gl-export, owner: maya, schedule: {every: 1d}}
",
    );
    let access = ops_core::access::EffectiveAccess::new(&inv);
    let lee = inv.person_by_id("lee").unwrap();
    let plan = ops_core::access::OffboardingPlan::new(&access, lee, AT.parse().unwrap());
    let owned: Vec<(&str, &str)> = plan.ownership.iter().map(|o| (o.kind, o.id.as_str())).collect();
    assert_eq!(owned, [("job", "partner-export")]);
}
