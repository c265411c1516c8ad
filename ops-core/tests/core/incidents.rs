//! Incidents: the model (phases, leap seconds, causes), metrics against
//! hand-computed values, the post-mortem document, and every incident check
//! with positive and negative cases asserting exact findings.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail by panicking

use chrono::TimeDelta;
use ops_core::incident::{
    IncidentMetric, IncidentMetrics, IncidentPhase, IncidentSeverity, nearest_rank, postmortem_markdown,
};
use ops_core::time::parse_instant;
use ops_core::{Check, EntityKind, Format, Inventory, Runner, Severity, Timestamp};

const NOW: &str = "2026-11-22T09:00:00Z";

fn t(s: &str) -> Timestamp {
    parse_instant(s).unwrap()
}

fn load(yaml: &str) -> Inventory {
    Inventory::from_text("inv.yaml", Format::Yaml, yaml).unwrap_or_else(|e| panic!("{e}"))
}

/// An estate in which `lb` and `db` are single points of failure of `shop`.
const ESTATE: &str = "
people:
  - {id: maya, name: Maya Okafor}
  - {id: tom}
groups:
  - {id: team, members: [maya, tom]}
components:
  - {id: shop, entry: true, depends_on: [lb, db]}
  - {id: lb, requires: any, depends_on: [web-1, web-2]}
  - {id: web-1}
  - {id: web-2}
  - {id: db, kind: database}
";

/// Findings of one check over `ESTATE` plus `extra`, at `NOW`, as
/// (rule, subject kind, subject id, severity, message).
fn run(check: impl Check + 'static, extra: &str) -> Vec<(String, EntityKind, String, Severity, String)> {
    run_all(vec![Box::new(check)], extra)
}

/// The sorted findings of `checks` together.
fn run_all(checks: Vec<Box<dyn Check>>, extra: &str) -> Vec<(String, EntityKind, String, Severity, String)> {
    let inv = load(&format!("{ESTATE}{extra}"));
    let mut runner = Runner::new();
    for check in checks {
        runner.add(check);
    }
    let report = runner.run(&inv, t(NOW));
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    report
        .findings
        .into_iter()
        .map(|f| {
            (
                f.check.into_owned(),
                f.subject.kind,
                f.subject.id,
                f.severity,
                f.message,
            )
        })
        .collect()
}

/// The three rules on open post-mortem actions.
fn action_rules() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(&ops_core::incident::ACTION_UNOWNED),
        Box::new(&ops_core::incident::ACTION_UNDATED),
        Box::new(&ops_core::incident::ACTION_OVERDUE),
    ]
}

fn finding(
    rule: &str,
    kind: EntityKind,
    id: &str,
    severity: Severity,
    message: &str,
) -> (String, EntityKind, String, Severity, String) {
    (rule.to_owned(), kind, id.to_owned(), severity, message.to_owned())
}

// ---------------------------------------------------------------- model

#[test]
fn timeline_with_a_leap_second_parses_and_sorts() {
    let inv = load(
        "
people: [{id: maya}]
incident:
  id: INC-LEAP
  title: Clock step at the leap second
  severity: sev3
  detected_at: 2016-12-31T23:59:60Z
  timeline:
    - {at: 2017-01-01T00:00:00Z, text: after}
    - {at: 2017-01-01T08:59:60+09:00, author: maya, text: 'leap, written in Tokyo time'}
    - {at: 2016-12-31T23:59:59Z, text: before}
",
    );
    let i = &inv.incidents()[0];
    let texts: Vec<&str> = i.timeline.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["before", "leap, written in Tokyo time", "after"]);
    assert_eq!(i.detected_at, i.timeline[1].at);
    assert!(i.timeline[0].at < i.timeline[1].at && i.timeline[1].at < i.timeline[2].at);
    assert_eq!(
        i.timeline[1].at.format("%Y-%m-%d %H:%M:%S").to_string(),
        "2016-12-31 23:59:60"
    );
}

#[test]
fn a_leap_second_outside_23_59_utc_is_refused_with_its_location() {
    let err = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "incident: {id: I, title: x, severity: sev3, detected_at: 2016-12-31T22:59:60Z}\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string().lines().nth(1).unwrap().trim(),
        "inv.yaml:1:58: invalid instant '2016-12-31T22:59:60Z': a leap second (:60) can only fall at 23:59:60 UTC"
    );
}

#[test]
fn cause_is_trimmed_and_an_unknown_field_is_refused() {
    let inv = load("incident: {id: I, title: x, severity: sev3, detected_at: 2026-01-01, cause: ' disk-full '}\n");
    assert_eq!(inv.incidents()[0].cause.as_deref(), Some("disk-full"));
    let err = Inventory::from_text(
        "inv.yaml",
        Format::Yaml,
        "incident: {id: I, title: x, severity: sev3, detected_at: 2026-01-01, causes: disk}\n",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string().lines().nth(1).unwrap().trim(),
        "inv.yaml:1:70: unknown field 'causes' (did you mean 'cause'?)"
    );
}

