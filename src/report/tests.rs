//! The report over a small werkplaats folded from events, no database.

use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::*;
use crate::projections::Recorded;

// Events given by hand hold parsed text, as `decide` produces it.
use crate::domain::given::{name, note, text};

fn recorded((i, event): (usize, &Event)) -> Recorded<'_> {
    Recorded {
        version: i as i64 + 1,
        recorded_at: Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap(),
        actor: None,
        event,
    }
}

/// Folds `events` into the view as [`load`] does.
fn fold(events: &[Event]) -> WerkplaatsAt {
    WerkplaatsAt {
        view: WerkplaatsView::fold(events.iter().enumerate().map(recorded)).unwrap(),
        names: Default::default(),
    }
}

/// The table row whose row header is exactly `header` (HTML), up to its
/// `</tr>`.
fn row<'a>(html: &'a str, header: &str) -> &'a str {
    let start = format!("<tr><th scope=\"row\">{header}</th>");
    let at = html
        .find(&start)
        .unwrap_or_else(|| panic!("no row {header}"));
    let end = at + html[at..].find("</tr>").expect("the row ends");
    &html[at + start.len()..end]
}

/// The part of the page from the heading `title` to the next `<h2`.
fn section<'a>(html: &'a str, title: &str) -> &'a str {
    let heading = format!("<h2>{title}</h2>");
    let at = html
        .find(&heading)
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &html[at + heading.len()..];
    &rest[..rest.find("<h2").unwrap_or(rest.len())]
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
        Event::ActionProgressLogged(ActionProgressLogged {
            action_id: ids.action,
            cycle: 1,
            text: text("Eerste <ronde> gelopen"),
            occurred_on: NaiveDate::from_ymd_opt(2025, 3, 4).unwrap(),
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
        Event::ActionProgressLogged(ActionProgressLogged {
            action_id: ids.action,
            cycle: 2,
            text: text("Tweede ronde"),
            occurred_on: NaiveDate::from_ymd_opt(2025, 5, 6).unwrap(),
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
fn each_cycle_row_shows_its_own_log_findings_outcome_and_rationale() {
    let (events, _) = werkplaats(0);
    let html = render(&fold(&events));
    let first = row(&html, "1");
    assert!(first.contains(
        "<ul><li><time datetime=\"2025-03-04\">04-03-2025</time>: Eerste &lt;ronde&gt; gelopen</li></ul>"
    ));
    assert!(first.contains("<td>Te weinig &lt;bezoeken&gt;</td>"));
    assert!(first.contains("<td>bijstellen voor een nieuwe cyclus (01-03-2025 09:00 UTC)</td>"));
    assert!(first.contains("<td>Vaker langs</td>"));
    assert!(!first.contains("Tweede ronde") && !first.contains("Structureel"));
    let second = row(&html, "2");
    assert!(second.contains("06-05-2025</time>: Tweede ronde"));
    assert!(second.contains("<td>Werkt</td>"));
    assert!(second.contains("<td>overnemen (01-03-2025 09:00 UTC)</td>"));
    assert!(second.contains("<td>Structureel</td>"));
    assert!(!second.contains("Eerste"));
    assert!(html.contains("<caption>PDCA-cycli van “Huisbezoeken”</caption>"));
}

#[test]
fn an_action_not_started_says_so_and_an_open_cycle_is_open() {
    let (mut events, ids) = werkplaats(0);
    events.truncate(4); // up to ActionPlanned
    let html = render(&fold(&events));
    assert!(section(&html, "Acties en PDCA-cycli").contains("<p>Nog niet gestart.</p>"));
    events.push(Event::ActionStarted(ActionStarted {
        action_id: ids.action,
        cycle: 1,
    }));
    let html = render(&fold(&events));
    let first = row(&html, "1");
    assert!(first
        .contains("<td>01-03-2025 09:00 UTC</td><td>–</td><td>–</td><td>nog open</td><td>–</td>"));
}

#[test]
fn the_report_has_every_section_one_chart_per_indicator_and_escapes_text() {
    let (events, _) = werkplaats(3);
    let html = render(&fold(&events));
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
        "Eerste &lt;ronde&gt; gelopen",
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
    for raw in [
        "<Haven>",
        "<scherp>",
        "<bezoeken>",
        "<ronde>",
        "<het>",
        "<voelen>",
    ] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    // No external assets: nothing is fetched from elsewhere.
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src="));
}

#[test]
fn headings_do_not_skip_levels() {
    for events in [werkplaats(2).0, method().0] {
        let html = render(&fold(&events));
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
}

#[test]
fn every_table_has_headers_with_a_scope() {
    let html = render(&fold(&method().0));
    assert!(html.matches("<table>").count() >= 6);
    assert_eq!(html.matches("<th>").count(), 0, "a header without scope");
    // The tables of the method each say what they hold.
    assert_eq!(
        html.matches("<caption>").count(),
        // journey, checklist ×3, goals, risks, PDCA
        7
    );
}

struct MethodIds {
    first_item: Uuid,
    own_item: Uuid,
}

/// A werkplaats that used every hulpmiddel of the method, with user text
/// that needs escaping everywhere.
fn method() -> (Vec<Event>, MethodIds) {
    let werkplaats_id = Uuid::new_v4();
    let (gemeente, flevo) = (Uuid::new_v4(), Uuid::new_v4());
    let (problem, solution, goal) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let (tracked, loose) = (Uuid::new_v4(), Uuid::new_v4());
    let (journey, aanmelding, intake) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let (kept, retired, action) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let privacy = Uuid::new_v4();
    let ids = MethodIds {
        first_item: standard_checklist_ids(werkplaats_id).next().unwrap(),
        own_item: Uuid::new_v4(),
    };
    let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
    let events = vec![
        Event::WerkplaatsCreated(WerkplaatsCreated {
            werkplaats_id,
            name: name("Lelystad"),
            municipality: name("Lelystad"),
            question: text("Hoe voorkomen we schulden?"),
            methodology: Methodology::MovisieVijfStappen,
        }),
        Event::PartnerAdded(PartnerAdded {
            partner_id: gemeente,
            name: name("Gemeente <Almere>"),
            kind: PartnerKind::Gemeente,
        }),
        Event::PartnerAdded(PartnerAdded {
            partner_id: flevo,
            name: name("Schuldhulp \"Flevo\""),
            kind: PartnerKind::Schuldhulpverlening,
        }),
        Event::ProblemRecorded(ProblemRecorded {
            problem_id: problem,
            title: name("Late <signalen>"),
            description: text("Huurachterstand komt <laat> binnen"),
            perspective: Perspective::Client,
        }),
        Event::SolutionProposed(SolutionProposed {
            solution_id: solution,
            title: name("Buurt <team>"),
            description: text("Samen <vroeg> erop af"),
            basis: vec![EvidenceBasis::Practice, EvidenceBasis::Science],
            addresses_problem_ids: vec![problem],
            capitals: vec![
                EmpowermentCapital::Social,
                EmpowermentCapital::Psychological,
            ],
            recognition: RecognitionLevel::WellFounded,
        }),
        Event::GoalRecorded(GoalRecorded {
            goal_id: goal,
            statement: text("Minder <armoede>"),
            target_year: Some(2030),
        }),
        Event::IndicatorDefined(IndicatorDefined {
            indicator_id: tracked,
            name: name("Tijdig <opgevolgd>"),
            unit: name("%"),
            baseline: 40.0,
            norm: 80.0,
            direction: Direction::Increase,
            goal_id: Some(goal),
            kind: IndicatorKind::Process,
            template: None,
        }),
        Event::IndicatorDefined(IndicatorDefined {
            indicator_id: loose,
            name: name("Gebruik <voorzieningen>"),
            unit: name("%"),
            baseline: 30.0,
            norm: 60.0,
            direction: Direction::Increase,
            goal_id: None,
            kind: IndicatorKind::Output,
            template: None,
        }),
        Event::RiskRecorded(RiskRecorded {
            risk_id: Uuid::new_v4(),
            title: name("Wachtlijst <lang>"),
            description: text("Te weinig <handen>"),
            likelihood: RiskLevel::High,
            impact: RiskLevel::Medium,
            mitigation: Some(note("Extra <capaciteit>")),
            owner_partner_id: Some(gemeente),
        }),
        Event::RiskRecorded(RiskRecorded {
            risk_id: privacy,
            title: name("Privacy"),
            description: text("Gegevens delen"),
            likelihood: RiskLevel::Low,
            impact: RiskLevel::High,
            mitigation: None,
            owner_partner_id: None,
        }),
        Event::RiskRevised(RiskRevised {
            risk_id: privacy,
            title: None,
            description: None,
            likelihood: None,
            impact: None,
            mitigation: None,
            owner_partner_id: None,
            status: Some(RiskStatus::Mitigated),
        }),
        Event::ClientJourneyStarted(ClientJourneyStarted {
            journey_id: journey,
            title: name("Reis van <Sanne>"),
            situation: text("Alleenstaand, <huurschuld>"),
        }),
        Event::JourneyStepAdded(JourneyStepAdded {
            journey_id: journey,
            step_id: aanmelding,
            title: name("Aanmelding <loket>"),
            description: text("Belt <zelf>"),
            partner_id: Some(gemeente),
            days: Some(5),
        }),
        Event::JourneyStepAdded(JourneyStepAdded {
            journey_id: journey,
            step_id: intake,
            title: name("Intake"),
            description: text("Gesprek"),
            partner_id: Some(flevo),
            days: None,
        }),
        Event::JourneyStepAssessed(JourneyStepAssessed {
            journey_id: journey,
            step_id: aanmelding,
            knowledge: Some(Some(Quality::Good)),
            attitude: Some(Some(Quality::Poor)),
            skills: None,
            client_centred: None,
            bottleneck: Some(Some(note("Lange <wachttijd>"))),
        }),
        Event::ChecklistItemAdded(ChecklistItemAdded {
            item_id: ids.own_item,
            competence: Competence::Skills,
            statement: text("Wij <bellen> terug"),
        }),
        Event::ChecklistItemAnswered(ChecklistItemAnswered {
            item_id: ids.first_item,
            partner_id: gemeente,
            answer: ChecklistAnswerValue::Partly,
            note: None,
        }),
        // A new answer replaces the partner's earlier one.
        Event::ChecklistItemAnswered(ChecklistItemAnswered {
            item_id: ids.first_item,
            partner_id: gemeente,
            answer: ChecklistAnswerValue::Yes,
            note: Some(note("Let <op>")),
        }),
        Event::ChecklistItemAnswered(ChecklistItemAnswered {
            item_id: ids.own_item,
            partner_id: flevo,
            answer: ChecklistAnswerValue::No,
            note: None,
        }),
        Event::DecisionRecorded(DecisionRecorded {
            decision_id: kept,
            title: name("Buurtteam <starten>"),
            context: text("Context"),
            options_considered: vec![],
            decision: text("Doen"),
            rationale: text("Werkt elders"),
            based_on: vec![problem, goal],
            supersedes_decision_id: None,
            consequences: Some(note("Meer <werk> voor de wijk")),
            review_on: Some(day(6, 1)),
        }),
        Event::DecisionReviewed(DecisionReviewed {
            decision_id: kept,
            outcome: ReviewOutcome::Keep,
            note: text("Blijft <goed>"),
            next_review_on: Some(day(9, 1)),
        }),
        Event::DecisionRecorded(DecisionRecorded {
            decision_id: retired,
            title: name("Folder"),
            context: text("Context"),
            options_considered: vec![],
            decision: text("Folders"),
            rationale: text("Goedkoop"),
            based_on: vec![],
            supersedes_decision_id: None,
            consequences: None,
            review_on: None,
        }),
        Event::DecisionReviewed(DecisionReviewed {
            decision_id: retired,
            outcome: ReviewOutcome::Retire,
            note: text("Niemand <leest> ze"),
            next_review_on: None,
        }),
        Event::ActionPlanned(ActionPlanned {
            action_id: action,
            title: name("Buurtteam"),
            goal: text("Eerder erbij"),
            owner_partner_id: flevo,
            solution_id: Some(solution),
            due_date: None,
            indicator_ids: vec![tracked],
        }),
        Event::ActionStarted(ActionStarted {
            action_id: action,
            cycle: 1,
        }),
    ];
    (events, ids)
}

#[test]
fn problems_and_solutions_show_perspective_basis_capitals_recognition_and_what_they_address() {
    let html = render(&fold(&method().0));
    let problems = section(&html, "Problemen");
    assert!(problems.contains("<h3>Late &lt;signalen&gt;</h3>"));
    assert!(problems.contains("Vanuit het perspectief van de cliënt"));
    assert!(problems.contains("<p>Huurachterstand komt &lt;laat&gt; binnen</p>"));
    let solutions = section(&html, "Oplossingen");
    for needle in [
        "<h3>Buurt &lt;team&gt;</h3>",
        "<p>Samen &lt;vroeg&gt; erop af</p>",
        "<dt>Onderbouwd met</dt><dd>praktijk, wetenschap</dd>",
        "<dd><ul><li>sociaal kapitaal</li><li>psychologisch kapitaal</li></ul></dd>",
        "<dt>Erkenning</dt><dd>goed onderbouwd</dd>",
        "<dt>Pakt aan</dt><dd><ul><li>probleem “Late &lt;signalen&gt;”</li></ul></dd>",
    ] {
        assert!(solutions.contains(needle), "missing {needle}");
    }
}

#[test]
fn goals_list_their_target_year_and_indicators_with_their_kind() {
    let html = render(&fold(&method().0));
    let goals = section(&html, "Doelen en maatschappelijke resultaten");
    assert_eq!(
        row(goals, "Minder &lt;armoede&gt;"),
        "<td>2030</td><td><ul><li>Tijdig &lt;opgevolgd&gt;: procesindicator</li></ul></td>"
    );
    // The indicator without a goal is not lost.
    let loose = &goals[goals
        .find("Indicatoren zonder doel")
        .expect("loose indicators")..];
    assert!(loose.contains("<li>Gebruik &lt;voorzieningen&gt;: prestatie-indicator (output)</li>"));
    assert!(!loose.contains("Tijdig"));
    // The indicator itself names its kind and goal.
    let indicators = section(&html, "Indicatoren");
    assert!(indicators.contains("<th scope=\"row\">Soort</th><td>procesindicator</td>"));
    assert!(indicators.contains("<th scope=\"row\">Doel</th><td>Minder &lt;armoede&gt;</td>"));
    assert!(indicators.contains("<th scope=\"row\">Doel</th><td>geen</td>"));
}

#[test]
fn risks_are_a_table_of_kans_impact_owner_status_and_mitigation() {
    let html = render(&fold(&method().0));
    let risks = section(&html, "Risico's");
    assert!(risks.contains(
        "<th scope=\"col\">Kans</th><th scope=\"col\">Impact</th><th scope=\"col\">Eigenaar</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Mitigatie</th>"
    ));
    assert_eq!(
        row(risks, "Wachtlijst &lt;lang&gt;"),
        "<td>Te weinig &lt;handen&gt;</td><td>hoog</td><td>middel</td>\
         <td>Gemeente &lt;Almere&gt;</td><td>open</td><td>Extra &lt;capaciteit&gt;</td>"
    );
    assert_eq!(
        row(risks, "Privacy"),
        "<td>Gegevens delen</td><td>laag</td><td>hoog</td><td>geen eigenaar</td>\
         <td>beperkt</td><td>geen mitigatie</td>"
    );
}

#[test]
fn a_journey_shows_its_steps_in_order_with_partner_days_judgements_and_total() {
    let html = render(&fold(&method().0));
    let journeys = section(&html, "Klantreizen");
    assert!(journeys.contains("<h3>Reis van &lt;Sanne&gt;</h3>"));
    assert!(journeys.contains("<p>Alleenstaand, &lt;huurschuld&gt;</p>"));
    assert!(journeys.contains(
        "<th scope=\"col\">Kennis</th><th scope=\"col\">Houding</th>\
         <th scope=\"col\">Vaardigheden</th><th scope=\"col\">Klantgerichtheid</th>"
    ));
    assert_eq!(
        row(journeys, "1. Aanmelding &lt;loket&gt;"),
        "<td>Belt &lt;zelf&gt;</td><td>Gemeente &lt;Almere&gt;</td><td>5</td><td>goed</td>\
         <td>onvoldoende</td><td>niet beoordeeld</td><td>niet beoordeeld</td>\
         <td>Lange &lt;wachttijd&gt;</td>"
    );
    assert_eq!(
        row(journeys, "2. Intake"),
        "<td>Gesprek</td><td>Schuldhulp &quot;Flevo&quot;</td><td>onbekend</td>\
         <td>niet beoordeeld</td><td>niet beoordeeld</td><td>niet beoordeeld</td>\
         <td>niet beoordeeld</td><td>–</td>"
    );
    assert!(journeys.find("1. Aanmelding") < journeys.find("2. Intake"));
    assert!(journeys.contains(
        "<th scope=\"row\" colspan=\"3\">Totaal dagen</th>\
         <td colspan=\"6\">5, zonder 1 stap waarvan het aantal dagen onbekend is</td>"
    ));
}

#[test]
fn the_checklist_is_a_grid_of_statements_and_partners_with_gaps_visible() {
    let (events, _) = method();
    let at = fold(&events);
    let html = render(&at);
    let checklist = section(&html, "Checklist kennis, houding en vaardigheden");
    for competence in ["Kennis", "Houding", "Vaardigheden"] {
        assert!(checklist.contains(&format!("<h3>{competence}</h3>")));
        assert!(checklist.contains(&format!(
            "<caption>{competence}: antwoord per stelling en partner</caption>"
        )));
    }
    assert_eq!(
        checklist
            .matches("<th scope=\"col\">Gemeente &lt;Almere&gt;</th><th scope=\"col\">Schuldhulp &quot;Flevo&quot;</th>")
            .count(),
        3
    );
    let first = escape(&at.view.checklist[0].statement);
    assert_eq!(
        row(checklist, &first),
        "<td>ja<br>Let &lt;op&gt;</td><td class=\"open\">geen antwoord</td>"
    );
    assert_eq!(
        row(checklist, "Wij &lt;bellen&gt; terug (eigen stelling)"),
        "<td class=\"open\">geen antwoord</td><td>nee</td>"
    );
    // Nine standard statements and our own: ten rows, two partners each,
    // two answers.
    assert_eq!(checklist.matches("geen antwoord").count(), 18);
    assert!(checklist.contains("<p class=\"meta\">1 van 6 antwoorden gegeven.</p>"));
    assert!(checklist.contains("<p class=\"meta\">1 van 8 antwoorden gegeven.</p>"));
    // The own item comes after the standard ones of its competence.
    let skills = &checklist[checklist.find("<h3>Vaardigheden</h3>").unwrap()..];
    let own = skills.find("Wij &lt;bellen&gt;").unwrap();
    assert!(
        skills
            .find(&escape(&at.view.checklist[8].statement))
            .unwrap()
            < own
    );
}

#[test]
fn the_decision_log_shows_review_date_consequences_retirement_and_reviews() {
    let html = render(&fold(&method().0));
    let log = section(&html, "Besluitenlog");
    let kept = &log[..log.find("<h3>Folder</h3>").unwrap()];
    for needle in [
        "<dt>Gevolgen</dt><dd>Meer &lt;werk&gt; voor de wijk</dd>",
        // The review moved the date.
        "<dt>Herzien op</dt><dd>01-09-2025</dd>",
        "<dt>Herzieningen</dt><dd><ol><li><strong>handhaven</strong>: Blijft &lt;goed&gt; \
         <span class=\"meta\">(01-03-2025 09:00 UTC, versie 21; volgende herziening op 01-09-2025)</span></li></ol>",
        "<li>probleem “Late &lt;signalen&gt;”</li><li>doel “Minder &lt;armoede&gt;”</li>",
    ] {
        assert!(kept.contains(needle), "missing {needle}");
    }
    assert!(!kept.contains("Ingetrokken"));
    let retired = &log[log.find("<h3>Folder</h3>").unwrap()..];
    assert!(log.contains("<article class=\"besluit vervangen\">\n<h3>Folder</h3>"));
    for needle in [
        "<p><strong>Ingetrokken</strong> bij een herziening.</p>",
        "<dt>Herzien op</dt><dd>geen datum</dd>",
        "<li><strong>intrekken</strong>: Niemand &lt;leest&gt; ze \
         <span class=\"meta\">(01-03-2025 09:00 UTC, versie 23)</span></li>",
    ] {
        assert!(retired.contains(needle), "missing {needle}");
    }
    assert!(!retired.contains("Gevolgen"));
}

#[test]
fn an_action_names_its_solution_and_indicators_and_no_user_text_is_raw() {
    let html = render(&fold(&method().0));
    let actions = section(&html, "Acties en PDCA-cycli");
    assert!(actions.contains("<p>Werkt uit: oplossing “Buurt &lt;team&gt;”.</p>"));
    assert!(actions.contains(
        "<p>Indicatoren die de actie moet verbeteren: indicator “Tijdig &lt;opgevolgd&gt;”.</p>"
    ));
    assert!(actions.contains("Eigenaar: Schuldhulp &quot;Flevo&quot;"));
    for raw in [
        "<Almere>",
        "\"Flevo\"",
        "<signalen>",
        "<laat>",
        "<team>",
        "<vroeg>",
        "<armoede>",
        "<opgevolgd>",
        "<voorzieningen>",
        "<lang>",
        "<handen>",
        "<capaciteit>",
        "<Sanne>",
        "<huurschuld>",
        "<loket>",
        "<zelf>",
        "<wachttijd>",
        "<bellen>",
        "<op>",
        "<starten>",
        "<werk>",
        "<goed>",
        "<leest>",
    ] {
        assert!(!html.contains(raw), "unescaped {raw}");
    }
    assert_eq!(html.matches("<svg").count(), 2);
}

#[test]
fn empty_method_sections_say_so() {
    let (events, _) = werkplaats(0);
    let html = render(&fold(&events));
    for (title, empty) in [
        ("Problemen", "Nog geen problemen."),
        ("Oplossingen", "Nog geen oplossingen."),
        ("Klantreizen", "Nog geen klantreizen."),
        ("Doelen en maatschappelijke resultaten", "Nog geen doelen."),
        ("Risico's", "Nog geen risico's."),
    ] {
        assert!(section(&html, title).contains(empty), "{title}");
    }
    // One partner, nine standard statements, no answers yet.
    let checklist = section(&html, "Checklist kennis, houding en vaardigheden");
    assert_eq!(
        checklist
            .matches("<td class=\"open\">geen antwoord</td>")
            .count(),
        9
    );
    assert!(checklist.contains("0 van 3 antwoorden gegeven."));
}
