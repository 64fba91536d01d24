//! Time travel as a property: for random histories of valid and invalid
//! commands, the werkplaats served at every version equals the fold of the
//! stored events up to that version, computed here beside the server.

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;
use werkplaats::domain::{ActionStatus, Direction, Event};
use werkplaats::projections::{IndicatorView, Recorded, WerkplaatsView};
use werkplaats::store::StoredEvent;

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

const SEEDS: u64 = 8;
/// Random commands per werkplaats, after its creation.
const STEPS: usize = 70;

const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

pub(crate) const WERKPLAATS: &str = "query($id: ID!, $v: Int, $t: DateTime) { werkplaats(id: $id, asOfVersion: $v, asOfTime: $t) {
  id version methodology createdAt phase { number key }
  partners { id name kind }
  members { id role partner { id } }
  problems { id title description perspective recordedBy { id } recordedAt version }
  solutions { id title description basis addresses { id } version }
  plan { actions { id title goal status cycle owner { id } dueDate solution { id } findings version } }
  decisionLog { id title context optionsConsidered decision rationale basedOn supersedes { id } supersededBy { id } decidedBy { id } decidedAt atVersion }
  reflections { id text about phase { number } recordedBy { id } recordedAt }
  evaluation { indicators { id name unit baseline norm direction latest progress normMet measurements { value measuredOn note } }
    actionsAdopted actionsAdapted actionsAbandoned cyclesCompleted reflections }
  events(afterVersion: 0, first: 1000) { events { version type } hasMore }
  verifyTrail { valid checkedEvents firstInvalidVersion }
} }";

const VERSION_AT: &str = "query($id: ID!, $t: DateTime) { werkplaats(id: $id, asOfTime: $t) { version phase { number } } }";

/// What the test knows of its werkplaats, from the answers it got.
struct Model {
    id: String,
    facilitator: String,
    /// Every member token, the facilitator's first.
    tokens: Vec<String>,
    partners: Vec<String>,
    problems: Vec<String>,
    solutions: Vec<String>,
    decisions: Vec<String>,
    /// `(id, version, status)`
    actions: Vec<(String, i64, String)>,
    reflections: Vec<String>,
    indicators: Vec<String>,
    phase: i64,
    head: i64,
    accepted: usize,
    refused: usize,
}

impl Model {
    fn referable(&self) -> Vec<String> {
        let actions = self.actions.iter().map(|(id, _, _)| id.clone());
        self.problems
            .iter()
            .chain(&self.solutions)
            .chain(&self.reflections)
            .chain(&self.indicators)
            .chain(&self.decisions)
            .cloned()
            .chain(actions)
            .collect()
    }
}

fn name(rng: &mut StdRng) -> String {
    let words = [
        "Huisbezoek",
        "  Brieven op B1-niveau  ",
        "Één loket",
        "Wijkteam ☂",
        "Vroegsignalering",
        "Budgetcoach",
    ];
    match rng.gen_range(0..20) {
        0 => "   ".to_owned(),
        1 => "x".repeat(201),
        _ => format!("{} {}", words.choose(rng).unwrap(), rng.gen_range(1..100)),
    }
}

fn text(rng: &mut StdRng) -> String {
    let texts = [
        "Inwoners met betalingsachterstanden wachten te lang op hulp.",
        "Samen met ervaringsdeskundigen de brieven herschrijven.",
        "  Na zes weken: 74% binnen vijf werkdagen bezocht.\n",
        "Cliëntenraad: 'eerst bellen, dan schrijven'.",
    ];
    if rng.gen_range(0..25) == 0 {
        String::new()
    } else {
        (*texts.choose(rng).unwrap()).to_owned()
    }
}

fn date(rng: &mut StdRng) -> String {
    format!(
        "2026-{:02}-{:02}",
        rng.gen_range(1..=12),
        rng.gen_range(1..=28)
    )
}

/// An id from `items`, now and then one that does not exist.
fn pick(rng: &mut StdRng, items: &[String]) -> String {
    if items.is_empty() || rng.gen_range(0..12) == 0 {
        [UNKNOWN_ID, "geen-uuid"].choose(rng).unwrap().to_string()
    } else {
        items.choose(rng).unwrap().clone()
    }
}

