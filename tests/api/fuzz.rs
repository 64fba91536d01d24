//! A fuzz test against the real server: thousands of generated requests —
//! random command sequences (valid and corrupted mutations, from every kind
//! of caller), random documents built from the schema's own names and
//! garbage, wrong-typed and huge variables, deep nesting, fragment bombs,
//! batches, invalid UTF-8 and random JSON — sent eight at a time. The
//! commands include the method's (`method.graphql`): goals, risks,
//! decision reviews, progress logs, client journeys, the checklist,
//! revisions and indicators from templates, and the new input fields of
//! the core's mutations; their ids feed later commands as the core's do.
//!
//! Then: no answer was a 5xx, the server still answers, every stream's
//! versions are gapless, and the events stored are exactly those the
//! accepted mutations appended, so no refused request appended anything.
//! A mutation field counts as accepted when its answer is in `data`, or
//! when an error lies below it (the mutation ran; reading its payload
//! failed); an error on the field itself is a refusal.
//!
//! The generator is seeded: `WERKPLAATS_FUZZ_SEED` replays a run (the
//! order in which eight workers interleave still varies).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use crate::kit::app::{assert_ok, spawn_app, TestApp};
use crate::kit::seed::CREATE_WERKPLAATS;

const REQUESTS: usize = 4_000;
const WORKERS: usize = 8;
const BODY_LIMIT: usize = 1_048_576;

/// Each mutation the generator sends: its input type, what it selects, how
/// many events it appends when accepted, and which id of its answer to keep
/// for later commands.
struct Command {
    name: &'static str,
    input: &'static str,
    selection: &'static str,
    appends: i64,
    keeps: Option<(&'static str, &'static str)>,
}

const fn command(
    name: &'static str,
    input: &'static str,
    selection: &'static str,
    appends: i64,
    keeps: Option<(&'static str, &'static str)>,
) -> Command {
    Command {
        name,
        input,
        selection,
        appends,
        keeps,
    }
}

const COMMANDS: &[Command] = &[
    command(
        "createWerkplaats",
        "CreateWerkplaatsInput",
        "werkplaats { id version } facilitatorToken",
        2,
        None,
    ),
    command(
        "addPartner",
        "AddPartnerInput",
        "partner { id } version",
        1,
        Some(("partner", "/partner/id")),
    ),
    command(
        "inviteMember",
        "InviteMemberInput",
        "member { id role } token version",
        1,
        None,
    ),
    command(
        "recordProblem",
        "RecordProblemInput",
        "problem { id version } version",
        1,
        Some(("problem", "/problem/id")),
    ),
    command(
        "proposeSolution",
        "ProposeSolutionInput",
        "solution { id version addresses { id } } version",
        1,
        Some(("solution", "/solution/id")),
    ),
    command(
        "recordDecision",
        "RecordDecisionInput",
        "decision { id supersedes { id } } version",
        1,
        Some(("decision", "/decision/id")),
    ),
    command(
        "planAction",
        "PlanActionInput",
        "action { id version status } version",
        1,
        Some(("action", "/action/id")),
    ),
    command(
        "reviseAction",
        "ReviseActionInput",
        "action { id version } version",
        1,
        None,
    ),
    command(
        "startAction",
        "StartActionInput",
        "action { id status cycle } version",
        1,
        None,
    ),
    command(
        "checkAction",
        "CheckActionInput",
        "action { id findings } version",
        1,
        None,
    ),
    command(
        "concludeAction",
        "ConcludeActionInput",
        "action { id status } version",
        1,
        None,
    ),
    command(
        "recordReflection",
        "RecordReflectionInput",
        "reflection { id phase { number } } version",
        1,
        Some(("reflection", "/reflection/id")),
    ),
    command(
        "defineIndicator",
        "DefineIndicatorInput",
        "indicator { id version } version",
        1,
        Some(("indicator", "/indicator/id")),
    ),
    command(
        "recordMeasurement",
        "RecordMeasurementInput",
        "indicator { id version latest progress normMet } version",
        1,
        None,
    ),
    command(
        "advancePhase",
        "AdvancePhaseInput",
        "phase { number key } version",
        1,
        None,
    ),
    command(
        "setPresence",
        "SetPresenceInput",
        "presence { editing }",
        0,
        None,
    ),
    command(
        "recordCheckpoint",
        "RecordCheckpointInput",
        "checkpoint { version hash } version",
        1,
        None,
    ),
    // method.graphql
    command(
        "reviseProblem",
        "ReviseProblemInput",
        "problem { id version } version",
        1,
        None,
    ),
    command(
        "reviseSolution",
        "ReviseSolutionInput",
        "solution { id capitals recognition version } version",
        1,
        None,
    ),
    command(
        "defineIndicatorFromTemplate",
        "DefineIndicatorFromTemplateInput",
        "indicator { id version kind template goal { id } } version",
        1,
        Some(("indicator", "/indicator/id")),
    ),
    command(
        "reviseIndicator",
        "ReviseIndicatorInput",
        "indicator { id version norm } version",
        1,
        None,
    ),
    command(
        "recordGoal",
        "RecordGoalInput",
        "goal { id version targetYear indicators { id } } version",
        1,
        Some(("goal", "/goal/id")),
    ),
    command(
        "reviseGoal",
        "ReviseGoalInput",
        "goal { id version } version",
        1,
        None,
    ),
    command(
        "recordRisk",
        "RecordRiskInput",
        "risk { id version status owner { id } } version",
        1,
        Some(("risk", "/risk/id")),
    ),
    command(
        "reviseRisk",
        "ReviseRiskInput",
        "risk { id status version } version",
        1,
        None,
    ),
    command(
        "reviewDecision",
        "ReviewDecisionInput",
        "decision { id retired reviewOn reviews { outcome } } version",
        1,
        None,
    ),
    command(
        "logActionProgress",
        "LogActionProgressInput",
        "action { id version cycles { number log { text } } } version",
        1,
        None,
    ),
    command(
        "startClientJourney",
        "StartClientJourneyInput",
        "journey { id totalDays } step { id } version",
        1,
        Some(("journey", "/journey/id")),
    ),
    command(
        "addJourneyStep",
        "AddJourneyStepInput",
        "journey { id totalDays } step { id version } version",
        1,
        Some(("step", "/step/id")),
    ),
    command(
        "assessJourneyStep",
        "AssessJourneyStepInput",
        "journey { id version } step { id knowledge bottleneck } version",
        1,
        None,
    ),
    command(
        "addChecklistItem",
        "AddChecklistItemInput",
        "item { id standard } version",
        1,
        Some(("checklist", "/item/id")),
    ),
    command(
        "answerChecklistItem",
        "AnswerChecklistItemInput",
        "item { id answers { answer partner { id } } } version",
        1,
        None,
    ),
];