#[test]
fn phases_follow_the_recorded_instants() {
    let inv = load(
        "
incident:
  id: I
  title: x
  severity: sev2
  detected_at: 2026-05-04T10:00:00Z
  acknowledged_at: 2026-05-04T10:05:00Z
  resolved_at: 2026-05-04T11:00:00Z
",
    );
    let i = &inv.incidents()[0];
    assert_eq!(i.phase(), IncidentPhase::Resolved);
    assert_eq!(
        i.phases_at(t("2026-05-04T10:30:00Z")),
        [
            (IncidentPhase::Detected, t("2026-05-04T10:00:00Z")),
            (IncidentPhase::Acknowledged, t("2026-05-04T10:05:00Z")),
        ]
    );
    assert_eq!(i.phases_at(t("2026-05-04T09:00:00Z")), []);
    assert_eq!("sev1".parse::<IncidentSeverity>(), Ok(IncidentSeverity::Sev1));
}

// ---------------------------------------------------------------- metrics

/// Five incidents whose metrics are computed by hand in the tests below.
///
/// | id | sev  | impacted | by       | detect | ack | mitigate | resolve |
/// |----|------|----------|----------|--------|-----|----------|---------|
/// | A  | sev1 | db, web-1| customer | 30m    | 10m | 1h       | 3h      |
/// | B  | sev2 | db       | monitor  | 5m     | 2m  | 30m      | 1h      |
/// | C  | sev2 | web-1    | monitor  | -      | 20m | 2h       | 4h      |
/// | D  | sev3 | db       | staff    | 1h     | 5m  | -        | 30m     |
/// | E  | sev1 | -        | -        | 10m    | -   | -        | -       |
const METRICS: &str = "
incidents:
  - {id: A, title: a, severity: sev1, impacted: [db, web-1], detected_by: customer,
     started_at: 2026-09-03T09:00:00Z, detected_at: 2026-09-03T09:30:00Z, acknowledged_at: 2026-09-03T09:40:00Z,
     mitigated_at: 2026-09-03T10:30:00Z, resolved_at: 2026-09-03T12:30:00Z}
  - {id: B, title: b, severity: sev2, impacted: [db], detected_by: monitor,
     started_at: 2026-09-20T10:00:00Z, detected_at: 2026-09-20T10:05:00Z, acknowledged_at: 2026-09-20T10:07:00Z,
     mitigated_at: 2026-09-20T10:35:00Z, resolved_at: 2026-09-20T11:05:00Z}
  - {id: C, title: c, severity: sev2, impacted: [web-1], detected_by: monitor,
     detected_at: 2026-10-05T00:00:00+02:00, acknowledged_at: 2026-10-05T00:20:00+02:00,
     mitigated_at: 2026-10-05T02:00:00+02:00, resolved_at: 2026-10-05T04:00:00+02:00}
  - {id: D, title: d, severity: sev3, impacted: [db], detected_by: staff,
     started_at: 2026-10-18T08:00:00Z, detected_at: 2026-10-18T09:00:00Z, acknowledged_at: 2026-10-18T09:05:00Z,
     resolved_at: 2026-10-18T09:30:00Z}
  - {id: E, title: e, severity: sev1, started_at: 2026-11-02T11:50:00Z, detected_at: 2026-11-02T12:00:00Z}
";

fn mins(m: i64) -> TimeDelta {
    TimeDelta::minutes(m)
}

/// (count, mean, median, p90) of one metric of one group.
fn stats(group: &ops_core::incident::MetricsGroup, m: IncidentMetric) -> (usize, TimeDelta, TimeDelta, TimeDelta) {
    let s = group.stats(m).unwrap();
    (s.count, s.mean, s.median, s.p90)
}

#[test]
fn overall_metrics_match_hand_computed_values() {
    let inv = load(&format!("{ESTATE}{METRICS}"));
    let m = IncidentMetrics::new(&inv, None);
    let all = &m.overall;
    assert_eq!(all.incidents, 5);
    // detect: 5, 10, 30, 60 -> mean 26.25m; median rank ceil(2) = 2nd; p90 rank ceil(3.6) = 4th
    assert_eq!(
        stats(all, IncidentMetric::TimeToDetect),
        (4, TimeDelta::seconds(26 * 60 + 15), mins(10), mins(60))
    );
    // acknowledge: 2, 5, 10, 20 -> mean 9.25m
    assert_eq!(
        stats(all, IncidentMetric::TimeToAcknowledge),
        (4, TimeDelta::seconds(9 * 60 + 15), mins(5), mins(20))
    );
    // mitigate: 30, 60, 120 -> mean 70m; median rank ceil(1.5) = 2nd; p90 rank ceil(2.7) = 3rd
    assert_eq!(
        stats(all, IncidentMetric::TimeToMitigate),
        (3, mins(70), mins(60), mins(120))
    );
    // resolve: 30, 60, 180, 240 -> mean 127.5m
    assert_eq!(
        stats(all, IncidentMetric::TimeToResolve),
        (4, TimeDelta::seconds(127 * 60 + 30), mins(60), mins(240))
    );
    let d = all.detection;
    assert_eq!((d.monitor, d.customer, d.staff, d.unknown), (2, 1, 1, 1));
    assert_eq!(d.customer_share(), Some(0.25)); // 1 of the 4 with a recorded source
}

