//! Time travel as a property: for random histories of valid and invalid
//! commands, the werkplaats served at every version equals the fold of the
//! stored events up to that version, computed here beside the server.
//! The histories include the method's commands (`method.graphql`), and the
//! comparison its items: goals, risks, client journeys, the checklist, the
//! phase history, reviews of decisions, PDCA cycles and the indicators'
//! kinds, templates, goals and versions.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;
use werkplaats::domain::{ActionStatus, Direction, Event};
use werkplaats::projections::{
    ActionView, DecisionView, IndicatorView, JourneyView, Recorded, WerkplaatsView,
};
use werkplaats::store::StoredEvent;

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

const SEEDS: u64 = 8;
/// Random commands per werkplaats, after its creation.
const STEPS: usize = 90;
/// Kinds of random command: 0 to 21 the core's, 22 to 39 the method's.
const KINDS: u32 = 40;
/// The day `reviewsDue` is asked for in [`WERKPLAATS`].
const DUE_ON: &str = "2026-07-01";

const UNKNOWN_ID: &str = "00000000-0000-4000-8000-000000000000";

pub(crate) const WERKPLAATS: &str = "query($id: ID!, $v: Int, $t: DateTime) { werkplaats(id: $id, asOfVersion: $v, asOfTime: $t) {
  id version methodology createdAt phase { number key }
  partners { id name kind }
  members { id role partner { id } }
  problems { id title description perspective recordedBy { id } recordedAt version }
  solutions { id title description basis addresses { id } capitals recognition version }
  plan { actions { id title goal status cycle owner { id } dueDate solution { id } findings version
    indicators { id }
    cycles { number startedAt log { text occurredOn recordedBy { id } recordedAt } findings outcome rationale concludedAt } } }
  decisionLog { id title context optionsConsidered decision rationale basedOn supersedes { id } supersededBy { id } decidedBy { id } decidedAt atVersion
    reviewOn consequences retired reviews { outcome note nextReviewOn reviewedBy { id } reviewedAt atVersion } }
  reviewsDue(on: \"2026-07-01\") { id reviewOn }
  reflections { id text about phase { number } recordedBy { id } recordedAt }
  evaluation { indicators { id name unit baseline norm direction kind template goal { id } version latest progress normMet measurements { value measuredOn note } }
    actionsAdopted actionsAdapted actionsAbandoned cyclesCompleted reflections }
  phaseHistory { from { number } to { number } note by { id } at atVersion }
  goals { id statement targetYear indicators { id } recordedBy { id } version }
  risks { id title description likelihood impact mitigation owner { id } status version }
  journeys { id title situation totalDays version
    steps { id title description partner { id } days knowledge attitude skills clientCentred bottleneck version } }
  checklist { id competence statement standard answers { partner { id } answer note answeredBy { id } answeredAt } }
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
    goals: Vec<String>,
    risks: Vec<String>,
    /// Risks revised to `CLOSED`.
    closed: Vec<String>,
    journeys: Vec<String>,
    /// `(journey, step)`
    steps: Vec<(String, String)>,
    /// The standard items, then the werkplaats's own.
    checklist: Vec<String>,
    /// The `version` of each problem, solution, indicator, goal, risk and
    /// journey step, as the answers showed it.
    versions: HashMap<String, i64>,
    phase: i64,
    head: i64,
    accepted: usize,
    refused: usize,
    /// Commands accepted, by mutation.
    accepted_by: HashMap<&'static str, usize>,
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
            .chain(&self.goals)
            .chain(&self.risks)
            .chain(&self.journeys)
            .chain(&self.checklist)
            .cloned()
            .chain(actions)
            .collect()
    }

    /// The version last seen of item `id`; 1 for an id never seen.
    fn version(&self, id: &str) -> i64 {
        self.versions.get(id).copied().unwrap_or(1)
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

/// One random command of `kind` (below [`KINDS`]; PDCA steps get the most numbers):
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
            "problem { id version }",
            json!({"title": name(rng), "description": text(rng), "perspective": one_of(rng, &["CLIENT", "PROFESSIONAL", "POLICY", "DATA"])}),
        ),
        3 => {
            let mut basis: Vec<&str> = ["CASUISTRY", "SCIENCE", "PRACTICE"]
                .into_iter()
                .filter(|_| rng.gen_bool(0.5))
                .collect();
            basis.shuffle(rng);
            let mut input = json!({"title": name(rng), "description": text(rng), "basis": basis, "addressesProblemIds": some(rng, &model.problems, 3)});
            if rng.gen_bool(0.5) {
                input["capitals"] = json!(capitals(rng));
            }
            if rng.gen_bool(0.5) {
                input["recognition"] = json!(one_of(rng, RECOGNITIONS));
            }
            (
                "proposeSolution",
                "ProposeSolutionInput",
                "solution { id version }",
                input,
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
            if rng.gen_bool(0.5) {
                input["reviewOn"] = json!(date(rng));
            }
            if rng.gen_bool(0.4) {
                input["consequences"] = json!(text(rng));
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
            if rng.gen_bool(0.5) {
                input["indicatorIds"] = json!(some(rng, &model.indicators, 3));
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
            if rng.gen_bool(0.3) {
                input["indicatorIds"] = json!(some(rng, &model.indicators, 3));
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
            let mut input = json!({
                "name": name(rng),
                "unit": one_of(rng, &["dagen", "%", "huishoudens"]),
                "baseline": baseline,
                "norm": norm,
                "direction": if increase { "INCREASE" } else { "DECREASE" },
            });
            if rng.gen_bool(0.5) {
                input["kind"] = json!(one_of(rng, KINDS_OF_INDICATOR));
            }
            if rng.gen_bool(0.4) {
                input["goalId"] = json!(pick(rng, &model.goals));
            }
            (
                "defineIndicator",
                "DefineIndicatorInput",
                "indicator { id version }",
                input,
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
                "indicator { id version }",
                input,
            )
        }
        21 => {
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
        kind => method_command(rng, model, kind),
    };
    input["werkplaatsId"] = json!(wp);
    let document = format!(
        "mutation($input: {input_type}!) {{ {field}(input: $input) {{ {selection} version }} }}"
    );
    (field, document, json!({ "input": input }))
}

const RECOGNITIONS: &[&str] = &[
    "NOT_ASSESSED",
    "WELL_DESCRIBED",
    "WELL_FOUNDED",
    "EFFECTIVE_FIRST_INDICATIONS",
    "EFFECTIVE_GOOD_INDICATIONS",
    "EFFECTIVE_STRONG_INDICATIONS",
];
const KINDS_OF_INDICATOR: &[&str] = &["PROCESS", "OUTPUT", "OUTCOME"];
const LEVELS: &[&str] = &["LOW", "MEDIUM", "HIGH"];
const QUALITIES: &[&str] = &["GOOD", "ADEQUATE", "POOR"];
/// The contract's templates and whether their direction is `INCREASE`;
/// and one key that does not exist.
const TEMPLATES: &[(&str, bool)] = &[
    ("vroegsignalering_tijdig_opgevolgd", true),
    ("doorlooptijd_tot_hulp", false),
    ("gebruik_voorzieningen", true),
    ("kinderen_sport_cultuur", true),
    ("huishoudens_bijstand", false),
    ("voortijdig_schoolverlaters", false),
    ("geluk", true),
];

/// Some empowerment capitals, in random order, now and then one twice.
fn capitals(rng: &mut StdRng) -> Vec<String> {
    let all = ["PSYCHOLOGICAL", "SOCIAL", "SOCIETAL"];
    let n = rng.gen_range(0..=all.len());
    let mut chosen: Vec<String> = all
        .choose_multiple(rng, n)
        .map(|c| (*c).to_owned())
        .collect();
    if !chosen.is_empty() && rng.gen_range(0..10) == 0 {
        chosen.push(chosen[0].clone());
    }
    chosen
}

/// A quality, or now and then an explicit null that clears it.
fn quality(rng: &mut StdRng) -> Value {
    if rng.gen_range(0..4) == 0 {
        Value::Null
    } else {
        json!(one_of(rng, QUALITIES))
    }
}

/// Sets each of `fields` on `input` with probability `p`, from `value`.
fn maybe(
    rng: &mut StdRng,
    input: &mut Value,
    p: f64,
    fields: &[&str],
    mut value: impl FnMut(&mut StdRng, &str) -> Value,
) {
    for field in fields {
        if rng.gen_bool(p) {
            input[*field] = value(rng, field);
        }
    }
}

/// One random command of the method, `kind` 22 to 39:
/// `(mutation field, input type, selection, input)`.
fn method_command(
    rng: &mut StdRng,
    model: &Model,
    kind: u32,
) -> (&'static str, &'static str, &'static str, Value) {
    let journey_fields = "journey { id } step { id version }";
    match kind {
        22 => {
            let problem = pick(rng, &model.problems);
            let version = expected_version(rng, model.version(&problem));
            let mut input = json!({"problemId": problem, "expectedVersion": version});
            maybe(
                rng,
                &mut input,
                0.5,
                &["title", "description", "perspective"],
                |rng, field| match field {
                    "title" => json!(name(rng)),
                    "description" => json!(text(rng)),
                    _ => json!(one_of(rng, &["CLIENT", "PROFESSIONAL", "POLICY", "DATA"])),
                },
            );
            (
                "reviseProblem",
                "ReviseProblemInput",
                "problem { id version }",
                input,
            )
        }
        23 => {
            let solution = pick(rng, &model.solutions);
            let version = expected_version(rng, model.version(&solution));
            let mut input = json!({"solutionId": solution, "expectedVersion": version});
            let problems = model.problems.clone();
            maybe(
                rng,
                &mut input,
                0.35,
                &[
                    "title",
                    "description",
                    "basis",
                    "addressesProblemIds",
                    "capitals",
                    "recognition",
                ],
                |rng, field| match field {
                    "title" => json!(name(rng)),
                    "description" => json!(text(rng)),
                    "basis" => json!(["SCIENCE", "PRACTICE"]
                        .into_iter()
                        .filter(|_| rng.gen_bool(0.6))
                        .collect::<Vec<_>>()),
                    "addressesProblemIds" => json!(some(rng, &problems, 3)),
                    "capitals" => json!(capitals(rng)),
                    _ => json!(one_of(rng, RECOGNITIONS)),
                },
            );
            (
                "reviseSolution",
                "ReviseSolutionInput",
                "solution { id version }",
                input,
            )
        }
        24 => {
            let (key, increase) = if rng.gen_range(0..10) == 0 {
                TEMPLATES[TEMPLATES.len() - 1]
            } else {
                TEMPLATES[rng.gen_range(0..TEMPLATES.len() - 1)]
            };
            let baseline = f64::from(rng.gen_range(0..400)) / 4.0;
            let step = f64::from(rng.gen_range(-2..40)) / 2.0;
            let norm = if increase {
                baseline + step
            } else {
                baseline - step
            };
            let mut input = json!({"templateKey": key, "baseline": baseline, "norm": norm});
            if rng.gen_bool(0.4) {
                input["goalId"] = json!(pick(rng, &model.goals));
            }
            (
                "defineIndicatorFromTemplate",
                "DefineIndicatorFromTemplateInput",
                "indicator { id version }",
                input,
            )
        }
        25 => {
            let indicator = pick(rng, &model.indicators);
            let version = expected_version(rng, model.version(&indicator));
            let mut input = json!({"indicatorId": indicator, "expectedVersion": version});
            let goals = model.goals.clone();
            maybe(
                rng,
                &mut input,
                0.35,
                &["name", "unit", "norm", "kind", "goalId"],
                |rng, field| match field {
                    "name" => json!(name(rng)),
                    "unit" => json!(one_of(rng, &["dagen", "%", "aantal"])),
                    "norm" => json!(f64::from(rng.gen_range(-40..200)) / 2.0),
                    "kind" => json!(one_of(rng, KINDS_OF_INDICATOR)),
                    _ if rng.gen_bool(0.2) => Value::Null,
                    _ => json!(pick(rng, &goals)),
                },
            );
            (
                "reviseIndicator",
                "ReviseIndicatorInput",
                "indicator { id version }",
                input,
            )
        }
        26 => {
            let mut input = json!({"statement": text(rng)});
            if rng.gen_bool(0.7) {
                input["targetYear"] = json!(rng.gen_range(1998..=2102));
            }
            (
                "recordGoal",
                "RecordGoalInput",
                "goal { id version }",
                input,
            )
        }
        27 => {
            let goal = pick(rng, &model.goals);
            let version = expected_version(rng, model.version(&goal));
            let mut input = json!({"goalId": goal, "expectedVersion": version});
            maybe(
                rng,
                &mut input,
                0.5,
                &["statement", "targetYear"],
                |rng, field| match field {
                    "statement" => json!(text(rng)),
                    _ if rng.gen_bool(0.3) => Value::Null,
                    _ => json!(rng.gen_range(1998..=2102)),
                },
            );
            (
                "reviseGoal",
                "ReviseGoalInput",
                "goal { id version }",
                input,
            )
        }
        28 => {
            let mut input = json!({
                "title": name(rng),
                "description": text(rng),
                "likelihood": one_of(rng, LEVELS),
                "impact": one_of(rng, LEVELS),
            });
            if rng.gen_bool(0.5) {
                input["mitigation"] = json!(text(rng));
            }
            if rng.gen_bool(0.5) {
                input["ownerPartnerId"] = json!(pick(rng, &model.partners));
            }
            (
                "recordRisk",
                "RecordRiskInput",
                "risk { id version status }",
                input,
            )
        }
        29 => {
            let open: Vec<String> = model
                .risks
                .iter()
                .filter(|r| !model.closed.contains(r))
                .cloned()
                .collect();
            let risk = if !open.is_empty() && rng.gen_bool(0.9) {
                open.choose(rng).unwrap().clone()
            } else {
                pick(rng, &model.risks)
            };
            let version = expected_version(rng, model.version(&risk));
            let mut input = json!({"riskId": risk, "expectedVersion": version});
            let partners = model.partners.clone();
            maybe(
                rng,
                &mut input,
                0.3,
                &[
                    "title",
                    "description",
                    "likelihood",
                    "impact",
                    "mitigation",
                    "ownerPartnerId",
                    "status",
                ],
                |rng, field| match field {
                    "title" => json!(name(rng)),
                    "description" => json!(text(rng)),
                    "likelihood" | "impact" => json!(one_of(rng, LEVELS)),
                    "mitigation" if rng.gen_bool(0.3) => Value::Null,
                    "mitigation" => json!(text(rng)),
                    "ownerPartnerId" if rng.gen_bool(0.2) => Value::Null,
                    "ownerPartnerId" => json!(pick(rng, &partners)),
                    _ => json!(one_of(rng, &["OPEN", "MITIGATED", "OCCURRED", "CLOSED"])),
                },
            );
            (
                "reviseRisk",
                "ReviseRiskInput",
                "risk { id version status }",
                input,
            )
        }
        30 => {
            let outcome = one_of(rng, &["KEEP", "KEEP", "REVISE", "RETIRE"]);
            let mut input = json!({
                "decisionId": pick(rng, &model.decisions),
                "outcome": outcome,
                "note": text(rng),
            });
            if outcome != "RETIRE" || rng.gen_range(0..5) == 0 {
                match rng.gen_range(0..3) {
                    0 => input["nextReviewOn"] = Value::Null,
                    1 => {}
                    _ => input["nextReviewOn"] = json!(date(rng)),
                }
            }
            (
                "reviewDecision",
                "ReviewDecisionInput",
                "decision { id }",
                input,
            )
        }
        31 | 32 => {
            let (action, _) =
                action_for(rng, model, &["DOING"]).unwrap_or((UNKNOWN_ID.to_owned(), 1));
            (
                "logActionProgress",
                "LogActionProgressInput",
                "action { id version status }",
                json!({"actionId": action, "text": text(rng), "occurredOn": date(rng)}),
            )
        }
        33 => (
            "startClientJourney",
            "StartClientJourneyInput",
            journey_fields,
            json!({"title": name(rng), "situation": text(rng)}),
        ),
        34 | 35 => {
            let mut input = json!({
                "journeyId": pick(rng, &model.journeys),
                "title": name(rng),
                "description": text(rng),
            });
            if rng.gen_bool(0.5) {
                input["partnerId"] = json!(pick(rng, &model.partners));
            }
            if rng.gen_bool(0.7) {
                input["days"] = json!(match rng.gen_range(0..12) {
                    0 => 3651,
                    1 => -1,
                    _ => rng.gen_range(0..60),
                });
            }
            (
                "addJourneyStep",
                "AddJourneyStepInput",
                journey_fields,
                input,
            )
        }
        36 => {
            let (journey, step) = match model.steps.choose(rng) {
                Some(pair) if rng.gen_range(0..10) > 0 => pair.clone(),
                _ => (pick(rng, &model.journeys), UNKNOWN_ID.to_owned()),
            };
            let version = expected_version(rng, model.version(&step));
            let mut input =
                json!({"journeyId": journey, "stepId": step, "expectedVersion": version});
            maybe(
                rng,
                &mut input,
                0.4,
                &[
                    "knowledge",
                    "attitude",
                    "skills",
                    "clientCentred",
                    "bottleneck",
                ],
                |rng, field| match field {
                    "bottleneck" => match rng.gen_range(0..4) {
                        0 => Value::Null,
                        1 => json!(""),
                        _ => json!(text(rng)),
                    },
                    _ => quality(rng),
                },
            );
            (
                "assessJourneyStep",
                "AssessJourneyStepInput",
                journey_fields,
                input,
            )
        }
        37 => (
            "addChecklistItem",
            "AddChecklistItemInput",
            "item { id }",
            json!({"competence": one_of(rng, &["KNOWLEDGE", "ATTITUDE", "SKILLS"]), "statement": text(rng)}),
        ),
        _ => {
            let mut input = json!({
                "itemId": pick(rng, &model.checklist),
                "partnerId": pick(rng, &model.partners),
                "answer": one_of(rng, &["YES", "PARTLY", "NO"]),
            });
            if rng.gen_bool(0.5) {
                input["note"] = json!(text(rng));
            }
            (
                "answerChecklistItem",
                "AnswerChecklistItemInput",
                "item { id }",
                input,
            )
        }
    }
}

/// Sends one random command and checks it appended exactly one event or none.
async fn step(app: &TestApp, rng: &mut StdRng, model: &mut Model) {
    // A partner first, so that actions can be planned early on.
    let kind = if model.partners.is_empty() && model.accepted == 0 {
        0
    } else {
        rng.gen_range(0..KINDS)
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
    *model.accepted_by.entry(field).or_default() += 1;
    let id = |item: &str| payload[item]["id"].as_str().unwrap().to_owned();
    for item in ["problem", "solution", "indicator", "goal", "risk", "step"] {
        if let (Some(id), Some(v)) = (
            payload[item]["id"].as_str(),
            payload[item]["version"].as_i64(),
        ) {
            assert_eq!(v, version, "{field} {variables}: {response}");
            model.versions.insert(id.to_owned(), v);
        }
    }
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
        "defineIndicatorFromTemplate" => model.indicators.push(id("indicator")),
        "recordGoal" => model.goals.push(id("goal")),
        "recordRisk" => model.risks.push(id("risk")),
        "reviseRisk" => {
            if payload["risk"]["status"] == "CLOSED" {
                model.closed.push(id("risk"));
            }
        }
        "startClientJourney" => model.journeys.push(id("journey")),
        "addJourneyStep" => model.steps.push((id("journey"), id("step"))),
        "addChecklistItem" => model.checklist.push(id("item")),
        "reviseProblem"
        | "reviseSolution"
        | "reviseIndicator"
        | "reviseGoal"
        | "reviewDecision"
        | "assessJourneyStep"
        | "answerChecklistItem" => {}
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
        "kind": spelled(&i.kind),
        "template": i.template,
        "goal": id_ref(i.goal),
        "version": i.version,
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

fn action(a: &ActionView) -> Value {
    json!({
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
        "indicators": a.indicators.iter().map(|i| id_ref(Some(*i))).collect::<Vec<_>>(),
        "cycles": a.cycles.iter().map(|c| json!({
            "number": c.number,
            "startedAt": c.started_at.map(at),
            "log": c.log.iter().map(|l| json!({
                "text": l.text,
                "occurredOn": day(l.occurred_on),
                "recordedBy": id_ref(l.recorded_by),
                "recordedAt": at(l.recorded_at),
            })).collect::<Vec<_>>(),
            "findings": c.findings,
            "outcome": spelled(&c.outcome),
            "rationale": c.rationale,
            "concludedAt": c.concluded_at.map(at),
        })).collect::<Vec<_>>(),
    })
}

fn decision(d: &DecisionView) -> Value {
    json!({
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
        "reviewOn": d.review_on.map(day),
        "consequences": d.consequences,
        "retired": d.retired,
        "reviews": d.reviews.iter().map(|r| json!({
            "outcome": spelled(&r.outcome),
            "note": r.note,
            "nextReviewOn": r.next_review_on.map(day),
            "reviewedBy": id_ref(r.reviewed_by),
            "reviewedAt": at(r.reviewed_at),
            "atVersion": r.at_version,
        })).collect::<Vec<_>>(),
    })
}

/// `reviewsDue(on: DUE_ON)` from the contract's words: the decisions with
/// a review date on or before the day, neither superseded nor retired, by
/// review date, ties in decision-log order.
fn reviews_due(decisions: &[DecisionView]) -> Value {
    let on: NaiveDate = DUE_ON.parse().unwrap();
    let mut due: Vec<&DecisionView> = decisions
        .iter()
        .filter(|d| d.review_on.is_some_and(|r| r <= on))
        .filter(|d| d.superseded_by.is_none() && !d.retired)
        .collect();
    due.sort_by_key(|d| d.review_on);
    json!(due
        .iter()
        .map(|d| json!({"id": d.id.to_string(), "reviewOn": d.review_on.map(day)}))
        .collect::<Vec<_>>())
}

fn journey(j: &JourneyView) -> Value {
    // The sum of the steps' days; null when no step has days.
    let days: Vec<i32> = j.steps.iter().filter_map(|s| s.days).collect();
    let total = (!days.is_empty()).then(|| days.iter().sum::<i32>());
    json!({
        "id": j.id.to_string(),
        "title": j.title,
        "situation": j.situation,
        "totalDays": total,
        "version": j.version,
        "steps": j.steps.iter().map(|s| json!({
            "id": s.id.to_string(),
            "title": s.title,
            "description": s.description,
            "partner": id_ref(s.partner),
            "days": s.days,
            "knowledge": spelled(&s.knowledge),
            "attitude": spelled(&s.attitude),
            "skills": spelled(&s.skills),
            "clientCentred": spelled(&s.client_centred),
            "bottleneck": s.bottleneck,
            "version": s.version,
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
            "capitals": spelled(&s.capitals),
            "recognition": spelled(&s.recognition),
            "version": s.version,
        })).collect::<Vec<_>>(),
        "plan": {"actions": view.actions.iter().map(action).collect::<Vec<_>>()},
        "decisionLog": view.decisions.iter().map(decision).collect::<Vec<_>>(),
        "reviewsDue": reviews_due(&view.decisions),
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
        "phaseHistory": view.phase_history.iter().map(|p| json!({
            "from": {"number": p.from},
            "to": {"number": p.to},
            "note": p.note,
            "by": id_ref(p.by),
            "at": at(p.at),
            "atVersion": p.version,
        })).collect::<Vec<_>>(),
        "goals": view.goals.iter().map(|g| json!({
            "id": g.id.to_string(),
            "statement": g.statement,
            "targetYear": g.target_year,
            // The indicators whose goal is this goal, in creation order.
            "indicators": view.indicators.iter()
                .filter(|i| i.goal == Some(g.id))
                .map(|i| id_ref(Some(i.id)))
                .collect::<Vec<_>>(),
            "recordedBy": id_ref(g.recorded_by),
            "version": g.version,
        })).collect::<Vec<_>>(),
        "risks": view.risks.iter().map(|r| json!({
            "id": r.id.to_string(),
            "title": r.title,
            "description": r.description,
            "likelihood": spelled(&r.likelihood),
            "impact": spelled(&r.impact),
            "mitigation": r.mitigation,
            "owner": id_ref(r.owner),
            "status": spelled(&r.status),
            "version": r.version,
        })).collect::<Vec<_>>(),
        "journeys": view.journeys.iter().map(journey).collect::<Vec<_>>(),
        "checklist": view.checklist.iter().map(|c| json!({
            "id": c.id.to_string(),
            "competence": spelled(&c.competence),
            "statement": c.statement,
            "standard": c.standard,
            "answers": c.answers.iter().map(|a| json!({
                "partner": id_ref(Some(a.partner)),
                "answer": spelled(&a.answer),
                "note": a.note,
                "answeredBy": id_ref(a.answered_by),
                "answeredAt": at(a.answered_at),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
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

/// The ids of the nine standard checklist items a werkplaats starts with.
async fn standard_checklist(app: &TestApp, token: &str, werkplaats: &str) -> Vec<String> {
    let listed = app
        .data(
            token,
            "query($id: ID!) { werkplaats(id: $id) { checklist { id standard } } }",
            json!({"id": werkplaats}),
        )
        .await;
    let items = listed["werkplaats"]["checklist"].as_array().unwrap();
    assert_eq!(items.len(), 9, "{listed}");
    assert!(items.iter().all(|i| i["standard"] == true), "{listed}");
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn read_werkplaats(app: &TestApp, token: &str, variables: Value) -> Value {
    let response = app.graphql(Some(token), WERKPLAATS, variables).await;
    assert_ok(&response);
    numbers_as_floats(&response["data"]["werkplaats"])
}

/// Builds one random werkplaats and compares every version of it; returns
/// `(versions compared, commands accepted, commands refused, accepted by
/// mutation)`.
pub(crate) async fn check_seed(
    app: &TestApp,
    seed: u64,
) -> (i64, usize, usize, HashMap<&'static str, usize>) {
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
        id: id.clone(),
        facilitator: facilitator.clone(),
        tokens: vec![facilitator.clone()],
        partners: Vec::new(),
        problems: Vec::new(),
        solutions: Vec::new(),
        decisions: Vec::new(),
        actions: Vec::new(),
        reflections: Vec::new(),
        indicators: Vec::new(),
        goals: Vec::new(),
        risks: Vec::new(),
        closed: Vec::new(),
        journeys: Vec::new(),
        steps: Vec::new(),
        checklist: standard_checklist(app, &facilitator, &id).await,
        versions: HashMap::new(),
        phase: 1,
        head: 2,
        accepted: 0,
        refused: 0,
        accepted_by: HashMap::new(),
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
    (head, model.accepted, model.refused, model.accepted_by)
}

/// Every mutation the histories send; each must be accepted at least once
/// over the seeds, so that the comparison covers its event.
const SENT: [&str; 29] = [
    "addPartner",
    "inviteMember",
    "recordProblem",
    "proposeSolution",
    "recordDecision",
    "planAction",
    "reviseAction",
    "startAction",
    "checkAction",
    "concludeAction",
    "recordReflection",
    "defineIndicator",
    "recordMeasurement",
    "advancePhase",
    "reviseProblem",
    "reviseSolution",
    "defineIndicatorFromTemplate",
    "reviseIndicator",
    "recordGoal",
    "reviseGoal",
    "recordRisk",
    "reviseRisk",
    "reviewDecision",
    "logActionProgress",
    "startClientJourney",
    "addJourneyStep",
    "assessJourneyStep",
    "addChecklistItem",
    "answerChecklistItem",
];

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
    let by: Vec<(&str, usize)> = SENT
        .iter()
        .map(|field| (*field, results.iter().filter_map(|r| r.3.get(field)).sum()))
        .collect();
    println!("time travel: accepted by mutation {by:?}");
    let never: Vec<&str> = by
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(f, _)| *f)
        .collect();
    assert!(never.is_empty(), "never accepted: {never:?}");
    println!(
        "time travel: {SEEDS} seeds, {versions} versions compared \
         ({accepted} commands accepted, {refused} refused)"
    );
}
