//! The report over a small werkplaats folded from events, no database.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::*;

// Events given by hand hold parsed text, as `decide` produces it.
use crate::domain::given::{name, note, text};

/// Folds `events` into the view and the cycle history as [`load`] does.
fn fold(events: &[Event]) -> (WerkplaatsAt, CycleHistory) {
    fn recorded((i, event): (usize, &Event)) -> Recorded<'_> {
        Recorded {
            version: i as i64 + 1,
            recorded_at: Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap(),
            actor: None,
            event,
        }
    }
    let view = WerkplaatsView::fold(events.iter().enumerate().map(recorded)).unwrap();
    let mut cycles = CycleHistory::default();
    for r in events.iter().enumerate().map(recorded) {
        cycles.apply(r);
    }
    (
        WerkplaatsAt {
            view,
            names: Default::default(),
        },
        cycles,
    )
}

struct Ids {
    partner: Uuid,
    action: Uuid,
    first: Uuid,
    second: Uuid,
}

fn werkplaats(indicators: usize) -> (Vec<Event>, Ids) {
    let ids = Ids {
        partner: Uuid::new_v4(),
        action: Uuid::new_v4(),
        first: Uuid::new_v4(),
        second: Uuid::new_v4(),
    };
    let mut events = vec![
        Event::WerkplaatsCreated(WerkplaatsCreated {
            werkplaats_id: Uuid::new_v4(),
            name: name("Almere <Haven>"),
            municipality: name("Almere"),
            question: text("Hoe bereiken we gezinnen & jongeren eerder?"),
            methodology: Methodology::SchoudersEronder,
        }),
        Event::PartnerAdded(PartnerAdded {
            partner_id: ids.partner,
            name: name("Schuldhulp \"Flevo\""),
            kind: PartnerKind::Schuldhulpverlening,
        }),
        Event::PhaseAdvanced(PhaseAdvanced {
            from: 1,
            to: 2,
            note: Some(note("Probleem <scherp>")),
        }),
        Event::ActionPlanned(ActionPlanned {
            action_id: ids.action,
            title: name("Huisbezoeken"),
            goal: text("Eerder in beeld"),
            owner_partner_id: ids.partner,
            solution_id: None,
            due_date: None,
            indicator_ids: Vec::new(),
        }),
        Event::ActionStarted(ActionStarted {
            action_id: ids.action,
            cycle: 1,
        }),
        Event::ActionChecked(ActionChecked {
            action_id: ids.action,
            findings: text("Te weinig <bezoeken>"),
        }),
        Event::ActionConcluded(ActionConcluded {
            action_id: ids.action,
            outcome: ActOutcome::Adapt,
            rationale: text("Vaker langs"),
        }),
        Event::ActionStarted(ActionStarted {
            action_id: ids.action,
            cycle: 2,
        }),
        Event::ActionChecked(ActionChecked {
            action_id: ids.action,
            findings: text("Werkt"),
        }),
        Event::ActionConcluded(ActionConcluded {
            action_id: ids.action,
            outcome: ActOutcome::Adopt,
            rationale: text("Structureel"),
        }),
        decision(ids.first, "Start met huisbezoeken", None),
        decision(ids.second, "Huisbezoeken als werkwijze", Some(ids.first)),
        Event::ReflectionRecorded(ReflectionRecorded {
            reflection_id: Uuid::new_v4(),
            text: text("Cliënten <voelen> zich gehoord"),
            about: vec![],
            phase: 2,
        }),
    ];
    for n in 0..indicators {
        let indicator_id = Uuid::new_v4();
        events.push(Event::IndicatorDefined(IndicatorDefined {
            indicator_id,
            name: name(&format!("Indicator {n}")),
            unit: name("dagen"),
            baseline: 42.0,
            norm: 28.0,
            direction: Direction::Decrease,
            goal_id: None,
            kind: crate::domain::IndicatorKind::Outcome,
            template: None,
        }));
        // Indicator n gets n measurements: 0, 1 and more all render.
        for day in 0..n {
            events.push(Event::MeasurementRecorded(MeasurementRecorded {
                indicator_id,
                value: 40.0 - day as f64 * 5.0,
                measured_on: NaiveDate::from_ymd_opt(2025, 4, day as u32 + 1).unwrap(),
                note: None,
            }));
        }
    }
    (events, ids)
}

fn decision(id: Uuid, title: &str, supersedes: Option<Uuid>) -> Event {
    Event::DecisionRecorded(DecisionRecorded {
        decision_id: id,
        title: name(title),
        context: text("Context"),
        options_considered: vec![name("A"), name("B")],
        decision: text("Doen"),
        rationale: text("Omdat <het> kan"),
        based_on: vec![],
        supersedes_decision_id: supersedes,
        consequences: None,
        review_on: None,
    })
}

#[test]
fn escape_covers_the_five_characters() {
    assert_eq!(
        escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
    );
    assert_eq!(escape("gewoon tekst – ë"), "gewoon tekst – ë");
}

#[test]
fn numbers_are_written_the_dutch_way() {
    assert_eq!(format_number(28.0), "28");
    assert_eq!(format_number(27.5), "27,5");
    assert_eq!(format_number(0.3888), "0,39");
    assert_eq!(format_number(-0.001), "0");
}

#[test]
fn cycles_keep_findings_outcome_and_rationale_per_cycle() {
    let (events, ids) = werkplaats(0);
    let (_, cycles) = fold(&events);
    let history = cycles.of(&ids.action);
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].number, 1);
    assert_eq!(history[0].findings, ["Te weinig <bezoeken>"]);
    assert_eq!(history[0].outcome, Some(ActOutcome::Adapt));
    assert_eq!(history[0].rationale.as_deref(), Some("Vaker langs"));
    assert_eq!(history[1].outcome, Some(ActOutcome::Adopt));
    assert!(cycles.of(&Uuid::new_v4()).is_empty());
}

#[test]
fn the_report_has_every_section_one_chart_per_indicator_and_escapes_text() {
    let (events, _) = werkplaats(3);
    let (at, cycles) = fold(&events);
    let html = render(&at, &cycles);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(r#"<html lang="nl">"#));
    assert_eq!(html.matches("<svg").count(), 3);
    assert_eq!(html.matches(r#"role="img""#).count(), 3);
    for needle in [
        "Hoe bereiken we gezinnen &amp; jongeren eerder?",
        "Almere &lt;Haven&gt;",
        "Schuldhulp &quot;Flevo&quot;",
        "Probleem &lt;scherp&gt;",
        "Te weinig &lt;bezoeken&gt;",
        "Vaker langs",
        "Structureel",
        "bijstellen voor een nieuwe cyclus",
        "Start met huisbezoeken",
        "<strong>Vervangen</strong> door besluit “Huisbezoeken als werkwijze”",
        "Vervangt besluit “Start met huisbezoeken”",
        "Omdat &lt;het&gt; kan",
        "Cliënten &lt;voelen&gt; zich gehoord",
        "Fase 2. Oplossingen verkennen",
        "Huidige fase: 2. Oplossingen verkennen",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    for raw in ["<Haven>", "<scherp>", "<bezoeken>", "<het>", "<voelen>"] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    // No external assets: nothing is fetched from elsewhere.
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
}

#[test]
fn headings_do_not_skip_levels() {
    let (events, _) = werkplaats(2);
    let (at, cycles) = fold(&events);
    let html = render(&at, &cycles);
    let mut previous = 0;
    for (i, _) in html.match_indices("<h") {
        let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= previous + 1, "h{level} after h{previous}");
        previous = level;
    }
    assert_eq!(html.matches("<h1").count(), 1);
}