#[test]
fn grouped_metrics_match_hand_computed_values() {
    let inv = load(&format!("{ESTATE}{METRICS}"));
    let m = IncidentMetrics::new(&inv, None);
    let keys =
        |gs: &[ops_core::incident::MetricsGroup]| gs.iter().map(|g| (g.key.clone(), g.incidents)).collect::<Vec<_>>();
    assert_eq!(
        keys(&m.by_severity),
        [("sev1".into(), 2), ("sev2".into(), 2), ("sev3".into(), 1)]
    );
    assert_eq!(keys(&m.by_component), [("db".into(), 3), ("web-1".into(), 2)]);
    assert_eq!(
        keys(&m.by_month),
        [("2026-09".into(), 2), ("2026-10".into(), 2), ("2026-11".into(), 1)]
    );
    // db: A, B, D; detect 5, 30, 60 -> mean 95/3 m = 31m40s, median 30m, p90 60m
    let db = &m.by_component[0];
    assert_eq!(
        stats(db, IncidentMetric::TimeToDetect),
        (3, TimeDelta::seconds(1900), mins(30), mins(60))
    );
    assert_eq!(db.detection.customer_share(), Some(1.0 / 3.0));
    // sev1: A and E; detect 10, 30 -> mean 20m, median 10m (lower middle), p90 30m; resolve: A only
    let sev1 = &m.by_severity[0];
    assert_eq!(
        stats(sev1, IncidentMetric::TimeToDetect),
        (2, mins(20), mins(10), mins(30))
    );
    assert_eq!(
        stats(sev1, IncidentMetric::TimeToResolve),
        (1, mins(180), mins(180), mins(180))
    );
    assert_eq!(sev1.detection.customer_share(), Some(1.0)); // E records no source
    // 2026-10: C (no start, so no time to detect) and D
    let oct = &m.by_month[1];
    assert_eq!(
        stats(oct, IncidentMetric::TimeToDetect),
        (1, mins(60), mins(60), mins(60))
    );
    assert!(oct.stats(IncidentMetric::TimeToMitigate).is_some());
    assert!(m.by_month[2].stats(IncidentMetric::TimeToResolve).is_none());
}

#[test]
fn since_keeps_incidents_detected_from_then_on() {
    let inv = load(&format!("{ESTATE}{METRICS}"));
    let m = IncidentMetrics::new(&inv, Some(t("2026-10-05T00:00:00+02:00")));
    assert_eq!(m.overall.incidents, 3); // C (exactly at the instant), D, E
    assert_eq!(m.by_component.len(), 2);
    let text = m.to_text();
    assert!(
        text.starts_with(
            "3 incidents detected since 2026-10-04 22:00:00 UTC\n\
             detected by: monitor 1, customer 0, staff 1, not recorded 1\n\
             detected by customers: 0% (0 of 2 with a recorded source)\n"
        ),
        "{text}"
    );
}

#[test]
fn metrics_text_table() {
    let inv = load(&format!("{ESTATE}{METRICS}"));
    let text = IncidentMetrics::new(&inv, None).to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[2], "detected by customers: 25% (1 of 4 with a recorded source)");
    assert_eq!(
        lines[4],
        "GROUP                            INCIDENTS  CUSTOMER  TIME TO        N      MEAN    MEDIAN       P90"
    );
    assert_eq!(
        lines[5],
        "all                                      5         1  detect         4    26m15s       10m        1h"
    );
    assert_eq!(
        lines[8],
        "                                                      resolve        4   2h7m30s        1h        4h"
    );
    assert!(
        text.contains(
            "\ncomponent db                             3         1  detect         3    31m40s       30m        1h\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "\nmonth 2026-11                            1         0  detect         1       10m       10m       10m\n"
    ));
    assert!(text.contains(
        "\n                                                      acknowledge    0         -         -         -\n"
    ));
    let md = IncidentMetrics::new(&inv, None).to_markdown();
    assert!(
        md.contains(
            "\n| all | 5 | 1 | 26m15s / 10m / 1h (4) | 9m15s / 5m / 20m (4) | 1h10m / 1h / 2h (3) | 2h7m30s / 1h / 4h (4) |\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("\n| month 2026-11 | 1 | 0 | 10m / 10m / 10m (1) | - | - | - |\n"),
        "{md}"
    );
    let empty = IncidentMetrics::new(&load(ESTATE), None).to_text();
    assert_eq!(
        empty,
        "0 incidents\ndetected by: monitor 0, customer 0, staff 0, not recorded 0\n\
         detected by customers: n/a (no incident records who detected it)\n"
    );
}