fn appends(name: &str) -> i64 {
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map_or(0, |c| c.appends)
}

const ROLES: &[&str] = &[
    "FACILITATOR",
    "PARTNER",
    "CLIENT_VOICE",
    "EVALUATOR",
    "OBSERVER",
];
const OUTCOMES: &[&str] = &["ADOPT", "ADAPT", "ABANDON"];
const LEVELS: &[&str] = &["LOW", "MEDIUM", "HIGH"];
const QUALITIES: &[&str] = &["GOOD", "ADEQUATE", "POOR"];
const INDICATOR_KINDS: &[&str] = &["PROCESS", "OUTPUT", "OUTCOME"];
const RISK_STATUSES: &[&str] = &["OPEN", "MITIGATED", "OCCURRED", "CLOSED"];
const REVIEW_OUTCOMES: &[&str] = &["KEEP", "REVISE", "RETIRE"];
const COMPETENCES: &[&str] = &["KNOWLEDGE", "ATTITUDE", "SKILLS"];
const ANSWERS: &[&str] = &["YES", "PARTLY", "NO"];
const CAPITALS: &[&str] = &["PSYCHOLOGICAL", "SOCIAL", "SOCIETAL"];
const RECOGNITIONS: &[&str] = &[
    "NOT_ASSESSED",
    "WELL_DESCRIBED",
    "WELL_FOUNDED",
    "EFFECTIVE_FIRST_INDICATIONS",
    "EFFECTIVE_GOOD_INDICATIONS",
    "EFFECTIVE_STRONG_INDICATIONS",
];
/// The contract's template keys, and one that does not exist.
const TEMPLATES: &[&str] = &[
    "vroegsignalering_tijdig_opgevolgd",
    "doorlooptijd_tot_hulp",
    "gebruik_voorzieningen",
    "kinderen_sport_cultuur",
    "huishoudens_bijstand",
    "voortijdig_schoolverlaters",
    "geluk",
];
/// Kinds of ids that decisions and reflections may refer to.
const REFERABLE: &[&str] = &[
    "problem",
    "solution",
    "action",
    "decision",
    "reflection",
    "indicator",
    "goal",
    "risk",
    "journey",
    "checklist",
];
const METHODOLOGIES: &[&str] = &[
    "SCHOUDERS_ERONDER",
    "MOVISIE_VIJF_STAPPEN",
    "NJI_ZEVEN_STAPPEN",
];

/// Strings a careless or hostile client sends.
const NASTY: &[&str] = &[
    "",
    "   ",
    "\u{0}",
    "\u{202e}gnirts",
    "zero\u{200b}width",
    "😀🏳️‍🌈",
    "'; drop table events; --",
    "<script>alert(1)</script>",
    "\\u0000",
    "{{}}",
    "null",
    "-1",
    "1e309",
    "NaN",
    "\u{feff}",
    "ﷺ",
    "a\r\nb",
    "%s%n",
    "../../etc/passwd",
    "$input",
    "@skip",
];

/// One werkplaats the fuzzers work in.
struct Werkplaats {
    id: String,
    /// Tokens by role.
    tokens: Vec<(&'static str, String)>,
    /// Ids of what the accepted commands created, by kind.
    ids: Mutex<HashMap<&'static str, Vec<String>>>,
    /// The last `version` an accepted command answered for an item, by id.
    versions: Mutex<HashMap<String, i64>>,
}

impl Werkplaats {
    fn id_of(&self, rng: &mut StdRng, kind: &str) -> Value {
        let ids = self.ids.lock().unwrap();
        match ids.get(kind).and_then(|ids| ids.choose(rng)) {
            Some(id) if rng.gen_bool(0.9) => json!(id),
            _ => json!(Uuid::new_v4()),
        }
    }

    /// The expectedVersion a revision sends: mostly the item's version as
    /// last answered, else `fallback`.
    fn expected(&self, rng: &mut StdRng, item: &Value, fallback: i64) -> i64 {
        let versions = self.versions.lock().unwrap();
        match item.as_str().and_then(|id| versions.get(id)) {
            Some(version) if rng.gen_bool(0.8) => *version,
            _ => fallback,
        }
    }