/// Some ids from `items` in random order, now and then a bad one.
fn some(rng: &mut StdRng, items: &[String], max: usize) -> Vec<String> {
    let n = rng.gen_range(0..=max.min(items.len()));
    let mut chosen: Vec<String> = items.choose_multiple(rng, n).cloned().collect();
    match rng.gen_range(0..15) {
        0 => chosen.push(UNKNOWN_ID.to_owned()),
        1 if !chosen.is_empty() => chosen.push(chosen[0].clone()),
        _ => {}
    }
    chosen
}

fn one_of(rng: &mut StdRng, options: &[&str]) -> String {
    (*options.choose(rng).unwrap()).to_owned()
}

/// An action, preferring one whose status allows the next step.
fn action_for(rng: &mut StdRng, model: &Model, statuses: &[&str]) -> Option<(String, i64)> {
    let fitting: Vec<&(String, i64, String)> = model
        .actions
        .iter()
        .filter(|(_, _, status)| statuses.contains(&status.as_str()))
        .collect();
    let chosen = if !fitting.is_empty() && rng.gen_bool(0.9) {
        fitting.choose(rng).copied()
    } else {
        model.actions.choose(rng)
    };
    chosen.map(|(id, version, _)| (id.clone(), *version))
}

/// The expected version an action mutation sends: mostly the current one.
fn expected_version(rng: &mut StdRng, version: i64) -> i64 {
    match rng.gen_range(0..8) {
        0 => version - 1,
        _ => version,
    }
}