#[test]
fn nearest_rank_by_hand() {
    // 20 values 1..=20: p50 rank 10, p90 rank 18, p95 rank 19, p5 rank 1
    let v: Vec<u32> = (1..=20).collect();
    assert_eq!(nearest_rank(&v, 50), Some(10));
    assert_eq!(nearest_rank(&v, 90), Some(18));
    assert_eq!(nearest_rank(&v, 95), Some(19));
    assert_eq!(nearest_rank(&v, 5), Some(1));
    // 3 values: p90 rank ceil(2.7) = 3
    assert_eq!(nearest_rank(&[3, 9, 27], 90), Some(27));
}

// ---------------------------------------------------------------- post-mortem

const FULL: &str = "
problems:
  - {id: PRB-1, title: Disk fills up on database hosts}
incident:
  id: INC-1
  title: Checkout | payments down
  severity: sev1
  commander: maya
  impacted: [db, shop]
  detected_by: customer
  cause: disk-full
  problem: PRB-1
  started_at: 2026-09-14T07:52:00+01:00
  detected_at: 2026-09-14T08:31:00+01:00
  acknowledged_at: 2026-09-14T08:40:00+01:00
  mitigated_at: 2026-09-14T09:55:00+01:00
  resolved_at: 2026-09-14T11:20:00+01:00
  postmortem_done_at: 2026-09-18
  timeline:
    - {at: 2026-09-14T08:40:00+01:00, author: maya, kind: action, text: Disk 100% full.}
    - {at: 2026-09-14T08:31:00+01:00, author: tom, kind: alert, text: Customers report errors.}
  postmortem:
    what_happened: The database disk filled up.
    why: WAL archiving failed for nine days.
    why_not_detected: No disk alert.
    why_not_self_healed: No autoscaling.
    issues:
      - description: No alert on disk usage.
        actions:
          - {description: Alert at 80%, owner: tom, expected_result: A page before it is full, due: 2026-10-01,
             done_at: 2026-09-25}
          - {description: Runbook, owner: team}
      - description: Nobody noticed archiving failing.
";

#[test]
fn postmortem_renders_every_part() {
    let inv = load(&format!("{ESTATE}{FULL}"));
    let doc = postmortem_markdown(&inv, &inv.incidents()[0]);
    let expected = "\
# Post-mortem: INC-1 Checkout | payments down

| | |
|---|---|
| **Severity** | sev1 |
| **Status** | post-mortem done |
| **Commander** | Maya Okafor (maya) |
| **Detected by** | customer |
| **Problem** | PRB-1 Disk fills up on database hosts |
| **Cause** | `disk-full` |
| **Post-mortem done** | 2026-09-18 00:00:00 |

## Impact

Impacted components: `db`, `shop`.

| Phase | When (UTC) | After |
|---|---|---|
| Impact started | 2026-09-14 06:52:00 |  |
| Detected | 2026-09-14 07:31:00 | 39m after impact start |
| Acknowledged | 2026-09-14 07:40:00 | 9m after detection |
| Mitigated | 2026-09-14 08:55:00 | 1h24m after detection |
| Resolved | 2026-09-14 10:20:00 | 2h49m after detection |

## What happened?

The database disk filled up.

## Why did it happen?

WAL archiving failed for nine days.

## Why did monitoring not catch it earlier?

No disk alert.

## Why did self-healing not resolve it?

No autoscaling.

## Timeline

| When (UTC) | Who | Kind | What |
|---|---|---|---|
| 2026-09-14 07:31:00 | tom | alert | Customers report errors. |
| 2026-09-14 07:40:00 | Maya Okafor (maya) | action | Disk 100% full. |

## Issues and actions

### 1. No alert on disk usage.

| Action | Owner | Due | Expected result | Status |
|---|---|---|---|---|
| Alert at 80% | tom | 2026-10-01 | A page before it is full | done 2026-09-25 |
| Runbook | group team | **no due date** |  | open |

### 2. Nobody noticed archiving failing.

_No action yet: every issue needs at least one._
";
    assert_eq!(doc, expected);
}

#[test]
fn postmortem_of_an_incident_without_one_says_what_is_missing() {
    let inv = load("incident: {id: I, title: x, severity: sev3, detected_at: 2026-01-01}\n");
    let doc = postmortem_markdown(&inv, &inv.incidents()[0]);
    assert!(
        doc.contains("| **Status** | detected |\n| **Commander** | not recorded |\n"),
        "{doc}"
    );
    assert!(doc.contains("## What happened?\n\n_Not written yet._\n"));
    assert!(doc.contains("## Timeline\n\n_No timeline recorded._\n"));
    assert!(doc.ends_with("## Issues and actions\n\n_No issues identified yet._\n"));
}