    fn ids_of(&self, rng: &mut StdRng, kinds: &[&str]) -> Value {
        let n = rng.gen_range(0..4);
        json!((0..n)
            .map(|_| {
                let kind = kinds.choose(rng).unwrap();
                self.id_of(rng, kind)
            })
            .collect::<Vec<_>>())
    }
}

type Field = (String, Vec<String>, Option<String>);

/// What everyone shares.
struct Fuzz {
    app: TestApp,
    werkplaatsen: Vec<Werkplaats>,
    /// Names of the schema: per object type its fields, with their
    /// arguments and the object type they return, if any.
    types: Vec<(String, Vec<Field>)>,
    requests: AtomicUsize,
    statuses: Mutex<HashMap<u16, usize>>,
    codes: Mutex<HashMap<String, usize>>,
    kinds: Mutex<HashMap<&'static str, usize>>,
    /// Answers that carried data: documents the server ran.
    with_data: AtomicUsize,
    accepted_mutations: AtomicUsize,
    /// Per mutation: `(answers, accepted)`.
    answered: Mutex<HashMap<&'static str, (usize, usize)>>,
    refused_mutations: AtomicUsize,
    /// Events the accepted mutations appended.
    appended: AtomicI64,
    server_errors: Mutex<Vec<String>>,
}

/// One generated request: its body and, for each operation in it, the root
/// mutation fields that may run (response key, mutation name).
struct Generated {
    kind: &'static str,
    token: Option<String>,
    body: Vec<u8>,
    mutations: Vec<Vec<(String, &'static str)>>,
    werkplaats: Option<usize>,
}

fn text(rng: &mut StdRng, words: usize) -> String {
    const WORDS: &[&str] = &[
        "schulden",
        "jongeren",
        "brief",
        "huisbezoek",
        "wijk",
        "budget",
        "school",
        "werk",
    ];
    (0..words.max(1))
        .map(|_| *WORDS.choose(rng).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A date in 2026 or 2027.
fn day(rng: &mut StdRng) -> String {
    format!(
        "{}-{:02}-{:02}",
        rng.gen_range(2026..2028),
        rng.gen_range(1..13),
        rng.gen_range(1..29)
    )
}

/// Some of `values` in random order, now and then one of them twice.
fn some(rng: &mut StdRng, values: &[&str]) -> Vec<String> {
    let n = rng.gen_range(0..=values.len());
    let mut chosen: Vec<String> = values
        .choose_multiple(rng, n)
        .map(|v| (*v).to_owned())
        .collect();
    if !chosen.is_empty() && rng.gen_bool(0.1) {
        chosen.push(chosen[0].clone());
    }
    chosen
}

/// A value that is wrong for nearly any field.
fn wrong(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..12) {
        0 => json!(null),
        1 => json!(rng.gen::<i64>()),
        2 => json!(rng.gen::<f64>() * 1e300),
        3 => json!(true),
        4 => json!([1, "two", null]),
        5 => json!({"nested": {"deeper": []}}),
        6 => json!(NASTY.choose(rng).unwrap()),
        7 => json!("x".repeat(rng.gen_range(201..12_000))),
        8 => json!(Uuid::new_v4()),
        9 => json!(vec![Uuid::new_v4().to_string(); 51]),
        10 => json!("2026-02-30"),
        _ => random_json(rng, 3),
    }
}

fn random_json(rng: &mut StdRng, depth: usize) -> Value {
    match rng.gen_range(0..if depth == 0 { 4 } else { 6 }) {
        0 => json!(null),
        1 => json!(rng.gen_range(-1e6..1e6)),
        2 => json!(NASTY.choose(rng).unwrap()),
        3 => json!(rng.gen::<bool>()),
        4 => json!((0..rng.gen_range(0..4))
            .map(|_| random_json(rng, depth - 1))
            .collect::<Vec<_>>()),
        _ => {
            let mut object = Map::new();
            for _ in 0..rng.gen_range(0..4) {
                object.insert(text(rng, 1), random_json(rng, depth - 1));
            }
            Value::Object(object)
        }
    }
}

impl Fuzz {
    /// A valid input for `command` in werkplaats `wp`, as far as the
    /// generator knows the state.
    fn input(&self, rng: &mut StdRng, command: &Command, wp: &Werkplaats) -> Value {
        let id = json!(wp.id);
        let version = rng.gen_range(1..40);
        let mut input = match command.name {
            "createWerkplaats" => {
                json!({"name": text(rng, 2), "municipality": "Fuzzdorp", "question": text(rng, 8), "methodology": METHODOLOGIES.choose(rng).unwrap(), "facilitatorName": text(rng, 2)})
            }
            "addPartner" => json!({"werkplaatsId": id, "name": text(rng, 2), "kind": "OVERIG"}),
            "inviteMember" => {
                json!({"werkplaatsId": id, "name": text(rng, 2), "role": ROLES.choose(rng).unwrap(), "partnerId": wp.id_of(rng, "partner")})
            }
            "recordProblem" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "description": text(rng, 12), "perspective": "CLIENT"})
            }
            "proposeSolution" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "description": text(rng, 12), "basis": ["PRACTICE"], "addressesProblemIds": wp.ids_of(rng, &["problem"]), "capitals": some(rng, CAPITALS), "recognition": RECOGNITIONS.choose(rng).unwrap()})
            }
            "recordDecision" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "context": text(rng, 6), "optionsConsidered": [text(rng, 2)], "decision": text(rng, 5), "rationale": text(rng, 5), "basedOn": wp.ids_of(rng, REFERABLE), "reviewOn": day(rng), "consequences": text(rng, 4)})
            }
            "planAction" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "goal": text(rng, 6), "ownerPartnerId": wp.id_of(rng, "partner"), "dueDate": "2027-03-01", "indicatorIds": wp.ids_of(rng, &["indicator"])})
            }
            "reviseAction" => {
                let item = wp.id_of(rng, "action");
                json!({"werkplaatsId": id, "actionId": item, "expectedVersion": wp.expected(rng, &item, version), "title": text(rng, 3), "indicatorIds": wp.ids_of(rng, &["indicator"])})
            }
            "startAction" => json!({"werkplaatsId": id, "actionId": wp.id_of(rng, "action")}),
            "checkAction" => {
                json!({"werkplaatsId": id, "actionId": wp.id_of(rng, "action"), "findings": text(rng, 8)})
            }
            "concludeAction" => {
                json!({"werkplaatsId": id, "actionId": wp.id_of(rng, "action"), "outcome": OUTCOMES.choose(rng).unwrap(), "rationale": text(rng, 5)})
            }
            "recordReflection" => {
                json!({"werkplaatsId": id, "text": text(rng, 10), "about": wp.ids_of(rng, REFERABLE)})
            }
            "defineIndicator" => {
                json!({"werkplaatsId": id, "name": text(rng, 2), "unit": "dagen", "baseline": 40.0, "norm": 20.0, "direction": "DECREASE", "kind": INDICATOR_KINDS.choose(rng).unwrap(), "goalId": wp.id_of(rng, "goal")})
            }
            "recordMeasurement" => {
                json!({"werkplaatsId": id, "indicatorId": wp.id_of(rng, "indicator"), "value": rng.gen_range(0.0..60.0), "measuredOn": format!("2026-{:02}-{:02}", rng.gen_range(1..13), rng.gen_range(1..29))})
            }
            "advancePhase" => json!({"werkplaatsId": id, "expectedPhase": rng.gen_range(1..4)}),
            "setPresence" => json!({"werkplaatsId": id, "editing": wp.id_of(rng, "action")}),
            "reviseProblem" => {
                let item = wp.id_of(rng, "problem");
                json!({"werkplaatsId": id, "problemId": item, "expectedVersion": wp.expected(rng, &item, version), "title": text(rng, 3), "perspective": "POLICY"})
            }
            "reviseSolution" => {
                let item = wp.id_of(rng, "solution");
                json!({"werkplaatsId": id, "solutionId": item, "expectedVersion": wp.expected(rng, &item, version), "addressesProblemIds": wp.ids_of(rng, &["problem"]), "capitals": some(rng, CAPITALS), "recognition": RECOGNITIONS.choose(rng).unwrap()})
            }
            "defineIndicatorFromTemplate" => {
                let baseline = rng.gen_range(0.0..100.0);
                json!({"werkplaatsId": id, "templateKey": TEMPLATES.choose(rng).unwrap(), "baseline": baseline, "norm": baseline + rng.gen_range(-20.0..20.0), "goalId": wp.id_of(rng, "goal")})
            }
            "reviseIndicator" => {
                let item = wp.id_of(rng, "indicator");
                json!({"werkplaatsId": id, "indicatorId": item, "expectedVersion": wp.expected(rng, &item, version), "norm": rng.gen_range(-10.0..60.0), "goalId": wp.id_of(rng, "goal")})
            }
            "recordGoal" => {
                json!({"werkplaatsId": id, "statement": text(rng, 8), "targetYear": rng.gen_range(1995..2106)})
            }
            "reviseGoal" => {
                let item = wp.id_of(rng, "goal");
                json!({"werkplaatsId": id, "goalId": item, "expectedVersion": wp.expected(rng, &item, version), "targetYear": rng.gen_range(1995..2106)})
            }
            "recordRisk" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "description": text(rng, 8), "likelihood": LEVELS.choose(rng).unwrap(), "impact": LEVELS.choose(rng).unwrap(), "mitigation": text(rng, 4), "ownerPartnerId": wp.id_of(rng, "partner")})
            }
            "reviseRisk" => {
                let item = wp.id_of(rng, "risk");
                json!({"werkplaatsId": id, "riskId": item, "expectedVersion": wp.expected(rng, &item, version), "status": RISK_STATUSES.choose(rng).unwrap(), "mitigation": ""})
            }
            "reviewDecision" => {
                let outcome = REVIEW_OUTCOMES.choose(rng).unwrap();
                json!({"werkplaatsId": id, "decisionId": wp.id_of(rng, "decision"), "outcome": outcome, "note": text(rng, 5), "nextReviewOn": if rng.gen_bool(0.5) { json!(day(rng)) } else { Value::Null }})
            }
            "logActionProgress" => {
                json!({"werkplaatsId": id, "actionId": wp.id_of(rng, "action"), "text": text(rng, 6), "occurredOn": day(rng)})
            }
            "startClientJourney" => {
                json!({"werkplaatsId": id, "title": text(rng, 3), "situation": text(rng, 8)})
            }
            "addJourneyStep" => {
                json!({"werkplaatsId": id, "journeyId": wp.id_of(rng, "journey"), "title": text(rng, 3), "description": text(rng, 8), "partnerId": wp.id_of(rng, "partner"), "days": rng.gen_range(-2..3660)})
            }
            "assessJourneyStep" => {
                let item = wp.id_of(rng, "step");
                json!({"werkplaatsId": id, "journeyId": wp.id_of(rng, "journey"), "stepId": item, "expectedVersion": wp.expected(rng, &item, version), "knowledge": QUALITIES.choose(rng).unwrap(), "bottleneck": text(rng, 4)})
            }
            "addChecklistItem" => {
                json!({"werkplaatsId": id, "competence": COMPETENCES.choose(rng).unwrap(), "statement": text(rng, 8)})
            }
            "answerChecklistItem" => {
                json!({"werkplaatsId": id, "itemId": wp.id_of(rng, "checklist"), "partnerId": wp.id_of(rng, "partner"), "answer": ANSWERS.choose(rng).unwrap(), "note": text(rng, 3)})
            }
            _ => json!({"werkplaatsId": id}),
        };
        // A third of them corrupted: a field wrong, missing or extra.
        if rng.gen_bool(0.33) {
            let object = input.as_object_mut().unwrap();
            let keys: Vec<String> = object.keys().cloned().collect();
            let key = keys.choose(rng).unwrap().clone();
            match rng.gen_range(0..3) {
                0 => {
                    object.insert(key, wrong(rng));
                }
                1 => {
                    object.remove(&key);
                }
                _ => {
                    object.insert(text(rng, 1), wrong(rng));
                }
            }
        }
        input
    }

    /// A caller: usually one whose role may do something, sometimes
    /// anyone, a stranger, nobody or another werkplaats's member.
    fn token(&self, rng: &mut StdRng, wp: &Werkplaats) -> Option<String> {
        match rng.gen_range(0..20) {
            0 => None,
            1 => Some(format!("wpt_{}", "0".repeat(64))),
            2 => Some(self.app.admin_token.clone()),
            3 => {
                let other = self.werkplaatsen.choose(rng).unwrap();
                Some(other.tokens.choose(rng).unwrap().1.clone())
            }
            4..=12 => Some(wp.tokens[rng.gen_range(0..2)].1.clone()),
            _ => Some(wp.tokens.choose(rng).unwrap().1.clone()),
        }
    }

    fn generate(&self, rng: &mut StdRng) -> Generated {
        let w = rng.gen_range(0..self.werkplaatsen.len());
        let wp = &self.werkplaatsen[w];
        let token = self.token(rng, wp);
        let single = |kind, body: Value, mutations| Generated {
            kind,
            token: token.clone(),
            body: body.to_string().into_bytes(),
            mutations: vec![mutations],
            werkplaats: Some(w),
        };
        match rng.gen_range(0..100) {
            // Random command sequences: one mutation, valid or corrupted.
            0..=44 => {
                let command = COMMANDS[1..].choose(rng).unwrap();
                let command = if rng.gen_bool(0.01) {
                    &COMMANDS[0]
                } else {
                    command
                };
                let query = format!(
                    "mutation($input: {}!) {{ {}(input: $input) {{ {} }} }}",
                    command.input, command.name, command.selection
                );
                let variables = json!({"input": self.input(rng, command, wp)});
                let token = if command.name == "createWerkplaats" {
                    Some(self.app.admin_token.clone())
                } else {
                    token.clone()
                };
                Generated {
                    token,
                    ..single(
                        "command",
                        json!({"query": query, "variables": variables}),
                        vec![(command.name.to_owned(), command.name)],
                    )
                }
            }
            // Documents from the schema's names and garbage.
            45..=69 => {
                let (query, mutations) = self.document(rng, wp);
                let variables = if rng.gen_bool(0.5) {
                    random_json(rng, 3)
                } else {
                    {
                        let command = COMMANDS.choose(rng).unwrap();
                        json!({"input": self.input(rng, command, wp), "id": wp.id})
                    }
                };
                single(
                    "document",
                    json!({"query": query, "variables": variables}),
                    mutations,
                )
            }
            // Huge strings, up to and past the body limit.
            70..=71 => {
                let command = &COMMANDS[3];
                let query = format!(
                    "mutation($input: {}!) {{ {}(input: $input) {{ version }} }}",
                    command.input, command.name
                );
                let mut input = self.input(rng, command, wp);
                let size = if rng.gen_bool(0.5) {
                    BODY_LIMIT + rng.gen_range(1..100_000)
                } else {
                    rng.gen_range(10_000..BODY_LIMIT - 1_000)
                };
                input["description"] = json!("ä".repeat(size / 2));
                single(
                    "huge",
                    json!({"query": query, "variables": {"input": input}}),
                    vec![(command.name.to_owned(), command.name)],
                )
            }
            // Deep nesting, balanced or not.
            72..=75 => {
                let depth = rng.gen_range(1..300);
                let query = match rng.gen_range(0..3) {
                    0 => format!(
                        "query($id: ID!) {{ werkplaats(id: $id) {{ decisionLog {{ {}id{} }} }} }}",
                        "supersedes { ".repeat(depth),
                        " }".repeat(depth)
                    ),
                    1 => format!("{{ {}me{} }}", "a { ".repeat(depth), " }".repeat(depth)),
                    _ => "{".repeat(depth),
                };
                single(
                    "deep",
                    json!({"query": query, "variables": {"id": wp.id}}),
                    vec![],
                )
            }
            // Fragment bombs and cycles.
            76..=77 => {
                let levels = rng.gen_range(5..40);
                let mut query = String::from("query { ...F0 }");
                for n in 0..levels {
                    let next = if rng.gen_bool(0.1) { 0 } else { n + 1 };
                    query.push_str(&format!(
                        " fragment F{n} on Query {{ ...F{next} ...F{next} me {{ id }} }}"
                    ));
                }
                query.push_str(&format!(" fragment F{levels} on Query {{ me {{ id }} }}"));
                single("fragments", json!({"query": query}), vec![])
            }
            // Batches of commands and documents.
            78..=84 => {
                let n = rng.gen_range(0..13);
                let mut bodies = Vec::new();
                let mut mutations = Vec::new();
                for _ in 0..n {
                    let command = COMMANDS[1..].choose(rng).unwrap();
                    let query = format!(
                        "mutation($input: {}!) {{ {}(input: $input) {{ {} }} }}",
                        command.input, command.name, command.selection
                    );
                    bodies.push(json!({"query": query, "variables": {"input": self.input(rng, command, wp)}}));
                    mutations.push(vec![(command.name.to_owned(), command.name)]);
                }
                Generated {
                    kind: "batch",
                    token: token.clone(),
                    body: json!(bodies).to_string().into_bytes(),
                    mutations,
                    werkplaats: Some(w),
                }
            }
            // Bytes that are not UTF-8, or JSON of any shape.
            85..=92 => {
                let mut body = json!({"query": "{ me { id } }", "variables": random_json(rng, 2)})
                    .to_string()
                    .into_bytes();
                for _ in 0..rng.gen_range(1..5) {
                    let at = rng.gen_range(0..body.len());
                    body[at] = *[0xff, 0xfe, 0xc3, 0x80, 0xed, 0xa0].choose(rng).unwrap();
                }
                Generated {
                    kind: "bytes",
                    token: token.clone(),
                    body,
                    mutations: vec![],
                    werkplaats: None,
                }
            }
            _ => Generated {
                kind: "json",
                token: token.clone(),
                body: random_json(rng, 5).to_string().into_bytes(),
                mutations: vec![],
                werkplaats: None,
            },
        }
    }

    /// A random document: real field names of the right or a wrong type,
    /// arguments, aliases, variables, directives, fragments, garbage.
    fn document(&self, rng: &mut StdRng, wp: &Werkplaats) -> (String, Vec<(String, &'static str)>) {
        if rng.gen_bool(0.3) {
            // Root mutations, each key once so that none runs twice.
            let mut keys = Vec::new();
            let mut fields = Vec::new();
            for n in 0..rng.gen_range(1..4) {
                let command = COMMANDS.choose(rng).unwrap();
                let key = format!("m{n}");
                let argument = if rng.gen_bool(0.5) {
                    "(input: $input)".to_owned()
                } else {
                    format!("(input: {{werkplaatsId: \"{}\"}})", wp.id)
                };
                let selection = if rng.gen_bool(0.7) {
                    command.selection.to_owned()
                } else {
                    self.selection(rng, "Werkplaats", 0)
                };
                fields.push(format!(
                    "{key}: {}{argument} {{ {selection} }}",
                    command.name
                ));
                keys.push((key, command.name));
            }
            let input = COMMANDS.choose(rng).unwrap().input;
            return (
                format!("mutation($input: {input}!) {{ {} }}", fields.join(" ")),
                keys,
            );
        }
        let root = if rng.gen_bool(0.1) {
            "subscription"
        } else {
            "query"
        };
        let garbage = if rng.gen_bool(0.1) {
            *NASTY.choose(rng).unwrap()
        } else {
            ""
        };
        let werkplaats = self.selection(rng, "Werkplaats", 0);
        let body = match rng.gen_range(0..4) {
            0 => format!("werkplaats(id: $id) {{ {werkplaats} }}"),
            1 => format!(
                "werkplaatsen {{ ...W }} me {{ id name }} w: werkplaats(id: $id) {{ ...W }} }} fragment W on Werkplaats {{ {werkplaats}"
            ),
            2 => format!("a: werkplaats(id: $id, asOfVersion: {}) {{ {werkplaats} }} __typename", rng.gen_range(-2..30)),
            _ => format!("{} w: werkplaats(id: $id) {{ version }}", self.selection(rng, "Query", 0)),
        };
        (format!("{root}($id: ID!) {{ {body} }}{garbage}"), vec![])
    }

    fn selection(&self, rng: &mut StdRng, ty: &str, depth: usize) -> String {
        let fields = self
            .types
            .iter()
            .find(|(name, _)| name == ty)
            .map(|(_, f)| f.as_slice())
            .unwrap_or(&[]);
        let mut parts = Vec::new();
        for _ in 0..rng.gen_range(1..5) {
            // Mostly a field of this type; else one of another type, or garbage.
            let (name, arguments, target) = match (fields.choose(rng), rng.gen_range(0..20)) {
                (Some(field), 0..=16) => field.clone(),
                (_, 17..=18) => {
                    let (_, fields) = self.types.choose(rng).unwrap();
                    fields
                        .choose(rng)
                        .cloned()
                        .unwrap_or_else(|| ("nope".to_owned(), vec![], None))
                }
                _ => (text(rng, 1), vec![], None),
            };
            let alias = if rng.gen_bool(0.15) {
                format!("x{}: ", rng.gen_range(0..100))
            } else {
                String::new()
            };
            let arguments = if !arguments.is_empty() && rng.gen_bool(0.6) {
                let a = arguments.choose(rng).unwrap();
                let value = match rng.gen_range(0..5) {
                    0 => "$id".to_owned(),
                    1 => rng.gen_range(-5..2000).to_string(),
                    2 => "\"x\"".to_owned(),
                    3 => "[]".to_owned(),
                    _ => "null".to_owned(),
                };
                format!("({a}: {value})")
            } else {
                String::new()
            };
            let directive = match rng.gen_range(0..20) {
                0 => " @skip(if: true)",
                1 => " @include(if: $id)",
                2 => " @nonsense",
                _ => "",
            };
            let below = match target {
                Some(target) if depth < 7 || rng.gen_bool(0.05) => {
                    format!(" {{ {} }}", self.selection(rng, &target, depth + 1))
                }
                _ if rng.gen_bool(0.03) => " { id }".to_owned(),
                _ => String::new(),
            };
            parts.push(format!("{alias}{name}{arguments}{directive}{below}"));
        }
        if rng.gen_bool(0.05) {
            parts.push("... on Werkplaats { id }".to_owned());
        }
        parts.join(" ")
    }

    async fn send(&self, generated: Generated) {
        let response = self
            .app
            .post_raw(generated.token.as_deref(), generated.body)
            .await;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("a whole answer");
        self.requests.fetch_add(1, Ordering::Relaxed);
        *self.statuses.lock().unwrap().entry(status).or_default() += 1;
        *self
            .kinds
            .lock()
            .unwrap()
            .entry(generated.kind)
            .or_default() += 1;
        if status >= 500 {
            self.server_errors.lock().unwrap().push(format!(
                "HTTP {status}: {}",
                String::from_utf8_lossy(&bytes)
            ));
            return;
        }
        let answer: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): HTTP {status}"));
        let answers = match answer {
            Value::Array(answers) => answers,
            answer => vec![answer],
        };
        for (n, answer) in answers.iter().enumerate() {
            if !answer["data"].is_null() {
                self.with_data.fetch_add(1, Ordering::Relaxed);
            }
            for error in answer["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"]
                    .as_str()
                    .unwrap_or("(none)")
                    .to_owned();
                if code == "INTERNAL" || code == "(none)" {
                    self.server_errors
                        .lock()
                        .unwrap()
                        .push(format!("{code}: {error}"));
                }
                *self.codes.lock().unwrap().entry(code).or_default() += 1;
            }
            let Some(mutations) = generated.mutations.get(n) else {
                continue;
            };
            for (key, name) in mutations {
                let data = &answer["data"][key];
                let below = answer["errors"].as_array().into_iter().flatten().any(|e| {
                    e["path"][0] == json!(key) && e["path"].as_array().is_some_and(|p| p.len() > 1)
                });
                let accepted = !data.is_null() || below;
                {
                    let mut answered = self.answered.lock().unwrap();
                    let entry = answered.entry(name).or_default();
                    entry.0 += 1;
                    entry.1 += usize::from(accepted);
                }
                if !accepted {
                    self.refused_mutations.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                self.accepted_mutations.fetch_add(1, Ordering::Relaxed);
                self.appended.fetch_add(appends(name), Ordering::Relaxed);
                let (Some(w), Some(command)) = (
                    generated.werkplaats,
                    COMMANDS.iter().find(|c| c.name == *name),
                ) else {
                    continue;
                };
                // Remember each item's version, for later revisions.
                for item in [
                    "problem",
                    "solution",
                    "indicator",
                    "goal",
                    "risk",
                    "step",
                    "action",
                ] {
                    if let (Some(id), Some(version)) =
                        (data[item]["id"].as_str(), data[item]["version"].as_i64())
                    {
                        let mut versions = self.werkplaatsen[w].versions.lock().unwrap();
                        versions.insert(id.to_owned(), version);
                    }
                }
                if let Some((kind, pointer)) = command.keeps {
                    if let Some(id) = data.pointer(pointer).and_then(Value::as_str) {
                        let mut ids = self.werkplaatsen[w].ids.lock().unwrap();
                        ids.entry(kind).or_default().push(id.to_owned());
                    }
                }
            }
        }
    }
}