/// One random command of `kind` (0 to 21; PDCA steps get the most numbers):
/// `(mutation field, document, input)`.
fn random_command(rng: &mut StdRng, model: &Model, kind: u32) -> (&'static str, String, Value) {
    let wp = model.id.clone();
    let action_fields = "action { id version status }";
    let (field, input_type, selection, mut input) = match kind {
        0 => (
            "addPartner",
            "AddPartnerInput",
            "partner { id }",
            json!({"name": name(rng), "kind": one_of(rng, &["GEMEENTE", "SCHULDHULPVERLENING", "SOCIAAL_WERK", "CLIENTENRAAD", "WONINGCORPORATIE", "OVERIG"])}),
        ),
        1 => {
            let mut input = json!({
                "name": name(rng),
                "role": one_of(rng, &["FACILITATOR", "PARTNER", "PARTNER", "CLIENT_VOICE", "EVALUATOR", "OBSERVER"]),
            });
            if rng.gen_bool(0.6) {
                input["partnerId"] = json!(pick(rng, &model.partners));
            }
            (
                "inviteMember",
                "InviteMemberInput",
                "member { id } token",
                input,
            )
        }
        2 => (
            "recordProblem",
            "RecordProblemInput",
            "problem { id }",
            json!({"title": name(rng), "description": text(rng), "perspective": one_of(rng, &["CLIENT", "PROFESSIONAL", "POLICY", "DATA"])}),
        ),
        3 => {
            let mut basis: Vec<&str> = ["CASUISTRY", "SCIENCE", "PRACTICE"]
                .into_iter()
                .filter(|_| rng.gen_bool(0.5))
                .collect();
            basis.shuffle(rng);
            (
                "proposeSolution",
                "ProposeSolutionInput",
                "solution { id }",
                json!({"title": name(rng), "description": text(rng), "basis": basis, "addressesProblemIds": some(rng, &model.problems, 3)}),
            )
        }
        4 => {
            let options: Vec<String> = (0..rng.gen_range(0..4)).map(|_| name(rng)).collect();
            let mut input = json!({
                "title": name(rng),
                "context": text(rng),
                "optionsConsidered": options,
                "decision": text(rng),
                "rationale": text(rng),
                "basedOn": some(rng, &model.referable(), 4),
            });
            if rng.gen_bool(0.4) {
                input["supersedesDecisionId"] = json!(pick(rng, &model.decisions));
            }
            (
                "recordDecision",
                "RecordDecisionInput",
                "decision { id }",
                input,
            )
        }
        5 | 6 => {
            let mut input = json!({"title": name(rng), "goal": text(rng), "ownerPartnerId": pick(rng, &model.partners)});
            if rng.gen_bool(0.5) {
                input["solutionId"] = json!(pick(rng, &model.solutions));
            }
            if rng.gen_bool(0.5) {
                input["dueDate"] = json!(date(rng));
            }
            ("planAction", "PlanActionInput", action_fields, input)
        }
        7 | 8 => {
            let (action, version) =
                action_for(rng, model, &["PLANNED", "DOING", "CHECKING", "ADAPTED"])
                    .unwrap_or((UNKNOWN_ID.to_owned(), 1));
            let mut input =
                json!({"actionId": action, "expectedVersion": expected_version(rng, version)});
            if rng.gen_bool(0.4) {
                input["title"] = json!(name(rng));
            }
            if rng.gen_bool(0.3) {
                input["goal"] = json!(text(rng));
            }
            if rng.gen_bool(0.3) {
                input["ownerPartnerId"] = json!(pick(rng, &model.partners));
            }
            match rng.gen_range(0..3) {
                0 => input["dueDate"] = json!(date(rng)),
                1 => input["dueDate"] = Value::Null,
                _ => {}
            }
            ("reviseAction", "ReviseActionInput", action_fields, input)
        }
        9..=11 => {
            let (action, version) = action_for(rng, model, &["PLANNED", "ADAPTED"])
                .unwrap_or((UNKNOWN_ID.to_owned(), 1));
            let mut input = json!({"actionId": action});
            if rng.gen_bool(0.5) {
                input["expectedVersion"] = json!(expected_version(rng, version));
            }
            ("startAction", "StartActionInput", action_fields, input)
        }
        12..=14 => {
            let (action, version) =
                action_for(rng, model, &["DOING"]).unwrap_or((UNKNOWN_ID.to_owned(), 1));
            let mut input = json!({"actionId": action, "findings": text(rng)});
            if rng.gen_bool(0.5) {
                input["expectedVersion"] = json!(expected_version(rng, version));
            }
            ("checkAction", "CheckActionInput", action_fields, input)
        }
        15..=17 => {
            let (action, version) =
                action_for(rng, model, &["CHECKING"]).unwrap_or((UNKNOWN_ID.to_owned(), 1));
            let mut input = json!({
                "actionId": action,
                "outcome": one_of(rng, &["ADOPT", "ADAPT", "ADAPT", "ABANDON"]),
                "rationale": text(rng),
            });
            if rng.gen_bool(0.5) {
                input["expectedVersion"] = json!(expected_version(rng, version));
            }
            (
                "concludeAction",
                "ConcludeActionInput",
                action_fields,
                input,
            )
        }
        18 => (
            "recordReflection",
            "RecordReflectionInput",
            "reflection { id }",
            json!({"text": text(rng), "about": some(rng, &model.referable(), 3)}),
        ),
        19 => {
            let baseline = f64::from(rng.gen_range(0..100)) / 4.0;
            let increase = rng.gen_bool(0.5);
            let step = f64::from(rng.gen_range(-2..30)) / 2.0;
            let norm = if increase {
                baseline + step
            } else {
                baseline - step
            };
            (
                "defineIndicator",
                "DefineIndicatorInput",
                "indicator { id }",
                json!({
                    "name": name(rng),
                    "unit": one_of(rng, &["dagen", "%", "huishoudens"]),
                    "baseline": baseline,
                    "norm": norm,
                    "direction": if increase { "INCREASE" } else { "DECREASE" },
                }),
            )
        }
        20 => {
            let mut input = json!({
                "indicatorId": pick(rng, &model.indicators),
                "value": f64::from(rng.gen_range(-10..200)) / 8.0,
                "measuredOn": date(rng),
            });
            if rng.gen_bool(0.4) {
                input["note"] = json!(text(rng));
            }
            (
                "recordMeasurement",
                "RecordMeasurementInput",
                "indicator { id }",
                input,
            )
        }
        _ => {
            let expected = match rng.gen_range(0..6) {
                0 => model.phase + 1,
                1 => model.phase - 1,
                _ => model.phase,
            };
            let mut input = json!({"expectedPhase": expected});
            if rng.gen_bool(0.5) {
                input["note"] = json!(text(rng));
            }
            (
                "advancePhase",
                "AdvancePhaseInput",
                "phase { number }",
                input,
            )
        }
    };
    input["werkplaatsId"] = json!(wp);
    let document = format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} version }} }}"
    );
    (field, document, json!({ "input": input }))
}