// ---------------------------------------------------------------- checks

#[test]
fn missing_postmortem_positive() {
    let found = run(
        &ops_core::incident::MISSING_POSTMORTEM,
        "
incidents:
  - {id: I1, title: x, severity: sev1, detected_at: 2026-11-01, resolved_at: 2026-11-01T01:00:00Z}
  - {id: I2, title: x, severity: sev2, detected_at: 2026-11-01, resolved_at: 2026-11-14T08:00:00Z,
     postmortem: {why: drafted}, postmortem_done_at: 2026-12-01}
",
    );
    assert_eq!(
        found,
        [
            finding(
                "incident/missing-postmortem",
                EntityKind::Incident,
                "I1",
                Severity::High,
                "incident 'I1' (sev1) was resolved on 2026-11-01 and has no completed post-mortem after 21 days \
                 (expected within 1w)"
            ),
            finding(
                "incident/missing-postmortem",
                EntityKind::Incident,
                "I2",
                Severity::Medium,
                "incident 'I2' (sev2) was resolved on 2026-11-14 and has no completed post-mortem after 8 days \
                 (expected within 1w)"
            ),
        ]
    );
}

#[test]
fn missing_postmortem_negative_and_thresholds() {
    let incidents = "
incidents:
  - {id: minor, title: x, severity: sev3, detected_at: 2026-10-01, resolved_at: 2026-10-01}
  - {id: recent, title: x, severity: sev1, detected_at: 2026-11-18, resolved_at: 2026-11-18}
  - {id: done, title: x, severity: sev1, detected_at: 2026-10-01, resolved_at: 2026-10-01, postmortem_done_at: 2026-10-05}
  - {id: open, title: x, severity: sev1, detected_at: 2026-10-01}
  - {id: future, title: x, severity: sev1, detected_at: 2026-12-01, resolved_at: 2026-12-01}
";
    assert_eq!(run(&ops_core::incident::MISSING_POSTMORTEM, incidents), []);
    let found = run(
        ops_core::incident::MISSING_POSTMORTEM.with_options(
            ops_core::incident::MissingPostmortemOptions::default().with_min_severity(IncidentSeverity::Sev3),
        ),
        incidents,
    );
    assert_eq!(found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), ["minor"]);
    let found = run(
        ops_core::incident::MISSING_POSTMORTEM
            .with_options(ops_core::incident::MissingPostmortemOptions::default().with_grace(TimeDelta::days(2))),
        incidents,
    );
    assert_eq!(
        found,
        [finding(
            "incident/missing-postmortem",
            EntityKind::Incident,
            "recent",
            Severity::High,
            "incident 'recent' (sev1) was resolved on 2026-11-18 and has no completed post-mortem after 4 days \
             (expected within 2d)"
        )]
    );
}

#[test]
fn issue_without_action_positive_and_negative() {
    let found = run(&ops_core::incident::ISSUE_WITHOUT_ACTION, FULL);
    assert_eq!(
        found,
        [finding(
            "incident/issue-without-action",
            EntityKind::Incident,
            "INC-1",
            Severity::Medium,
            "post-mortem of incident 'INC-1': issue 2 'Nobody noticed archiving failing.' has no action"
        )]
    );
    let report = Runner::with_builtin_checks().run(&load(&format!("{ESTATE}{FULL}")), t(NOW));
    let f = report
        .findings
        .iter()
        .find(|f| f.check == "incident/issue-without-action")
        .unwrap();
    assert_eq!(f.location.as_ref().unwrap().to_string(), "inv.yaml:45:22");

    let fine = "
incident:
  id: I
  title: x
  severity: sev2
  detected_at: 2026-11-01
  postmortem:
    issues:
      - description: has one
        actions: [{description: do it, owner: maya, due: 2026-12-01}]
";
    assert_eq!(run(&ops_core::incident::ISSUE_WITHOUT_ACTION, fine), []);
    // An incident after the evaluation instant is not looked at.
    let future = "incident: {id: I, title: x, severity: sev2, detected_at: 2027-01-01, postmortem: {issues: [{description: d}]}}\n";
    assert_eq!(run(&ops_core::incident::ISSUE_WITHOUT_ACTION, future), []);
}