/// Opens a werkplaats and invites one member of each role; returns it and
/// the events that took.
async fn werkplaats(app: &TestApp, methodology: &str) -> (Werkplaats, i64) {
    let created = app
        .graphql(Some(&app.admin_token), CREATE_WERKPLAATS, json!({"input": {"name": "Fuzz", "municipality": "Fuzzdorp", "question": "Houdt hij stand?", "methodology": methodology, "facilitatorName": "Begeleider"}}))
        .await;
    assert_ok(&created);
    let id = created["data"]["createWerkplaats"]["werkplaats"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let facilitator = created["data"]["createWerkplaats"]["facilitatorToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let partner = app
        .graphql(
            Some(&facilitator),
            "mutation($i: AddPartnerInput!) { addPartner(input: $i) { partner { id } } }",
            json!({"i": {"werkplaatsId": id, "name": "Schuldhulp", "kind": "SCHULDHULPVERLENING"}}),
        )
        .await;
    assert_ok(&partner);
    let partner_id = partner["data"]["addPartner"]["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tokens = vec![("FACILITATOR", facilitator.clone())];
    for role in &ROLES[1..] {
        let invited = app
            .graphql(Some(&facilitator), "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { token } }", json!({"i": {"werkplaatsId": id, "name": format!("Lid {role}"), "role": role, "partnerId": partner_id}}))
            .await;
        assert_ok(&invited);
        tokens.push((
            role,
            invited["data"]["inviteMember"]["token"]
                .as_str()
                .unwrap()
                .to_owned(),
        ));
    }
    // The nine standard checklist items exist from the start.
    let listed = app
        .graphql(
            Some(&facilitator),
            "query($id: ID!) { werkplaats(id: $id) { checklist { id } } }",
            json!({"id": id}),
        )
        .await;
    assert_ok(&listed);
    let checklist: Vec<String> = listed["data"]["werkplaats"]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(checklist.len(), 9);
    let ids = HashMap::from([("partner", vec![partner_id]), ("checklist", checklist)]);
    let werkplaats = Werkplaats {
        id,
        tokens,
        ids: Mutex::new(ids),
        versions: Mutex::default(),
    };
    (werkplaats, 2 + 1 + 4)
}

#[tokio::test]
async fn thousands_of_generated_requests_never_break_the_server_or_the_trail() {
    let seed = std::env::var("WERKPLAATS_FUZZ_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    println!("fuzz: seed {seed} (replay with WERKPLAATS_FUZZ_SEED={seed})");
    let started = Instant::now();
    let app = spawn_app().await;
    let mut werkplaatsen = Vec::new();
    let mut setup_events = 0;
    for methodology in METHODOLOGIES {
        let (werkplaats, events) = werkplaats(&app, methodology).await;
        werkplaatsen.push(werkplaats);
        setup_events += events;
    }
    let introspection = app
        .graphql(Some(&app.admin_token), "{ __schema { types { name kind fields { name args { name } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }", json!({}))
        .await;
    let types = introspection["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "OBJECT")
        .map(|t| {
            let fields = t["fields"].as_array().unwrap().iter().map(|f| {
                let arguments = f["args"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["name"].as_str().unwrap().to_owned())
                    .collect();
                // The named type under the list and non-null wrappers.
                let mut ty = &f["type"];
                while ty["name"].is_null() && !ty["ofType"].is_null() {
                    ty = &ty["ofType"];
                }
                let target =
                    (ty["kind"] == "OBJECT").then(|| ty["name"].as_str().unwrap().to_owned());
                (f["name"].as_str().unwrap().to_owned(), arguments, target)
            });
            (t["name"].as_str().unwrap().to_owned(), fields.collect())
        })
        .collect();
    let fuzz = Arc::new(Fuzz {
        app,
        werkplaatsen,
        types,
        requests: AtomicUsize::new(0),
        statuses: Mutex::default(),
        codes: Mutex::default(),
        kinds: Mutex::default(),
        with_data: AtomicUsize::new(0),
        accepted_mutations: AtomicUsize::new(0),
        answered: Mutex::default(),
        refused_mutations: AtomicUsize::new(0),
        appended: AtomicI64::new(0),
        server_errors: Mutex::default(),
    });

    let workers = (0..WORKERS).map(|worker| {
        let fuzz = fuzz.clone();
        async move {
            let mut rng = StdRng::seed_from_u64(seed.wrapping_add(worker as u64));
            for _ in 0..REQUESTS / WORKERS {
                let generated = fuzz.generate(&mut rng);
                fuzz.send(generated).await;
            }
        }
    });
    futures::stream::iter(workers)
        .for_each_concurrent(WORKERS, |worker| worker)
        .await;

    // Still serving: health, a normal query, each trail verifies.
    assert_eq!(fuzz.app.get("/healthz").await.status(), 200);
    assert_eq!(fuzz.app.get("/readyz").await.status(), 200);
    for werkplaats in &fuzz.werkplaatsen {
        let response = fuzz
            .app
            .graphql(
                Some(&werkplaats.tokens[0].1),
                "query($id: ID!) { werkplaats(id: $id) { version verifyTrail { valid } } }",
                json!({"id": werkplaats.id}),
            )
            .await;
        assert_ok(&response);
        assert_eq!(response["data"]["werkplaats"]["verifyTrail"]["valid"], true);
    }

    // Every stream gapless; exactly the accepted mutations' events stored.
    let streams: Vec<(Uuid, i64, i64, i64)> = sqlx::query_as("select stream_id, count(*), min(version)::int8, max(version)::int8 from events group by stream_id")
        .fetch_all(&fuzz.app.pool)
        .await
        .unwrap();
    let gapped: Vec<_> = streams
        .iter()
        .filter(|(_, count, min, max)| *min != 1 || max != count)
        .collect();
    let stored: i64 = streams.iter().map(|(_, count, _, _)| count).sum();
    let expected = setup_events + fuzz.appended.load(Ordering::Relaxed);
    let server_errors = fuzz.server_errors.lock().unwrap().clone();

    let mut statuses: Vec<_> = fuzz.statuses.lock().unwrap().clone().into_iter().collect();
    statuses.sort();
    let mut codes: Vec<_> = fuzz.codes.lock().unwrap().clone().into_iter().collect();
    codes.sort();
    let mut kinds: Vec<_> = fuzz.kinds.lock().unwrap().clone().into_iter().collect();
    kinds.sort();
    println!(
        "fuzz: {} requests in {:.1?} ({kinds:?})",
        fuzz.requests.load(Ordering::Relaxed),
        started.elapsed()
    );
    println!(
        "fuzz: HTTP statuses {statuses:?}; {} answers with data; error codes {codes:?}",
        fuzz.with_data.load(Ordering::Relaxed)
    );
    println!(
        "fuzz: {} mutations accepted, {} refused; events stored {stored} = setup {setup_events} + appended by accepted {} ({}); {} streams, {} with gaps; {} 5xx or uncoded errors",
        fuzz.accepted_mutations.load(Ordering::Relaxed),
        fuzz.refused_mutations.load(Ordering::Relaxed),
        fuzz.appended.load(Ordering::Relaxed),
        if stored == expected { "0 appended by refused requests" } else { "MISMATCH" },
        streams.len(),
        gapped.len(),
        server_errors.len(),
    );
    // Every command was sent and answered (the method's too).
    let answered = fuzz.answered.lock().unwrap().clone();
    let by_command: Vec<(&str, (usize, usize))> = COMMANDS
        .iter()
        .map(|c| (c.name, answered.get(c.name).copied().unwrap_or_default()))
        .collect();
    println!("fuzz: (answers, accepted) by mutation {by_command:?}");
    let unsent: Vec<&str> = by_command
        .iter()
        .filter(|(_, (answers, _))| *answers == 0)
        .map(|(name, _)| *name)
        .collect();
    assert!(unsent.is_empty(), "never answered: {unsent:?}");
    assert!(server_errors.is_empty(), "{}", server_errors.join("\n"));
    assert!(gapped.is_empty(), "streams with gaps: {gapped:?}");
    assert_eq!(
        stored, expected,
        "events stored vs appended by accepted mutations"
    );
    assert_eq!(fuzz.requests.load(Ordering::Relaxed), REQUESTS);
    assert!(started.elapsed() < Duration::from_secs(120));
}