/// Sends one random command and checks it appended exactly one event or none.
async fn step(app: &TestApp, rng: &mut StdRng, model: &mut Model) {
    // A partner first, so that actions can be planned early on.
    let kind = if model.partners.is_empty() && model.accepted == 0 {
        0
    } else {
        rng.gen_range(0..22)
    };
    let (field, document, variables) = random_command(rng, model, kind);
    let token = if rng.gen_bool(0.8) {
        model.facilitator.clone()
    } else {
        model.tokens.choose(rng).unwrap().clone()
    };
    let response = app
        .graphql(Some(&token), &document, variables.clone())
        .await;
    if response.get("errors").is_some() {
        let code = error_code(&response).unwrap_or("none");
        assert!(
            [
                "FORBIDDEN",
                "BAD_USER_INPUT",
                "NOT_FOUND",
                "CONFLICT",
                "INVALID_STATE"
            ]
            .contains(&code),
            "{field} {variables}: {response}"
        );
        assert_eq!(response["data"], Value::Null, "{response}");
        assert_eq!(app.stored_events(&model.id).await, model.head, "{response}");
        model.refused += 1;
        return;
    }
    let payload = &response["data"][field];
    let version = payload["version"].as_i64().unwrap();
    assert_eq!(version, model.head + 1, "{field} {variables}: {response}");
    model.head = version;
    model.accepted += 1;
    let id = |item: &str| payload[item]["id"].as_str().unwrap().to_owned();
    match field {
        "addPartner" => model.partners.push(id("partner")),
        "inviteMember" => model
            .tokens
            .push(payload["token"].as_str().unwrap().to_owned()),
        "recordProblem" => model.problems.push(id("problem")),
        "proposeSolution" => model.solutions.push(id("solution")),
        "recordDecision" => model.decisions.push(id("decision")),
        "recordReflection" => model.reflections.push(id("reflection")),
        "defineIndicator" => model.indicators.push(id("indicator")),
        "recordMeasurement" => {}
        "advancePhase" => model.phase = payload["phase"]["number"].as_i64().unwrap(),
        _ => {
            let action = &payload["action"];
            let entry = (
                id("action"),
                action["version"].as_i64().unwrap(),
                action["status"].as_str().unwrap().to_owned(),
            );
            assert_eq!(entry.1, version);
            match model.actions.iter_mut().find(|a| a.0 == entry.0) {
                Some(known) => *known = entry,
                None => model.actions.push(entry),
            }
        }
    }
}