#[test]
fn action_rules_positive() {
    let found = run_all(
        action_rules(),
        "
incident:
  id: I
  title: x
  severity: sev2
  detected_at: 2026-09-01
  postmortem:
    issues:
      - description: d
        actions:
          - {description: nobody owns this, due: 2026-12-01}
          - {description: a team owns this, owner: team, due: 2026-12-01}
          - {description: no date, owner: maya}
          - {description: late, owner: tom, due: 2026-10-15}
          - {description: done after now, owner: tom, due: 2026-11-21T09:00:00Z, done_at: 2026-11-30}
",
    );
    use EntityKind::Incident as I;
    assert_eq!(
        found,
        [
            finding(
                "incident/action-overdue",
                I,
                "I",
                Severity::Medium,
                "action 'late' of incident 'I' was due on 2026-10-15 and is 38 days overdue (owner: tom)"
            ),
            finding(
                "incident/action-overdue",
                I,
                "I",
                Severity::Medium,
                "action 'done after now' of incident 'I' was due on 2026-11-21 and is 1 day overdue (owner: tom)"
            ),
            finding(
                "incident/action-undated",
                I,
                "I",
                Severity::Medium,
                "action 'no date' of incident 'I' has no due date"
            ),
            finding(
                "incident/action-unowned",
                I,
                "I",
                Severity::Medium,
                "action 'nobody owns this' of incident 'I' has no owner"
            ),
            finding(
                "incident/action-unowned",
                I,
                "I",
                Severity::Low,
                "action 'a team owns this' of incident 'I' is owned by group 'team', not one person"
            ),
        ]
    );
}

#[test]
fn action_rules_negative() {
    let found = run_all(
        action_rules(),
        "
incident:
  id: I
  title: x
  severity: sev2
  detected_at: 2026-09-01
  postmortem:
    issues:
      - description: d
        actions:
          - {description: 'done, without owner or date', done_at: 2026-10-01}
          - {description: due later, owner: maya, due: 2026-12-01}
          - {description: due exactly now, owner: maya, due: 2026-11-22T09:00:00Z}
",
    );
    assert_eq!(found, []);
}

#[test]
fn customer_detected_positive() {
    let found = run(
        &ops_core::incident::CUSTOMER_DETECTED,
        "
incidents:
  - {id: A, title: x, severity: sev2, detected_by: customer, impacted: [db, web-1], detected_at: 2026-09-14}
  - {id: B, title: x, severity: sev3, detected_by: customer, impacted: [db, db], detected_at: 2026-10-02}
  - {id: C, title: x, severity: sev3, detected_by: customer, detected_at: 2026-10-03}
",
    );
    assert_eq!(
        found,
        [
            finding(
                "incident/customer-detected",
                EntityKind::Component,
                "web-1",
                Severity::Medium,
                "component 'web-1' had an incident detected by customers, not monitors: A (2026-09-14)"
            ),
            finding(
                "incident/customer-detected",
                EntityKind::Component,
                "db",
                Severity::Medium,
                "component 'db' had 2 incidents detected by customers, not monitors: A (2026-09-14), B (2026-10-02)"
            ),
            finding(
                "incident/customer-detected",
                EntityKind::Incident,
                "C",
                Severity::Medium,
                "incident 'C' (2026-10-03) was detected by customers, not monitors"
            ),
        ]
    );
}

#[test]
fn customer_detected_negative() {
    let incidents = "
incidents:
  - {id: monitored, title: x, severity: sev2, detected_by: monitor, impacted: [db], detected_at: 2026-10-01}
  - {id: old, title: x, severity: sev2, detected_by: customer, impacted: [db], detected_at: 2026-01-01}
  - {id: future, title: x, severity: sev2, detected_by: customer, impacted: [db], detected_at: 2026-12-01}
  - {id: unknown, title: x, severity: sev2, impacted: [db], detected_at: 2026-10-01}
";
    assert_eq!(run(&ops_core::incident::CUSTOMER_DETECTED, incidents), []);
    let found = run(
        ops_core::incident::CUSTOMER_DETECTED
            .with_options(ops_core::incident::CustomerDetectedOptions::default().with_lookback(TimeDelta::days(365))),
        incidents,
    );
    assert_eq!(
        found.iter().map(|f| f.4.as_str()).collect::<Vec<_>>(),
        ["component 'db' had an incident detected by customers, not monitors: old (2026-01-01)"]
    );
}

#[test]
fn change_before_incident_positive() {
    // The window starts 24h before the impact started (08:00), so deploy-3 is out.
    let found = run(
        &ops_core::incident::CHANGE_BEFORE_INCIDENT,
        "
changes:
  - {id: deploy-1, at: 2026-11-10T06:00:00Z, component: db, author: tom, description: max_connections 200 -> 400}
  - {at: 2026-11-10T08:30:00Z, component: db}
  - {id: deploy-2, at: 2026-11-09T08:30:00Z, component: web-1}
  - {id: deploy-3, at: 2026-11-09T07:59:00Z, component: web-1}
incidents:
  - {id: I, title: x, severity: sev2, impacted: [db, web-1], started_at: 2026-11-10T08:00:00Z,
     detected_at: 2026-11-10T09:00:00Z}
",
    );
    use EntityKind::Incident as I;
    assert_eq!(
        found,
        [
            finding(
                "incident/change-before-incident",
                I,
                "I",
                Severity::Low,
                "a change to 'db' at 2026-11-10 08:30 UTC came 30m before incident 'I' was detected"
            ),
            finding(
                "incident/change-before-incident",
                I,
                "I",
                Severity::Low,
                "change 'deploy-1' to 'db' (max_connections 200 -> 400) at 2026-11-10 06:00 UTC came 3h before \
                 incident 'I' was detected"
            ),
            finding(
                "incident/change-before-incident",
                I,
                "I",
                Severity::Low,
                "change 'deploy-2' to 'web-1' at 2026-11-09 08:30 UTC came 1d30m before incident 'I' was detected"
            ),
        ]
    );
}

#[test]
fn change_before_incident_negative() {
    let extra = "
changes:
  - {id: other-component, at: 2026-11-10T08:00:00Z, component: web-2}
  - {id: after-detection, at: 2026-11-10T09:01:00Z, component: db}
  - {id: too-early, at: 2026-11-09T08:59:00Z, component: db}
incidents:
  - {id: I, title: x, severity: sev2, impacted: [db], detected_at: 2026-11-10T09:00:00Z}
";
    assert_eq!(run(&ops_core::incident::CHANGE_BEFORE_INCIDENT, extra), []);
    // Incidents older than the lookback are not looked at.
    assert_eq!(
        run(
            ops_core::incident::CHANGE_BEFORE_INCIDENT.with_options(
                ops_core::incident::ChangeBeforeIncidentOptions::default().with_lookback(TimeDelta::days(11))
            ),
            extra
        ),
        []
    );
    let found = run(
        ops_core::incident::CHANGE_BEFORE_INCIDENT.with_options(
            ops_core::incident::ChangeBeforeIncidentOptions::default()
                .with_window(TimeDelta::hours(25))
                .with_lookback(TimeDelta::days(13)),
        ),
        extra,
    );
    assert_eq!(
        found.iter().map(|f| f.4.as_str()).collect::<Vec<_>>(),
        ["change 'too-early' to 'db' at 2026-11-09 08:59 UTC came 1d1m before incident 'I' was detected"]
    );
}

#[test]
fn recurrence_positive() {
    let found = run(
        &ops_core::incident::RECURRENCE,
        "
problems:
  - {id: P, title: p, incidents: [A]}
incidents:
  - {id: A, title: x, severity: sev1, impacted: [db], cause: disk-full, detected_at: 2026-09-14T08:00:00Z}
  - {id: B, title: x, severity: sev2, impacted: [db, lb], cause: Disk-Full, detected_at: 2026-10-22T10:00:00Z}
  - {id: C, title: x, severity: sev3, impacted: [web-1], cause: disk-full, detected_at: 2026-10-22T20:00:00Z}
  - {id: D, title: x, severity: sev3, impacted: [shop], detected_at: 2026-11-01}
  - {id: E, title: x, severity: sev3, impacted: [shop], detected_at: 2026-11-02}
",
    );
    use EntityKind::Incident as I;
    assert_eq!(
        found,
        [
            finding(
                "incident/recurrence",
                I,
                "B",
                Severity::Medium,
                "incident 'B' recurs 'A' of 2026-09-14 (38 days earlier; same component db, same cause 'Disk-Full'), \
                 and no problem links them"
            ),
            finding(
                "incident/recurrence",
                I,
                "C",
                Severity::Medium,
                "incident 'C' recurs 'B' of 2026-10-22 (less than a day earlier; same cause 'disk-full'); \
                 'A' of 2026-09-14 (38 days earlier; same cause 'disk-full'), and no problem links them"
            ),
            finding(
                "incident/recurrence",
                I,
                "E",
                Severity::Medium,
                "incident 'E' recurs 'D' of 2026-11-01 (1 day earlier; same component shop), and no problem links them"
            ),
        ]
    );
}

#[test]
fn recurrence_negative() {
    let extra = "
problems:
  - {id: P, title: p, incidents: [A, B]}
incidents:
  - {id: A, title: x, severity: sev1, impacted: [db], detected_at: 2026-09-14}
  - {id: B, title: x, severity: sev1, impacted: [db], problem: P, detected_at: 2026-10-14}
  - {id: C, title: x, severity: sev3, impacted: [web-1], cause: dns, detected_at: 2026-05-01}
  - {id: D, title: x, severity: sev3, impacted: [web-1], cause: dns, detected_at: 2026-08-15}
  - {id: E, title: x, severity: sev3, impacted: [web-2], cause: cert, detected_at: 2026-08-16}
  - {id: F, title: x, severity: sev3, impacted: [lb], cause: dns, detected_at: 2026-12-01}
  - {id: G, title: x, severity: sev3, impacted: [shop, lb], detected_at: 2026-11-01}
  - {id: H, title: x, severity: sev3, impacted: [shop, web-2], detected_at: 2026-11-20}
";
    // A and B share a problem; C and D are 106 days apart; E shares nothing; F is after the
    // instant; G and H share only the entry point, and each names where it really was
    // (H and E share web-2 but are 96 days apart: the wider window finds them).
    assert_eq!(run(&ops_core::incident::RECURRENCE, extra), []);
    let found = run(
        ops_core::incident::RECURRENCE
            .with_options(ops_core::incident::RecurrenceOptions::default().with_window(TimeDelta::days(120))),
        extra,
    );
    // With a 10-day lookback only H (2026-11-20) is a candidate; E, 96 days before it, may be older.
    let recent_only = run(
        ops_core::incident::RECURRENCE.with_options(
            ops_core::incident::RecurrenceOptions::default()
                .with_window(TimeDelta::days(120))
                .with_lookback(TimeDelta::days(10)),
        ),
        extra,
    );
    assert_eq!(recent_only.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), ["H"]);
    assert_eq!(
        found.iter().map(|f| f.4.as_str()).collect::<Vec<_>>(),
        [
            "incident 'D' recurs 'C' of 2026-05-01 (106 days earlier; same component web-1, same cause 'dns'), \
             and no problem links them",
            "incident 'H' recurs 'E' of 2026-08-16 (96 days earlier; same component web-2), and no problem links them"
        ]
    );
}