/// An enum as the API spells it (the domain serialises it the same way).
fn spelled<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn at(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn ids(ids: &[Uuid]) -> Vec<String> {
    ids.iter().map(Uuid::to_string).collect()
}

fn id_ref(id: Option<Uuid>) -> Value {
    id.map_or(Value::Null, |id| json!({"id": id.to_string()}))
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The evaluation of one indicator, computed here from the contract's words
/// rather than by the projection's own methods.
fn indicator(i: &IndicatorView) -> Value {
    // The measurement with the latest measuredOn; ties: recorded last (the
    // fold keeps equal days in recording order).
    let latest = i
        .measurements
        .iter()
        .fold(
            None,
            |best: Option<&werkplaats::projections::MeasurementView>, m| match best {
                Some(b) if b.measured_on > m.measured_on => Some(b),
                _ => Some(m),
            },
        )
        .map(|m| m.value);
    let mut measured: Vec<_> = i.measurements.iter().collect();
    measured.sort_by_key(|m| m.measured_on);
    json!({
        "id": i.id.to_string(),
        "name": i.name,
        "unit": i.unit,
        "baseline": i.baseline,
        "norm": i.norm,
        "direction": spelled(&i.direction),
        "latest": latest,
        "progress": latest.map(|l| (l - i.baseline) / (i.norm - i.baseline)),
        "normMet": latest.is_some_and(|l| match i.direction {
            Direction::Increase => l >= i.norm,
            Direction::Decrease => l <= i.norm,
        }),
        "measurements": measured.iter().map(|m| json!({
            "value": m.value,
            "measuredOn": day(m.measured_on),
            "note": m.note,
        })).collect::<Vec<_>>(),
    })
}

/// What `WERKPLAATS` must answer for the fold `view` of `events`.
fn expected(view: &WerkplaatsView, events: &[(StoredEvent, Event)]) -> Value {
    let v = view.version;
    assert_eq!(v, events.len() as i64);
    let count = |status| view.actions.iter().filter(|a| a.status == status).count();
    let concluded = events
        .iter()
        .filter(|(_, e)| matches!(e, Event::ActionConcluded(_)))
        .count();
    let phase = view.methodology.phase(view.phase).unwrap();
    json!({
        "id": view.id.to_string(),
        "version": v,
        "methodology": spelled(&view.methodology),
        "createdAt": at(events[0].0.recorded_at),
        "phase": {"number": phase.number, "key": phase.key},
        "partners": view.partners.iter().map(|p| json!({
            "id": p.id.to_string(), "name": p.name, "kind": spelled(&p.kind),
        })).collect::<Vec<_>>(),
        "members": view.members.iter().map(|m| json!({
            "id": m.id.to_string(), "role": spelled(&m.role), "partner": id_ref(m.partner_id),
        })).collect::<Vec<_>>(),
        "problems": view.problems.iter().map(|p| json!({
            "id": p.id.to_string(),
            "title": p.title,
            "description": p.description,
            "perspective": spelled(&p.perspective),
            "recordedBy": id_ref(p.recorded_by),
            "recordedAt": at(p.recorded_at),
            "version": p.version,
        })).collect::<Vec<_>>(),
        "solutions": view.solutions.iter().map(|s| json!({
            "id": s.id.to_string(),
            "title": s.title,
            "description": s.description,
            "basis": spelled(&s.basis),
            "addresses": s.addresses.iter().map(|p| id_ref(Some(*p))).collect::<Vec<_>>(),
            "version": s.version,
        })).collect::<Vec<_>>(),
        "plan": {"actions": view.actions.iter().map(|a| json!({
            "id": a.id.to_string(),
            "title": a.title,
            "goal": a.goal,
            "status": spelled(&a.status),
            "cycle": a.cycle,
            "owner": id_ref(Some(a.owner)),
            "dueDate": a.due_date.map(day),
            "solution": id_ref(a.solution),
            "findings": a.findings,
            "version": a.version,
        })).collect::<Vec<_>>()},
        "decisionLog": view.decisions.iter().map(|d| json!({
            "id": d.id.to_string(),
            "title": d.title,
            "context": d.context,
            "optionsConsidered": d.options_considered,
            "decision": d.decision,
            "rationale": d.rationale,
            "basedOn": ids(&d.based_on),
            "supersedes": id_ref(d.supersedes),
            "supersededBy": id_ref(d.superseded_by),
            "decidedBy": id_ref(d.decided_by),
            "decidedAt": at(d.decided_at),
            "atVersion": d.at_version,
        })).collect::<Vec<_>>(),
        "reflections": view.reflections.iter().map(|r| json!({
            "id": r.id.to_string(),
            "text": r.text,
            "about": ids(&r.about),
            "phase": {"number": r.phase},
            "recordedBy": id_ref(r.recorded_by),
            "recordedAt": at(r.recorded_at),
        })).collect::<Vec<_>>(),
        "evaluation": {
            "indicators": view.indicators.iter().map(indicator).collect::<Vec<_>>(),
            "actionsAdopted": count(ActionStatus::Adopted),
            "actionsAdapted": count(ActionStatus::Adapted),
            "actionsAbandoned": count(ActionStatus::Abandoned),
            "cyclesCompleted": concluded,
            "reflections": view.reflections.len(),
        },
        "events": {
            "events": events.iter().map(|(s, _)| json!({"version": s.version, "type": s.event_type})).collect::<Vec<_>>(),
            "hasMore": false,
        },
        "verifyTrail": {"valid": true, "checkedEvents": v, "firstInvalidVersion": null},
    })
}

/// Every number as an f64, so `21`, `21.0` and `-0.0` compare as numbers do.
fn numbers_as_floats(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_floats).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), numbers_as_floats(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn read_werkplaats(app: &TestApp, token: &str, variables: Value) -> Value {
    let response = app.graphql(Some(token), WERKPLAATS, variables).await;
    assert_ok(&response);
    numbers_as_floats(&response["data"]["werkplaats"])
}

/// Builds one random werkplaats and compares every version of it; returns
/// `(versions compared, commands accepted, commands refused)`.
pub(crate) async fn check_seed(app: &TestApp, seed: u64) -> (i64, usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let methodology = [
        "SCHOUDERS_ERONDER",
        "MOVISIE_VIJF_STAPPEN",
        "NJI_ZEVEN_STAPPEN",
    ]
    .choose(&mut rng)
    .unwrap();
    let (id, facilitator) = create_werkplaats(app, methodology).await;
    let mut model = Model {
        id,
        facilitator: facilitator.clone(),
        tokens: vec![facilitator.clone()],
        partners: Vec::new(),
        problems: Vec::new(),
        solutions: Vec::new(),
        decisions: Vec::new(),
        actions: Vec::new(),
        reflections: Vec::new(),
        indicators: Vec::new(),
        phase: 1,
        head: 2,
        accepted: 0,
        refused: 0,
    };
    for _ in 0..STEPS {
        step(app, &mut rng, &mut model).await;
    }
    let head = model.head;
    let wp = model.id.clone();

    let stream = Uuid::parse_str(&wp).unwrap();
    let stored = app
        .store
        .read_stream(stream, 0, i64::MAX, 10_000)
        .await
        .unwrap();
    assert_eq!(stored.len() as i64, head, "seed {seed}");
    let events: Vec<(StoredEvent, Event)> = stored
        .into_iter()
        .map(|s| {
            let event = Event::from_stored(&s.event_type, s.schema_version, &s.payload).unwrap();
            (s, event)
        })
        .collect();
    for pair in events.windows(2) {
        assert!(
            pair[0].0.recorded_at <= pair[1].0.recorded_at,
            "seed {seed}"
        );
    }

    // In random order, so that a read may start from any snapshot or none.
    let mut versions: Vec<i64> = (1..=head).collect();
    versions.shuffle(&mut rng);
    for v in versions {
        let prefix = &events[..v as usize];
        let view = WerkplaatsView::fold(prefix.iter().map(|(s, e)| Recorded {
            version: s.version,
            recorded_at: s.recorded_at,
            actor: s.actor_id,
            event: e,
        }))
        .unwrap();
        let want = numbers_as_floats(&expected(&view, prefix));
        let got = read_werkplaats(app, &facilitator, json!({"id": wp, "v": v})).await;
        assert_eq!(got, want, "seed {seed}, version {v}");

        // asOfTime: the last event recorded at or before event v's moment.
        let t = at(prefix[v as usize - 1].0.recorded_at);
        let response = app
            .graphql(Some(&facilitator), VERSION_AT, json!({"id": wp, "t": t}))
            .await;
        assert_ok(&response);
        let w = response["data"]["werkplaats"]["version"].as_i64().unwrap();
        assert!(w >= v, "seed {seed}: asOfTime {t} gave {w} < {v}");
        assert!(
            events[..w as usize]
                .iter()
                .all(|(s, _)| at(s.recorded_at) <= t),
            "seed {seed}: asOfTime {t} gave {w}, with a later event"
        );
        if let Some((next, _)) = events.get(w as usize) {
            assert!(at(next.recorded_at) > t, "seed {seed}: {t} stopped at {w}");
        }
        if w == v {
            assert_eq!(
                response["data"]["werkplaats"]["phase"]["number"], view.phase,
                "seed {seed}"
            );
        }
    }

    // The head, asked without a version, is the last version.
    let now = read_werkplaats(app, &facilitator, json!({"id": wp})).await;
    let last = read_werkplaats(app, &facilitator, json!({"id": wp, "v": head})).await;
    assert_eq!(now, last, "seed {seed}");
    (head, model.accepted, model.refused)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_version_is_the_fold_of_its_events() {
    let app = spawn_app().await;
    let results = futures::future::join_all((0..SEEDS).map(|seed| check_seed(&app, seed))).await;
    let versions: i64 = results.iter().map(|r| r.0).sum();
    let accepted: usize = results.iter().map(|r| r.1).sum();
    let refused: usize = results.iter().map(|r| r.2).sum();
    assert!(
        accepted > 0 && refused > 0,
        "{accepted} accepted, {refused} refused"
    );
    println!(
        "time travel: {SEEDS} seeds, {versions} versions compared \
         ({accepted} commands accepted, {refused} refused)"
    );
}