#[test]
fn spof_incident_positive_and_negative() {
    let found = run(
        &ops_core::incident::SPOF_INCIDENT,
        "
incidents:
  - {id: A, title: x, severity: sev1, impacted: [web-1, db, shop], detected_at: 2026-09-14}
  - {id: B, title: x, severity: sev1, impacted: [lb, db], detected_at: 2026-10-14}
  - {id: not-spof, title: x, severity: sev2, impacted: [web-1, web-2, shop], detected_at: 2026-10-01}
  - {id: old, title: x, severity: sev2, impacted: [db], detected_at: 2025-10-01}
  - {id: nothing-recorded, title: x, severity: sev2, detected_at: 2026-10-01}
",
    );
    use EntityKind::Incident as I;
    assert_eq!(
        found,
        [
            finding(
                "incident/spof-incident",
                I,
                "A",
                Severity::High,
                "incident 'A' (2026-09-14) impacted single point of failure 'db' (takes down shop)"
            ),
            finding(
                "incident/spof-incident",
                I,
                "B",
                Severity::High,
                "incident 'B' (2026-10-14) impacted single points of failure 'db' (takes down shop), \
                 'lb' (takes down shop)"
            ),
        ]
    );
    let found = run(
        ops_core::incident::SPOF_INCIDENT
            .with_options(ops_core::incident::SpofIncidentOptions::default().with_lookback(TimeDelta::days(30))),
        "incident: {id: A, title: x, severity: sev1, impacted: [db], detected_at: 2026-09-14}\n",
    );
    assert_eq!(found, []);
}

#[test]
fn every_incident_rule_is_built_in_and_documented() {
    let runner = Runner::with_builtin_checks();
    let ids: Vec<&str> = runner
        .rules()
        .map(|r| r.id())
        .filter(|id| id.starts_with("incident/"))
        .collect();
    assert_eq!(
        ids,
        [
            "incident/spof-incident",
            "incident/missing-postmortem",
            "incident/issue-without-action",
            "incident/action-unowned",
            "incident/action-undated",
            "incident/action-overdue",
            "incident/customer-detected",
            "incident/recurrence",
            "incident/change-before-incident",
        ]
    );
    for r in runner.rules().filter(|r| r.id().starts_with("incident/")) {
        for heading in ["## What it checks", "## Why it matters", "## Example", "## How to fix"] {
            assert!(r.explanation().contains(heading), "{}: no {heading}", r.id());
        }
    }
}

#[test]
fn rule_examples_load() {
    // The YAML examples of the rule explanations that are whole inventories load.
    for r in Runner::with_builtin_checks()
        .rules()
        .filter(|r| r.id().starts_with("incident/"))
    {
        let Some(start) = r.explanation().find("```yaml\n") else {
            continue;
        };
        let body = &r.explanation()[start + 8..];
        let yaml = &body[..body.find("```").unwrap()];
        if yaml.starts_with("incident") || yaml.starts_with("changes") || yaml.starts_with("components") {
            let _ = load(yaml);
        }
    }
}

#[test]
fn durations_across_a_leap_second() {
    // Durations are taken on a timeline without leap seconds (as chrono does):
    // the leap second and the midnight after it are 0s apart. Never negative.
    let inv = load(
        "
incidents:
  - {id: A, title: a, severity: sev3, started_at: 2016-12-31T23:59:59Z, detected_at: 2016-12-31T23:59:60Z,
     acknowledged_at: 2017-01-01T00:00:00Z, resolved_at: 2017-01-01T00:00:01Z}
",
    );
    let i = &inv.incidents()[0];
    let d = |m: IncidentMetric| m.of(i).unwrap().num_milliseconds();
    assert_eq!(d(IncidentMetric::TimeToDetect), 1000);
    assert_eq!(d(IncidentMetric::TimeToAcknowledge), 0); // 23:59:60 to 00:00:00
    assert_eq!(d(IncidentMetric::TimeToResolve), 1000); // 23:59:60 to 00:00:01
}
