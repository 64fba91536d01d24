//! Bad input on every mutation (`rotateToken`, which takes no input, is in
//! `role_matrix.rs`), callers who may not do what they ask,
//! read arguments out of range and malformed HTTP requests: each is refused
//! with the contract's error code, never with an HTTP 5xx, and appends
//! nothing (no event, no stream, no member, no token, no command).
//!
//! Every refusal starts from an input that the server accepts, with exactly
//! one thing wrong with it (or, for the "which error" cases, exactly the
//! things named); the valid inputs are sent at the end to prove it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum As {
    Admin,
    Facilitator,
    Partner,
    ClientVoice,
    Evaluator,
    Observer,
}

const EVERYONE: [As; 6] = [
    As::Admin,
    As::Facilitator,
    As::Partner,
    As::ClientVoice,
    As::Evaluator,
    As::Observer,
];

/// One mutation of `core.graphql`, with who may send it (the README's role
/// table) and the fields its input requires.
struct Mutation {
    name: &'static str,
    input: &'static str,
    select: &'static str,
    allowed: &'static [As],
    required: &'static [&'static str],
}

const FACILITATOR: &[As] = &[As::Facilitator];
const CONTRIBUTORS: &[As] = &[As::Facilitator, As::Partner, As::ClientVoice];
const PLANNERS: &[As] = &[As::Facilitator, As::Partner];
const ACTION: &str = "action { id version status } version";

const MUTATIONS: [Mutation; 20] = [
    Mutation {
        name: "createWerkplaats",
        input: "CreateWerkplaatsInput",
        select: "werkplaats { id version } facilitator { id } facilitatorToken",
        allowed: &[As::Admin],
        required: &[
            "name",
            "municipality",
            "question",
            "methodology",
            "facilitatorName",
        ],
    },
    Mutation {
        name: "addPartner",
        input: "AddPartnerInput",
        select: "partner { id } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "name", "kind"],
    },
    Mutation {
        name: "inviteMember",
        input: "InviteMemberInput",
        select: "member { id } token version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "name", "role"],
    },
    Mutation {
        name: "recordProblem",
        input: "RecordProblemInput",
        select: "problem { id } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "title", "description", "perspective"],
    },
    Mutation {
        name: "proposeSolution",
        input: "ProposeSolutionInput",
        select: "solution { id } version",
        allowed: CONTRIBUTORS,
        required: &[
            "werkplaatsId",
            "title",
            "description",
            "basis",
            "addressesProblemIds",
        ],
    },
    Mutation {
        name: "recordDecision",
        input: "RecordDecisionInput",
        select: "decision { id } version",
        allowed: PLANNERS,
        required: &[
            "werkplaatsId",
            "title",
            "context",
            "optionsConsidered",
            "decision",
            "rationale",
            "basedOn",
        ],
    },
    Mutation {
        name: "planAction",
        input: "PlanActionInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "title", "goal", "ownerPartnerId"],
    },
    Mutation {
        name: "reviseAction",
        input: "ReviseActionInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "actionId", "expectedVersion"],
    },
    Mutation {
        name: "startAction",
        input: "StartActionInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "actionId"],
    },
    Mutation {
        name: "checkAction",
        input: "CheckActionInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "actionId", "findings"],
    },
    Mutation {
        name: "concludeAction",
        input: "ConcludeActionInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "actionId", "outcome", "rationale"],
    },
    Mutation {
        name: "recordReflection",
        input: "RecordReflectionInput",
        select: "reflection { id } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "text", "about"],
    },
    Mutation {
        name: "defineIndicator",
        input: "DefineIndicatorInput",
        select: "indicator { id } version",
        allowed: FACILITATOR,
        required: &[
            "werkplaatsId",
            "name",
            "unit",
            "baseline",
            "norm",
            "direction",
        ],
    },
    Mutation {
        name: "recordMeasurement",
        input: "RecordMeasurementInput",
        select: "indicator { id latest } version",
        allowed: PLANNERS,
        required: &["werkplaatsId", "indicatorId", "value", "measuredOn"],
    },
    Mutation {
        name: "advancePhase",
        input: "AdvancePhaseInput",
        select: "phase { number } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "expectedPhase"],
    },
    // From audit.graphql: the one write an EVALUATOR may send.
    Mutation {
        name: "recordCheckpoint",
        input: "RecordCheckpointInput",
        select: "checkpoint { version hash } version",
        allowed: &[As::Facilitator, As::Evaluator],
        required: &["werkplaatsId"],
    },
    // From trust.graphql, and our linkIdentity: each acts on a member.
    Mutation {
        name: "removeMember",
        input: "RemoveMemberInput",
        select: "member { id active } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "memberId"],
    },
    Mutation {
        name: "changeRole",
        input: "ChangeRoleInput",
        select: "member { id role } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "memberId", "role"],
    },
    Mutation {
        name: "forgetMember",
        input: "ForgetMemberInput",
        select: "member { id forgotten } version",
        allowed: &[As::Facilitator, As::Admin],
        required: &["werkplaatsId", "memberId"],
    },
    Mutation {
        name: "linkIdentity",
        input: "LinkIdentityInput",
        select: "member { id } version",
        allowed: &[As::Facilitator, As::Admin],
        required: &["werkplaatsId", "memberId", "subject"],
    },
];

impl Mutation {
    fn query(&self) -> String {
        format!(
            "mutation($input: {}!) {{ {}(input: $input) {{ {} }} }}",
            self.input, self.name, self.select
        )
    }

    fn has_werkplaats(&self) -> bool {
        self.required.contains(&"werkplaatsId")
    }
}

fn mutation(name: &str) -> &'static Mutation {
    MUTATIONS
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no mutation {name}"))
}

/// Text fields with their limits in characters: (mutation, field, min, max).
const TEXT_FIELDS: &[(&str, &str, usize, usize)] = &[
    ("createWerkplaats", "name", 1, 200),
    ("createWerkplaats", "municipality", 1, 200),
    ("createWerkplaats", "question", 1, 10_000),
    ("createWerkplaats", "facilitatorName", 1, 200),
    ("addPartner", "name", 1, 200),
    ("inviteMember", "name", 1, 200),
    ("recordProblem", "title", 1, 200),
    ("recordProblem", "description", 1, 10_000),
    ("proposeSolution", "title", 1, 200),
    ("proposeSolution", "description", 1, 10_000),
    ("recordDecision", "title", 1, 200),
    ("recordDecision", "context", 1, 10_000),
    ("recordDecision", "decision", 1, 10_000),
    ("recordDecision", "rationale", 1, 10_000),
    ("planAction", "title", 1, 200),
    ("planAction", "goal", 1, 10_000),
    ("reviseAction", "title", 1, 200),
    ("reviseAction", "goal", 1, 10_000),
    ("checkAction", "findings", 1, 10_000),
    ("concludeAction", "rationale", 1, 10_000),
    ("recordReflection", "text", 1, 10_000),
    ("defineIndicator", "name", 1, 200),
    ("defineIndicator", "unit", 1, 200),
    ("recordMeasurement", "note", 0, 10_000),
    ("advancePhase", "note", 0, 10_000),
    ("linkIdentity", "subject", 1, 200),
];

/// An item and the version it was last changed at.
#[derive(Clone, Debug)]
struct Item {
    id: String,
    version: i64,
}

/// A werkplaats with one of everything (and an action in each state a
/// mutation acts on), and a token for every role.
struct Werkplaats {
    id: String,
    tokens: HashMap<As, String>,
    partners: Vec<String>,
    problems: Vec<String>,
    solution: String,
    decision: String,
    /// A decision superseded already.
    superseded: String,
    /// `PLANNED`, for `startAction`.
    planned: Item,
    /// `PLANNED`, for `reviseAction`.
    revisable: Item,
    /// `DOING`, for `checkAction`.
    doing: Item,
    /// `CHECKING`, for `concludeAction`.
    checking: Item,
    reflection: String,
    indicator: String,
    /// Active members, one for each trust mutation that acts on a member.
    to_remove: String,
    to_change: String,
    to_forget: String,
    to_link: String,
    /// A facilitator removed already, and their (revoked) token.
    removed: String,
    removed_token: String,
}

impl Werkplaats {
    fn token(&self, who: As) -> &str {
        &self.tokens[&who]
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string, got {value}"))
        .to_owned()
}

fn item(action: &Value) -> Item {
    Item {
        id: text(&action["id"]),
        version: action["version"].as_i64().expect("a version"),
    }
}

/// Runs a mutation that must succeed and returns its payload.
async fn accept(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    let response = app
        .graphql(
            Some(token),
            &mutation(name).query(),
            json!({ "input": input }),
        )
        .await;
    assert_ok(&response);
    response["data"][name].clone()
}

/// A member's id and token.
type Invited = (String, String);

/// A werkplaats with `problems` problems and one of everything else.
async fn populate(app: &TestApp, problems: usize) -> Werkplaats {
    let (id, fac) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    let wp = id.as_str();
    let mut partners = Vec::new();
    for (name, kind) in [
        ("Gemeente Almere", "GEMEENTE"),
        ("Sociaal Werk Almere", "SOCIAAL_WERK"),
    ] {
        let added = accept(
            app,
            &fac,
            "addPartner",
            json!({"werkplaatsId": wp, "name": name, "kind": kind}),
        )
        .await;
        partners.push(text(&added["partner"]["id"]));
    }
    let mut tokens = HashMap::from([
        (As::Admin, app.admin_token.clone()),
        (As::Facilitator, fac.clone()),
    ]);
    for (who, role) in [
        (As::Partner, "PARTNER"),
        (As::ClientVoice, "CLIENT_VOICE"),
        (As::Evaluator, "EVALUATOR"),
        (As::Observer, "OBSERVER"),
    ] {
        let invited = accept(
            app,
            &fac,
            "inviteMember",
            json!({
                "werkplaatsId": wp,
                "name": format!("Lid {role}"),
                "role": role,
                "partnerId": partners[0],
            }),
        )
        .await;
        tokens.insert(who, text(&invited["token"]));
    }
    let mut problem_ids = Vec::new();
    for n in 1..=problems {
        let recorded = accept(
            app,
            &fac,
            "recordProblem",
            json!({
                "werkplaatsId": wp,
                "title": format!("Knelpunt {n}"),
                "description": "De wachttijd loopt op.",
                "perspective": "PROFESSIONAL",
            }),
        )
        .await;
        problem_ids.push(text(&recorded["problem"]["id"]));
    }
    let solution = text(
        &accept(
            app,
            &fac,
            "proposeSolution",
            json!({
                "werkplaatsId": wp,
                "title": "Huisbezoek",
                "description": "Samen op huisbezoek.",
                "basis": ["PRACTICE"],
                "addressesProblemIds": [problem_ids[0]],
            }),
        )
        .await["solution"]["id"],
    );
    let decision = |title: &str, supersedes: Option<&str>| {
        json!({
            "werkplaatsId": wp,
            "title": title,
            "context": "Capaciteit voor een stap.",
            "optionsConsidered": ["Huisbezoek", "Brieven"],
            "decision": "Eerst huisbezoeken.",
            "rationale": "Raakt beide knelpunten.",
            "basedOn": [problem_ids[0]],
            "supersedesDecisionId": supersedes,
        })
    };
    let record_decision = |input| accept(app, &fac, "recordDecision", input);
    let decided = text(&record_decision(decision("Besluit", None)).await["decision"]["id"]);
    let superseded = text(&record_decision(decision("Oud besluit", None)).await["decision"]["id"]);
    record_decision(decision("Nieuw besluit", Some(&superseded))).await;
    let plan = |title: &str| {
        json!({
            "werkplaatsId": wp,
            "title": title,
            "goal": "80% binnen 5 werkdagen.",
            "ownerPartnerId": partners[0],
        })
    };
    let mut actions = Vec::new();
    for (title, steps) in [("Starten", 0), ("Herzien", 0), ("Doen", 1), ("Checken", 2)] {
        let mut action = item(&accept(app, &fac, "planAction", plan(title)).await["action"]);
        if steps >= 1 {
            let started = accept(
                app,
                &fac,
                "startAction",
                json!({"werkplaatsId": wp, "actionId": action.id}),
            )
            .await;
            action = item(&started["action"]);
        }
        if steps >= 2 {
            let checked = accept(
                app,
                &fac,
                "checkAction",
                json!({
                    "werkplaatsId": wp,
                    "actionId": action.id,
                    "findings": "74% binnen 5 werkdagen.",
                }),
            )
            .await;
            action = item(&checked["action"]);
        }
        actions.push(action);
    }
    let reflection = text(
        &accept(
            app,
            &fac,
            "recordReflection",
            json!({
                "werkplaatsId": wp,
                "text": "Een huisbezoek voelt minder bedreigend.",
                "about": [problem_ids[0]],
            }),
        )
        .await["reflection"]["id"],
    );
    let indicator = text(
        &accept(
            app,
            &fac,
            "defineIndicator",
            json!({
                "werkplaatsId": wp,
                "name": "Doorlooptijd",
                "unit": "dagen",
                "baseline": 28,
                "norm": 10,
                "direction": "DECREASE",
            }),
        )
        .await["indicator"]["id"],
    );
    let [planned, revisable, doing, checking]: [Item; 4] =
        actions.try_into().expect("four actions");
    let mut members = Vec::new();
    for (name, role) in [
        ("Vertrekkend lid", "PARTNER"),
        ("Wisselend lid", "PARTNER"),
        ("Te vergeten lid", "PARTNER"),
        ("Te koppelen lid", "PARTNER"),
        ("Oud-procesbegeleider", "FACILITATOR"),
    ] {
        let invited = accept(
            app,
            &fac,
            "inviteMember",
            json!({"werkplaatsId": wp, "name": name, "role": role}),
        )
        .await;
        members.push((text(&invited["member"]["id"]), text(&invited["token"])));
    }
    let [to_remove, to_change, to_forget, to_link, (removed, removed_token)]: [Invited; 5] =
        members.try_into().expect("five members");
    accept(
        app,
        &fac,
        "removeMember",
        json!({"werkplaatsId": wp, "memberId": removed}),
    )
    .await;
    Werkplaats {
        id,
        tokens,
        partners,
        problems: problem_ids,
        solution,
        decision: decided,
        superseded,
        planned,
        revisable,
        doing,
        checking,
        reflection,
        indicator,
        to_remove: to_remove.0,
        to_change: to_change.0,
        to_forget: to_forget.0,
        to_link: to_link.0,
        removed,
        removed_token,
    }
}

/// An input `name` accepts from its allowed callers in werkplaats `a`.
fn valid_input(a: &Werkplaats, name: &str) -> Value {
    let wp = a.id.as_str();
    match name {
        "createWerkplaats" => json!({
            "name": "Werkplaats Lelystad",
            "municipality": "Lelystad",
            "question": "Hoe bereiken we huishoudens met betalingsachterstanden eerder?",
            "methodology": "NJI_ZEVEN_STAPPEN",
            "facilitatorName": "Tweede procesbegeleider",
        }),
        "addPartner" => {
            json!({
                "werkplaatsId": wp,
                "name": "Woningcorporatie De Alliantie",
                "kind": "WONINGCORPORATIE",
            })
        }
        "inviteMember" => {
            json!({
                "werkplaatsId": wp,
                "name": "Wijkcoach",
                "role": "PARTNER",
                "partnerId": a.partners[1],
            })
        }
        "recordProblem" => json!({
            "werkplaatsId": wp,
            "title": "Aanmaningen stapelen zich op",
            "description": "Binnen drie maanden volgen vier partijen dezelfde schuld op.",
            "perspective": "DATA",
        }),
        "proposeSolution" => json!({
            "werkplaatsId": wp,
            "title": "Vroegsignalering met woningcorporaties",
            "description": "Huurachterstanden na een maand melden bij schuldhulp.",
            "basis": ["SCIENCE", "PRACTICE"],
            "addressesProblemIds": [a.problems[0]],
        }),
        "recordDecision" => json!({
            "werkplaatsId": wp,
            "title": "We melden huurachterstanden na een maand",
            "context": "Convenant met twee corporaties.",
            "optionsConsidered": ["Na een maand", "Na drie maanden"],
            "decision": "Na een maand.",
            "rationale": "Hoe eerder, hoe kleiner de schuld.",
            "basedOn": [a.problems[0], a.solution, a.reflection, a.indicator],
            "supersedesDecisionId": a.decision,
        }),
        "planAction" => json!({
            "werkplaatsId": wp,
            "title": "Convenant vroegsignalering",
            "goal": "Convenant getekend met beide corporaties.",
            "ownerPartnerId": a.partners[0],
            "solutionId": a.solution,
            "dueDate": "2026-06-30",
        }),
        "reviseAction" => json!({
            "werkplaatsId": wp,
            "actionId": a.revisable.id,
            "expectedVersion": a.revisable.version,
            "title": "Huisbezoek binnen 3 werkdagen",
        }),
        "startAction" => json!({
            "werkplaatsId": wp,
            "actionId": a.planned.id,
            "expectedVersion": a.planned.version,
        }),
        "checkAction" => json!({
            "werkplaatsId": wp,
            "actionId": a.doing.id,
            "findings": "Na zes weken 74% binnen 5 werkdagen bezocht.",
            "expectedVersion": a.doing.version,
        }),
        "concludeAction" => json!({
            "werkplaatsId": wp,
            "actionId": a.checking.id,
            "outcome": "ADAPT",
            "rationale": "Werkt, maar de eerste brief moet het bezoek aankondigen.",
            "expectedVersion": a.checking.version,
        }),
        "recordReflection" => json!({
            "werkplaatsId": wp,
            "text": "Partners kennen elkaars wachtlijsten nu.",
            "about": [a.problems[0], a.decision],
        }),
        "defineIndicator" => json!({
            "werkplaatsId": wp,
            "name": "Bereik vroegsignalering",
            "unit": "huishoudens per maand",
            "baseline": 10,
            "norm": 40,
            "direction": "INCREASE",
        }),
        "recordMeasurement" => json!({
            "werkplaatsId": wp,
            "indicatorId": a.indicator,
            "value": 21.5,
            "measuredOn": "2026-02-01",
            "note": "Eerste maand",
        }),
        "advancePhase" => {
            json!({"werkplaatsId": wp, "expectedPhase": 1, "note": "Probleemanalyse besproken"})
        }
        "recordCheckpoint" => json!({"werkplaatsId": wp}),
        "removeMember" => json!({"werkplaatsId": wp, "memberId": a.to_remove}),
        "changeRole" => json!({"werkplaatsId": wp, "memberId": a.to_change, "role": "OBSERVER"}),
        "forgetMember" => json!({"werkplaatsId": wp, "memberId": a.to_forget}),
        "linkIdentity" => json!({
            "werkplaatsId": wp,
            "memberId": a.to_link,
            "subject": "wijkcoach@almere.example",
        }),
        other => panic!("no valid input for {other}"),
    }
}

fn with(mut input: Value, field: &str, value: Value) -> Value {
    input[field] = value;
    input
}

fn without(mut input: Value, field: &str) -> Value {
    input
        .as_object_mut()
        .expect("an input object")
        .remove(field);
    input
}

/// One request the server must refuse with `code`.
struct Case {
    what: String,
    token: Option<String>,
    query: String,
    variables: Value,
    code: &'static str,
}

#[derive(Default)]
struct Cases(Vec<Case>);

impl Cases {
    /// `mutation` with `input`, sent by `token`.
    fn input(
        &mut self,
        token: Option<&str>,
        mutation: &Mutation,
        what: impl std::fmt::Display,
        input: Value,
        code: &'static str,
    ) {
        self.raw(
            token,
            format!("{}: {what}", mutation.name),
            mutation.query(),
            json!({ "input": input }),
            code,
        );
    }

    fn raw(
        &mut self,
        token: Option<&str>,
        what: String,
        query: String,
        variables: Value,
        code: &'static str,
    ) {
        self.0.push(Case {
            what,
            token: token.map(str::to_owned),
            query,
            variables,
            code,
        });
    }
}

/// Everything a refused request could have written.
#[derive(Debug, PartialEq, Eq)]
struct Written {
    /// Events per watched werkplaats (`TestApp::stored_events`).
    per_werkplaats: Vec<i64>,
    /// Events, streams, member profiles, tokens and command ids overall.
    rows: (i64, i64, i64, i64, i64),
}

async fn written(app: &TestApp, watched: &[&str]) -> Written {
    let mut per_werkplaats = Vec::new();
    for wp in watched {
        per_werkplaats.push(app.stored_events(wp).await);
    }
    let rows = sqlx::query_as(
        "select (select count(*) from events), (select count(*) from streams), \
         (select count(*) from member_profiles), (select count(*) from tokens), \
         (select count(*) from commands)",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the counts");
    Written {
        per_werkplaats,
        rows,
    }
}

fn shorten(response: &Value) -> String {
    let mut shown = response.to_string();
    if shown.len() > 400 {
        let mut end = 400;
        while !shown.is_char_boundary(end) {
            end -= 1;
        }
        shown.truncate(end);
        shown.push('…');
    }
    shown
}

/// Sends every case; each must fail with its code (as the first error),
/// below HTTP 500 (`TestApp::graphql` asserts that) and without writing
/// anything. Reports every wrong answer at once.
async fn refuse_all(app: &TestApp, watched: &[&str], cases: &Cases) -> usize {
    let mut wrong = Vec::new();
    for case in &cases.0 {
        let before = written(app, watched).await;
        let response = app
            .graphql(case.token.as_deref(), &case.query, case.variables.clone())
            .await;
        let after = written(app, watched).await;
        if error_code(&response) != Some(case.code) {
            wrong.push(format!(
                "{}: expected {}, got {}",
                case.what,
                case.code,
                shorten(&response)
            ));
        }
        if before != after {
            wrong.push(format!("{}: wrote {before:?} -> {after:?}", case.what));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} refusals went wrong:\n{}",
        wrong.len(),
        cases.0.len(),
        wrong.join("\n")
    );
    cases.0.len()
}

/// Empty, blank, NUL-carrying and over-long text; lists over 50 items,
/// repeated ids, unknown ids and ids of another werkplaats; unknown items
/// acted on; wrong GraphQL types; a norm not beyond its baseline.
fn bad_value_cases(a: &Werkplaats, b: &Werkplaats) -> Cases {
    let mut cases = Cases::default();
    let valid = |name: &str| valid_input(a, name);

    for &(name, field, min, max) in TEXT_FIELDS {
        let m = mutation(name);
        let token = Some(a.token(m.allowed[0]));
        let mut bad = vec![
            (
                format!("{field} over {max} characters"),
                "ë".repeat(max + 1),
            ),
            (
                format!("{field} over {max} characters after trimming"),
                format!("  {}  ", "x".repeat(max + 1)),
            ),
            (
                format!("{field} with a NUL character"),
                "voor\0na".to_owned(),
            ),
        ];
        if min > 0 {
            bad.push((format!("{field} empty"), String::new()));
            bad.push((format!("{field} blank"), " \t\n  ".to_owned()));
        }
        for (what, value) in bad {
            cases.input(
                token,
                m,
                what,
                with(valid(name), field, json!(value)),
                "BAD_USER_INPUT",
            );
        }
    }

    // Lists: over 50 items (each valid and distinct on its own), repeated
    // ids, unknown ids, ids of another werkplaats, ids of the wrong kind.
    let fac = Some(a.token(As::Facilitator));
    let fifty_one = &a.problems[..51];
    let options: Vec<String> = (1..=51).map(|n| format!("Optie {n}")).collect();
    let bases: Vec<&str> = ["CASUISTRY", "SCIENCE", "PRACTICE"]
        .into_iter()
        .cycle()
        .take(51)
        .collect();
    let p0 = a.problems[0].as_str();
    let id_lists: [(&str, &str, Value); 3] = [
        ("proposeSolution", "addressesProblemIds", json!([p0])),
        ("recordDecision", "basedOn", json!([p0, a.solution])),
        ("recordReflection", "about", json!([a.decision, p0])),
    ];
    for (name, field, ok) in id_lists {
        let m = mutation(name);
        let base = valid(name);
        let ok = ok.as_array().expect("ids").clone();
        let plus = |extra: Value| {
            let mut ids = ok.clone();
            ids.push(extra);
            json!(ids)
        };
        let bad = [
            ("51 known ids", json!(fifty_one)),
            ("a repeated id", plus(ok[0].clone())),
            ("a repeated id, 2 items", json!([p0, p0])),
            ("an unknown id", plus(json!(UNKNOWN))),
            ("an id of another werkplaats", plus(json!(b.problems[0]))),
            ("a decision of another werkplaats", plus(json!(b.decision))),
            (
                "a reflection of another werkplaats",
                plus(json!(b.reflection)),
            ),
            ("an action of another werkplaats", plus(json!(b.planned.id))),
            (
                "an indicator of another werkplaats",
                plus(json!(b.indicator)),
            ),
            ("an id that is no UUID", plus(json!("probleem-1"))),
            ("an empty id", plus(json!(""))),
        ];
        for (what, ids) in bad {
            cases.input(
                fac,
                m,
                format!("{field} with {what}"),
                with(base.clone(), field, ids),
                "BAD_USER_INPUT",
            );
        }
    }
    let propose = mutation("proposeSolution");
    for (what, field, value) in [
        (
            "addressesProblemIds with a solution id",
            "addressesProblemIds",
            json!([a.solution]),
        ),
        (
            "addressesProblemIds with a decision id",
            "addressesProblemIds",
            json!([a.decision]),
        ),
        ("basis empty", "basis", json!([])),
        ("basis with 51 items", "basis", json!(bases)),
    ] {
        cases.input(
            fac,
            propose,
            what,
            with(valid(propose.name), field, value),
            "BAD_USER_INPUT",
        );
    }
    let decide = mutation("recordDecision");
    for (what, field, value) in [
        (
            "optionsConsidered with 51 items",
            "optionsConsidered",
            json!(options),
        ),
        (
            "optionsConsidered with an empty item",
            "optionsConsidered",
            json!(["Na een maand", ""]),
        ),
        (
            "optionsConsidered with a blank item",
            "optionsConsidered",
            json!(["   ", "Na een maand"]),
        ),
        (
            "optionsConsidered with an item of 201 characters",
            "optionsConsidered",
            json!(["Na een maand", "ë".repeat(201)]),
        ),
        (
            "basedOn with a partner id",
            "basedOn",
            json!([a.partners[0]]),
        ),
        (
            "supersedesDecisionId unknown",
            "supersedesDecisionId",
            json!(UNKNOWN),
        ),
        (
            "supersedesDecisionId of another werkplaats",
            "supersedesDecisionId",
            json!(b.decision),
        ),
        (
            "supersedesDecisionId superseded already",
            "supersedesDecisionId",
            json!(a.superseded),
        ),
        (
            "supersedesDecisionId of a problem",
            "supersedesDecisionId",
            json!(p0),
        ),
        (
            "supersedesDecisionId no UUID",
            "supersedesDecisionId",
            json!("besluit-1"),
        ),
    ] {
        cases.input(
            fac,
            decide,
            what,
            with(valid(decide.name), field, value),
            "BAD_USER_INPUT",
        );
    }
    for (name, field) in [
        ("inviteMember", "partnerId"),
        ("planAction", "ownerPartnerId"),
        ("reviseAction", "ownerPartnerId"),
        ("planAction", "solutionId"),
    ] {
        let m = mutation(name);
        let other = if field == "solutionId" {
            &b.solution
        } else {
            &b.partners[0]
        };
        for (what, value) in [
            ("unknown", json!(UNKNOWN)),
            ("of another werkplaats", json!(other)),
            ("of a problem", json!(p0)),
            ("no UUID", json!("partner-1")),
            ("empty", json!("")),
        ] {
            cases.input(
                fac,
                m,
                format!("{field} {what}"),
                with(valid(name), field, value),
                "BAD_USER_INPUT",
            );
        }
    }
    let revise = mutation("reviseAction");
    let nothing = without(valid(revise.name), "title");
    cases.input(
        fac,
        revise,
        "no field to change",
        nothing.clone(),
        "BAD_USER_INPUT",
    );
    cases.input(
        fac,
        revise,
        "only nulls for the optional fields",
        with(
            with(with(nothing, "title", Value::Null), "goal", Value::Null),
            "ownerPartnerId",
            Value::Null,
        ),
        "BAD_USER_INPUT",
    );

    // The item acted on: unknown, of another werkplaats, of another kind,
    // no UUID at all.
    for (name, field, other) in [
        ("reviseAction", "actionId", &b.revisable.id),
        ("startAction", "actionId", &b.planned.id),
        ("checkAction", "actionId", &b.doing.id),
        ("concludeAction", "actionId", &b.checking.id),
        ("recordMeasurement", "indicatorId", &b.indicator),
        ("removeMember", "memberId", &b.to_remove),
        ("changeRole", "memberId", &b.to_change),
        ("forgetMember", "memberId", &b.to_forget),
        ("linkIdentity", "memberId", &b.to_link),
    ] {
        let m = mutation(name);
        for (what, value) in [
            ("unknown", json!(UNKNOWN)),
            ("of another werkplaats", json!(other)),
            ("of a problem", json!(p0)),
            ("no UUID", json!("actie-1")),
        ] {
            cases.input(
                fac,
                m,
                format!("{field} {what}"),
                with(valid(name), field, value),
                "NOT_FOUND",
            );
        }
    }

    // Indicator norms that do not lie beyond the baseline.
    let define = mutation("defineIndicator");
    for (baseline, norm, direction) in [
        (10.0, 10.0, "INCREASE"),
        (10.0, 9.5, "INCREASE"),
        (-5.0, -10.0, "INCREASE"),
        (28.0, 28.0, "DECREASE"),
        (28.0, 30.0, "DECREASE"),
        (0.0, 0.5, "DECREASE"),
    ] {
        let input = with(
            with(
                with(valid(define.name), "baseline", json!(baseline)),
                "norm",
                json!(norm),
            ),
            "direction",
            json!(direction),
        );
        cases.input(
            fac,
            define,
            format!("{direction} from {baseline} to norm {norm}"),
            input,
            "BAD_USER_INPUT",
        );
    }

    // Wrong GraphQL types in the variables.
    for (name, field, value) in [
        ("createWerkplaats", "methodology", json!("AGILE")),
        (
            "createWerkplaats",
            "methodology",
            json!("schouders_eronder"),
        ),
        ("createWerkplaats", "name", json!(42)),
        ("addPartner", "kind", json!("BANK")),
        ("addPartner", "name", json!(["Gemeente"])),
        ("inviteMember", "role", json!("ADMIN")),
        ("inviteMember", "role", json!(1)),
        ("recordProblem", "perspective", json!("BURGER")),
        ("recordProblem", "title", json!({"nl": "Titel"})),
        ("proposeSolution", "basis", json!(["GUT_FEELING"])),
        ("proposeSolution", "addressesProblemIds", json!([true])),
        ("recordDecision", "optionsConsidered", json!([1, 2])),
        ("recordDecision", "basedOn", json!([{"id": p0}])),
        ("planAction", "dueDate", json!("1 maart 2026")),
        ("planAction", "dueDate", json!("2026-02-30")),
        ("planAction", "dueDate", json!(20260301)),
        ("reviseAction", "expectedVersion", json!("16")),
        ("reviseAction", "expectedVersion", json!(1.5)),
        ("reviseAction", "dueDate", json!("morgen")),
        ("startAction", "expectedVersion", json!("one")),
        ("startAction", "expectedVersion", json!(2_147_483_648_i64)),
        ("checkAction", "expectedVersion", json!(true)),
        ("concludeAction", "outcome", json!("MAYBE")),
        ("concludeAction", "outcome", json!(1)),
        ("recordReflection", "about", json!({"ids": []})),
        ("defineIndicator", "direction", json!("UP")),
        ("defineIndicator", "baseline", json!("veel")),
        ("recordMeasurement", "value", json!("twintig")),
        ("recordMeasurement", "measuredOn", json!("gisteren")),
        ("recordMeasurement", "measuredOn", json!("2026-13-01")),
        (
            "recordMeasurement",
            "measuredOn",
            json!("2026-02-01T10:00:00Z"),
        ),
        ("advancePhase", "expectedPhase", json!("1")),
        ("advancePhase", "expectedPhase", json!(1.5)),
        ("advancePhase", "expectedPhase", json!(2_147_483_648_i64)),
        ("changeRole", "role", json!("ADMIN")),
        ("changeRole", "role", json!("observer")),
        ("linkIdentity", "subject", json!(42)),
        (
            "linkIdentity",
            "subject",
            json!(["wijkcoach@almere.example"]),
        ),
    ] {
        let m = mutation(name);
        let token = Some(a.token(m.allowed[0]));
        cases.input(
            token,
            m,
            format!("{field} = {value}"),
            with(valid(name), field, value),
            "BAD_USER_INPUT",
        );
    }
    for m in &MUTATIONS {
        let token = Some(a.token(m.allowed[0]));
        for field in m.required {
            cases.input(
                token,
                m,
                format!("{field} missing"),
                without(valid(m.name), field),
                "BAD_USER_INPUT",
            );
            cases.input(
                token,
                m,
                format!("{field} null"),
                with(valid(m.name), field, Value::Null),
                "BAD_USER_INPUT",
            );
        }
        let query = m.query();
        for (what, variables) in [
            ("no input variable", json!({})),
            ("input null", json!({"input": null})),
            ("input a string", json!({"input": "alles"})),
            ("input a list", json!({"input": [valid(m.name)]})),
            (
                "an unknown input field",
                json!({"input": with(valid(m.name), "colour", json!("rood"))}),
            ),
        ] {
            cases.raw(
                token,
                format!("{}: {what}", m.name),
                query.clone(),
                variables,
                "BAD_USER_INPUT",
            );
        }
        // The same mistake written into the document instead of a variable.
        let literal = format!(
            "mutation {{ {}(input: {{ name: 5 }}) {{ __typename }} }}",
            m.name
        );
        cases.raw(
            token,
            format!("{}: literal input of wrong types", m.name),
            literal,
            json!({}),
            "BAD_USER_INPUT",
        );
    }
    cases
}

/// Callers who may not send the mutation, or not to this werkplaats.
fn wrong_caller_cases(a: &Werkplaats, b: &Werkplaats) -> Cases {
    let mut cases = Cases::default();
    let outsider = b.token(As::Facilitator);
    for m in &MUTATIONS {
        let valid = valid_input(a, m.name);
        cases.input(None, m, "no token", valid.clone(), "UNAUTHENTICATED");
        cases.input(
            Some(UNKNOWN_TOKEN),
            m,
            "an unknown token",
            valid.clone(),
            "UNAUTHENTICATED",
        );
        cases.input(
            Some("not-a-token"),
            m,
            "a malformed token",
            valid.clone(),
            "UNAUTHENTICATED",
        );
        cases.input(
            Some(&a.removed_token),
            m,
            "a removed facilitator's token",
            valid.clone(),
            "UNAUTHENTICATED",
        );
        for who in EVERYONE.into_iter().filter(|who| !m.allowed.contains(who)) {
            cases.input(
                Some(a.token(who)),
                m,
                format!("as {who:?}"),
                valid.clone(),
                "FORBIDDEN",
            );
        }
        if !m.has_werkplaats() {
            cases.input(
                Some(outsider),
                m,
                "as a facilitator of a werkplaats",
                valid,
                "FORBIDDEN",
            );
            continue;
        }
        let token = Some(a.token(m.allowed[0]));
        cases.input(
            Some(outsider),
            m,
            "as a facilitator of another werkplaats",
            valid.clone(),
            "NOT_FOUND",
        );
        for (what, id) in [
            ("another werkplaats", b.id.as_str()),
            ("an unknown werkplaats", UNKNOWN),
            ("a werkplaatsId that is no UUID", "werkplaats-almere"),
            ("an empty werkplaatsId", ""),
            ("a problem id as werkplaatsId", a.problems[0].as_str()),
        ] {
            cases.input(
                token,
                m,
                what,
                with(valid.clone(), "werkplaatsId", json!(id)),
                "NOT_FOUND",
            );
        }
        cases.input(
            Some(a.token(As::Admin)),
            m,
            "admin, unknown werkplaats",
            with(valid, "werkplaatsId", json!(UNKNOWN)),
            "NOT_FOUND",
        );
    }

    // Which error wins when several apply.
    let wp = a.id.as_str();
    let problem = mutation("recordProblem");
    let blank_title = with(valid_input(a, problem.name), "title", json!(" "));
    let fac = Some(a.token(As::Facilitator));
    let evaluator = Some(a.token(As::Evaluator));
    let elsewhere = |input: Value| with(input, "werkplaatsId", json!(b.id));
    cases.input(
        None,
        problem,
        "no token beats an unknown werkplaats",
        with(blank_title.clone(), "werkplaatsId", json!(UNKNOWN)),
        "UNAUTHENTICATED",
    );
    cases.input(
        None,
        problem,
        "no token beats a value of the wrong type",
        with(blank_title.clone(), "perspective", json!("NIEMAND")),
        "UNAUTHENTICATED",
    );
    cases.raw(
        None,
        "no token beats a document the engine refuses".to_owned(),
        "mutation { recordProblem(input: 7) { version } }".to_owned(),
        json!({}),
        "UNAUTHENTICATED",
    );
    cases.input(
        Some(UNKNOWN_TOKEN),
        problem,
        "an unknown token beats another werkplaats",
        elsewhere(blank_title.clone()),
        "UNAUTHENTICATED",
    );
    cases.input(
        evaluator,
        problem,
        "another werkplaats beats the role",
        elsewhere(blank_title.clone()),
        "NOT_FOUND",
    );
    cases.input(
        evaluator,
        problem,
        "the role beats a blank title",
        blank_title,
        "FORBIDDEN",
    );
    let partner = mutation("addPartner");
    cases.input(
        Some(a.token(As::Admin)),
        partner,
        "admin: the role beats an empty name",
        with(valid_input(a, partner.name), "name", json!("")),
        "FORBIDDEN",
    );
    let create = mutation("createWerkplaats");
    cases.input(
        fac,
        create,
        "the role beats an empty name",
        with(valid_input(a, create.name), "name", json!("")),
        "FORBIDDEN",
    );
    let start = mutation("startAction");
    cases.input(
        Some(a.token(As::ClientVoice)),
        start,
        "the role beats an unknown action",
        json!({"werkplaatsId": wp, "actionId": UNKNOWN}),
        "FORBIDDEN",
    );
    cases.input(
        fac,
        start,
        "an unknown action beats a stale version",
        json!({"werkplaatsId": wp, "actionId": UNKNOWN, "expectedVersion": 1}),
        "NOT_FOUND",
    );
    cases.input(
        fac,
        start,
        "a stale version beats the state",
        json!({"werkplaatsId": wp, "actionId": a.doing.id, "expectedVersion": a.doing.version - 1}),
        "CONFLICT",
    );
    let check = mutation("checkAction");
    cases.input(
        Some(a.token(As::Partner)),
        check,
        "blank findings beat an unknown action",
        json!({"werkplaatsId": wp, "actionId": UNKNOWN, "findings": " "}),
        "BAD_USER_INPUT",
    );
    let revise = mutation("reviseAction");
    cases.input(
        fac,
        revise,
        "an unknown owner beats an unknown action",
        json!({
            "werkplaatsId": wp,
            "actionId": UNKNOWN,
            "expectedVersion": 1,
            "ownerPartnerId": UNKNOWN,
        }),
        "BAD_USER_INPUT",
    );
    cases.input(
        fac,
        revise,
        "no field to change beats an unknown action",
        json!({"werkplaatsId": wp, "actionId": UNKNOWN, "expectedVersion": 1}),
        "BAD_USER_INPUT",
    );
    let measure = mutation("recordMeasurement");
    cases.input(
        fac,
        measure,
        "an over-long note beats an unknown indicator",
        with(
            with(valid_input(a, measure.name), "indicatorId", json!(UNKNOWN)),
            "note",
            json!("x".repeat(10_001)),
        ),
        "BAD_USER_INPUT",
    );
    let advance = mutation("advancePhase");
    cases.input(
        fac,
        advance,
        "an over-long note beats a stale phase",
        json!({"werkplaatsId": wp, "expectedPhase": 3, "note": "x".repeat(10_001)}),
        "BAD_USER_INPUT",
    );

    // The member lifecycle: acting on a removed member is a transition the
    // state does not allow, after every other check.
    let admin = Some(a.token(As::Admin));
    let remove = mutation("removeMember");
    let change = mutation("changeRole");
    let link = mutation("linkIdentity");
    let forget = mutation("forgetMember");
    let member = |id: &str| json!({"werkplaatsId": wp, "memberId": id});
    let on_removed = member(&a.removed);
    cases.input(
        admin,
        remove,
        "admin: the role beats an unknown member",
        member(UNKNOWN),
        "FORBIDDEN",
    );
    cases.input(
        Some(a.token(As::Partner)),
        forget,
        "the role beats an unknown member",
        member(UNKNOWN),
        "FORBIDDEN",
    );
    cases.input(
        evaluator,
        change,
        "the role beats a removed member",
        with(on_removed.clone(), "role", json!("PARTNER")),
        "FORBIDDEN",
    );
    cases.input(
        fac,
        link,
        "a blank subject beats an unknown member",
        with(member(UNKNOWN), "subject", json!("  ")),
        "BAD_USER_INPUT",
    );
    cases.input(
        admin,
        link,
        "admin: a blank subject beats a removed member",
        with(on_removed.clone(), "subject", json!("")),
        "BAD_USER_INPUT",
    );
    cases.input(
        fac,
        remove,
        "removing a removed member",
        on_removed.clone(),
        "INVALID_STATE",
    );
    cases.input(
        fac,
        change,
        "changing the role of a removed member",
        with(on_removed.clone(), "role", json!("PARTNER")),
        "INVALID_STATE",
    );
    cases.input(
        admin,
        link,
        "admin: linking a removed member",
        with(on_removed, "subject", json!("oud@almere.example")),
        "INVALID_STATE",
    );
    cases.input(
        fac,
        change,
        "changing a role to the same role",
        with(member(&a.to_change), "role", json!("PARTNER")),
        "INVALID_STATE",
    );
    cases
}

#[tokio::test]
async fn bad_values_on_every_mutation_are_refused_and_append_nothing() {
    let app = spawn_app_unthrottled().await;
    let a = populate(&app, 51).await;
    let b = populate(&app, 1).await;
    let cases = bad_value_cases(&a, &b);
    let n = refuse_all(&app, &[&a.id, &b.id], &cases).await;
    println!("bad input: {n} refused requests checked, 0 appended");

    // At the limits the same inputs are accepted, trimmed: the refusals
    // above were about the limits.
    let fac = a.token(As::Facilitator);
    let name = "ë".repeat(200);
    let long_text = "x".repeat(10_000);
    let problem = accept(
        &app,
        fac,
        "recordProblem",
        json!({
            "werkplaatsId": a.id,
            "title": format!("  {name}\n"),
            "description": long_text,
            "perspective": "CLIENT",
        }),
    )
    .await;
    let recorded = app
        .graphql(
            Some(fac),
            "query($id: ID!) { werkplaats(id: $id) { problems { id title description } } }",
            json!({"id": a.id}),
        )
        .await;
    let stored = recorded["data"]["werkplaats"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == problem["problem"]["id"])
        .cloned()
        .expect("the problem is listed");
    assert_eq!(stored["title"], json!(name));
    assert_eq!(stored["description"], json!(long_text));
    let fifty = &a.problems[..50];
    let options: Vec<String> = (1..=50)
        .map(|n| format!("{n:>3}{}", "o".repeat(197)))
        .collect();
    accept(
        &app,
        fac,
        "proposeSolution",
        with(
            with(
                valid_input(&a, "proposeSolution"),
                "addressesProblemIds",
                json!(fifty),
            ),
            "basis",
            json!(vec!["PRACTICE"; 50]),
        ),
    )
    .await;
    accept(
        &app,
        fac,
        "recordDecision",
        with(
            with(valid_input(&a, "recordDecision"), "basedOn", json!(fifty)),
            "optionsConsidered",
            json!(options),
        ),
    )
    .await;
    accept(
        &app,
        fac,
        "recordReflection",
        with(valid_input(&a, "recordReflection"), "about", json!(fifty)),
    )
    .await;
    accept(
        &app,
        fac,
        "recordMeasurement",
        with(valid_input(&a, "recordMeasurement"), "note", json!("   ")),
    )
    .await;
    accept(
        &app,
        fac,
        "advancePhase",
        with(
            valid_input(&a, "advancePhase"),
            "note",
            json!("x".repeat(10_000)),
        ),
    )
    .await;
}

#[tokio::test]
async fn wrong_callers_on_every_mutation_are_refused_and_append_nothing() {
    let app = spawn_app_unthrottled().await;
    let a = populate(&app, 1).await;
    let b = populate(&app, 1).await;
    let cases = wrong_caller_cases(&a, &b);
    let n = refuse_all(&app, &[&a.id, &b.id], &cases).await;
    println!("wrong callers: {n} refused requests checked, 0 appended");

    // Every input refused above is accepted from its allowed caller, with
    // exactly one event (two for a new werkplaats).
    for m in &MUTATIONS {
        let before = written(&app, &[&a.id, &b.id]).await;
        let payload = accept(&app, a.token(m.allowed[0]), m.name, valid_input(&a, m.name)).await;
        let after = written(&app, &[&a.id, &b.id]).await;
        let (added, expected) = if m.has_werkplaats() {
            (after.per_werkplaats[0] - before.per_werkplaats[0], 1)
        } else {
            assert_eq!(payload["werkplaats"]["version"], json!(2));
            (after.rows.0 - before.rows.0, 2)
        };
        assert_eq!(added, expected, "{} appends {expected}", m.name);
        assert_eq!(
            after.per_werkplaats[1], before.per_werkplaats[1],
            "{} leaves the other werkplaats alone",
            m.name
        );
    }
}

const EVENTS: &str = "query($id: ID!, $after: Int, $first: Int) { werkplaats(id: $id) { events(afterVersion: $after, first: $first) { events { version } hasMore } } }";
const AS_OF: &str = "query($id: ID!, $v: Int, $t: DateTime) { werkplaats(id: $id, asOfVersion: $v, asOfTime: $t) { id version } }";

#[tokio::test]
async fn out_of_range_read_arguments_are_bad_input() {
    let app = spawn_app_unthrottled().await;
    let (wp, fac) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    let (other, _) = create_werkplaats(&app, "MOVISIE_VIJF_STAPPEN").await;
    let invited = accept(
        &app,
        &fac,
        "inviteMember",
        json!({"werkplaatsId": wp, "name": "Evaluator", "role": "EVALUATOR"}),
    )
    .await;
    let evaluator = text(&invited["token"]);
    accept(
        &app,
        &fac,
        "addPartner",
        json!({"werkplaatsId": wp, "name": "Gemeente Zwolle", "kind": "GEMEENTE"}),
    )
    .await;
    let head = 4;
    assert_eq!(app.stored_events(&wp).await, head);
    let first = app
        .graphql(
            Some(&fac),
            "query($id: ID!) { werkplaats(id: $id) { events(first: 1) { events { recordedAt } } } }",
            json!({"id": wp}),
        )
        .await;
    let created: DateTime<Utc> =
        text(&first["data"]["werkplaats"]["events"]["events"][0]["recordedAt"])
            .parse()
            .expect("an RFC 3339 time");
    let rfc3339 = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Micros, true);
    let just_before = rfc3339(created - Duration::microseconds(1));

    let mut cases = Cases::default();
    let mut read = |token: &str, what: &str, query: &str, variables: Value, code: &'static str| {
        cases.raw(
            Some(token),
            what.to_owned(),
            query.to_owned(),
            variables,
            code,
        );
    };
    let admin = app.admin_token.as_str();
    for (token, who) in [
        (fac.as_str(), "facilitator"),
        (evaluator.as_str(), "evaluator"),
        (admin, "admin"),
    ] {
        for (after, first) in [
            (json!(-1), json!(10)),
            (json!(0), json!(0)),
            (json!(0), json!(1001)),
            (json!(0), json!(-1)),
            (json!(-1), json!(0)),
        ] {
            let what = format!("{who}: events(afterVersion: {after}, first: {first})");
            read(
                token,
                &what,
                EVENTS,
                json!({"id": wp, "after": after, "first": first}),
                "BAD_USER_INPUT",
            );
        }
    }
    for (what, after, first) in [
        ("afterVersion as a string", json!("0"), json!(10)),
        ("first as a float", json!(0), json!(1.5)),
        ("first beyond Int", json!(0), json!(4_294_967_296_i64)),
    ] {
        read(
            &fac,
            what,
            EVENTS,
            json!({"id": wp, "after": after, "first": first}),
            "BAD_USER_INPUT",
        );
    }
    read(
        &evaluator,
        "events(afterVersion: -1) as of version 2",
        "query($id: ID!) { werkplaats(id: $id, asOfVersion: 2) { events(afterVersion: -1) { hasMore } } }",
        json!({"id": wp}),
        "BAD_USER_INPUT",
    );
    let now = rfc3339(Utc::now());
    for (what, v, t) in [
        ("asOfVersion 0", json!(0), Value::Null),
        ("asOfVersion -1", json!(-1), Value::Null),
        ("asOfVersion head + 1", json!(head + 1), Value::Null),
        (
            "asOfVersion at the Int maximum",
            json!(i32::MAX),
            Value::Null,
        ),
        ("asOfVersion and asOfTime", json!(1), json!(now)),
        ("asOfVersion head and asOfTime now", json!(head), json!(now)),
        (
            "asOfTime a microsecond before creation",
            Value::Null,
            json!(just_before),
        ),
        (
            "asOfTime in 1970",
            Value::Null,
            json!("1970-01-01T00:00:00Z"),
        ),
        ("asOfTime not a time", Value::Null, json!("gisteren")),
        ("asOfTime a date only", Value::Null, json!("2026-01-01")),
        ("asOfVersion a string", json!("1"), Value::Null),
        ("asOfVersion a float", json!(1.5), Value::Null),
    ] {
        for (token, who) in [
            (fac.as_str(), "facilitator"),
            (evaluator.as_str(), "evaluator"),
            (admin, "admin"),
        ] {
            read(
                token,
                &format!("{who}: {what}"),
                AS_OF,
                json!({"id": wp, "v": v, "t": t}),
                "BAD_USER_INPUT",
            );
        }
    }
    // The werkplaats is checked before the version asked for.
    read(
        &fac,
        "another werkplaats, asOfVersion 0",
        AS_OF,
        json!({"id": other, "v": 0}),
        "NOT_FOUND",
    );
    read(
        &fac,
        "unknown werkplaats, asOfVersion 0",
        AS_OF,
        json!({"id": UNKNOWN, "v": 0}),
        "NOT_FOUND",
    );
    read(
        admin,
        "admin, unknown werkplaats, events(first: 0)",
        EVENTS,
        json!({"id": UNKNOWN, "first": 0}),
        "NOT_FOUND",
    );
    read(
        &fac,
        "no UUID, asOfVersion 0",
        AS_OF,
        json!({"id": "almere", "v": 0}),
        "NOT_FOUND",
    );
    read(
        UNKNOWN_TOKEN,
        "unknown token, asOfVersion 0",
        AS_OF,
        json!({"id": wp, "v": 0}),
        "UNAUTHENTICATED",
    );
    let n = refuse_all(&app, &[&wp, &other], &cases).await;
    let response = app.graphql(None, AS_OF, json!({"id": wp, "v": 0})).await;
    assert_eq!(error_code(&response), Some("UNAUTHENTICATED"), "{response}");
    println!(
        "bad read arguments: {} refused requests checked, 0 appended",
        n + 1
    );

    // The limits themselves are accepted.
    for (v, t, version) in [
        (json!(1), Value::Null, 1),
        (json!(head), Value::Null, head),
        (Value::Null, json!(rfc3339(created)), 2),
        (Value::Null, json!(now), head),
    ] {
        let response = app
            .graphql(Some(&evaluator), AS_OF, json!({"id": wp, "v": v, "t": t}))
            .await;
        assert_ok(&response);
        assert_eq!(
            response["data"]["werkplaats"]["version"],
            json!(version),
            "{response}"
        );
    }
    for (after, first, count) in [(0, 1000, head), (0, 1, 1), (head, 1, 0)] {
        let response = app
            .graphql(
                Some(&evaluator),
                EVENTS,
                json!({"id": wp, "after": after, "first": first}),
            )
            .await;
        assert_ok(&response);
        let events = response["data"]["werkplaats"]["events"]["events"]
            .as_array()
            .unwrap();
        assert_eq!(events.len() as i64, count, "{response}");
    }
}

/// `{"query": ..., "variables": ...}` as bytes.
fn body(query: &str, variables: Value) -> Vec<u8> {
    json!({"query": query, "variables": variables})
        .to_string()
        .into_bytes()
}

#[tokio::test]
async fn malformed_http_requests_are_bad_input_and_append_nothing() {
    let app = spawn_app_unthrottled().await;
    let (wp, fac) = create_werkplaats(&app, "MOVISIE_VIJF_STAPPEN").await;
    let add = mutation("addPartner").query();
    let partner =
        |name: &str| json!({"input": {"werkplaatsId": wp, "name": name, "kind": "OVERIG"}});
    let valid = body(&add, partner("Bibliotheek"));
    const LIMIT: usize = 1_048_576;

    // A mutation padded (with a variable it does not use) to `size` bytes.
    let padded = |size: usize| {
        let mut variables = partner("Voedselbank");
        variables["pad"] = json!("");
        let bare = body(&add, variables.clone()).len();
        variables["pad"] = json!("x".repeat(size - bare));
        let padded = body(&add, variables);
        assert_eq!(padded.len(), size);
        padded
    };
    let nest = |depth: usize| format!("{}id{}", "supersedes { ".repeat(depth), " }".repeat(depth));
    let decide = mutation("recordDecision");
    let decision = json!({"input": {
        "werkplaatsId": wp,
        "title": "Diep genest",
        "context": "-",
        "optionsConsidered": [],
        "decision": "-",
        "rationale": "-",
        "basedOn": [],
    }});
    let deep_mutation = format!(
        "mutation($input: {}!) {{ {}(input: $input) {{ decision {{ {} }} version }} }}",
        decide.input,
        decide.name,
        nest(98)
    );
    let deep_query = format!(
        "query($id: ID!) {{ werkplaats(id: $id) {{ decisionLog {{ {} }} }} }}",
        nest(98)
    );
    let batch = |n: usize| {
        let requests: Vec<Value> = (1..=n)
            .map(|i| json!({"query": add, "variables": partner(&format!("Partner {i}"))}))
            .collect();
        json!(requests).to_string().into_bytes()
    };
    let cut = valid[..valid.len() / 2].to_vec();
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("malformed JSON: cut off", cut),
        (
            "malformed JSON: trailing comma",
            format!("{{\"query\": {add:?},}}").into_bytes(),
        ),
        (
            "malformed JSON: single quotes",
            b"{'query': '{ me { id } }'}".to_vec(),
        ),
        (
            "not JSON: a bare GraphQL document",
            add.clone().into_bytes(),
        ),
        ("not UTF-8", vec![0xff, 0xfe, 0x7b, 0x7d]),
        ("an empty body", Vec::new()),
        ("JSON null", b"null".to_vec()),
        ("a JSON number", b"42".to_vec()),
        ("a JSON string", b"\"addPartner\"".to_vec()),
        ("a list of numbers", b"[1, 2, 3]".to_vec()),
        ("an empty batch", b"[]".to_vec()),
        (
            "query not a string",
            json!({"query": 42}).to_string().into_bytes(),
        ),
        (
            "variables not an object",
            json!({"query": add, "variables": [1]})
                .to_string()
                .into_bytes(),
        ),
        (
            "no query, only variables",
            json!({"variables": partner("Zonder query")})
                .to_string()
                .into_bytes(),
        ),
        (
            "the document under another key",
            json!({"mutation": add, "variables": partner("Elders")})
                .to_string()
                .into_bytes(),
        ),
        (
            "a GraphQL syntax error",
            body(
                "mutation($input: AddPartnerInput!) { addPartner(input: $input) { version }",
                partner("Kapot"),
            ),
        ),
        (
            "an unknown field",
            body(
                "mutation($input: AddPartnerInput!) { addPartner(input: $input) { colour } }",
                partner("Kleur"),
            ),
        ),
        (
            "an unknown operationName",
            json!({"query": add, "operationName": "Elders", "variables": partner("Elders")})
                .to_string()
                .into_bytes(),
        ),
        (
            "two operations, no operationName",
            body(
                &format!("{add} query Me {{ me {{ id }} }}"),
                partner("Twee"),
            ),
        ),
        ("a body over 1 MiB", padded(LIMIT + 1)),
        ("a body of 2 MiB", padded(2 * LIMIT)),
        ("a mutation nested 100 deep", body(&deep_mutation, decision)),
        (
            "a query nested 100 deep",
            body(&deep_query, json!({"id": wp})),
        ),
        ("a batch of 11 mutations", batch(11)),
    ];
    let mut wrong = Vec::new();
    for (what, bytes) in &bodies {
        let before = written(&app, &[&wp]).await;
        let response = app.post_raw(Some(&fac), bytes.clone()).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        let after = written(&app, &[&wp]).await;
        let json: Option<Value> = serde_json::from_str(&text).ok();
        let code = json
            .as_ref()
            .and_then(|json| json["errors"][0]["extensions"]["code"].as_str());
        if status.is_server_error() || code != Some("BAD_USER_INPUT") {
            wrong.push(format!(
                "{what}: HTTP {status}, {}",
                text.chars().take(300).collect::<String>()
            ));
        }
        if before != after {
            wrong.push(format!("{what}: wrote {before:?} -> {after:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} went wrong:\n{}",
        wrong.len(),
        bodies.len(),
        wrong.join("\n")
    );
    println!(
        "malformed HTTP: {} refused requests checked, 0 appended",
        bodies.len()
    );

    // Health answers, and the server still works after all that.
    for path in ["/healthz", "/readyz"] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    let response = app.post_raw(Some(&fac), valid).await;
    assert_eq!(response.status(), 200);
    assert_ok(&response.json().await.unwrap());
    // At the limits: a body of exactly 1 MiB, and a batch of 10.
    let response = app.post_raw(Some(&fac), padded(LIMIT)).await;
    assert_eq!(response.status(), 200);
    assert_ok(&response.json().await.unwrap());
    let response = app.post_raw(Some(&fac), batch(10)).await;
    assert_eq!(response.status(), 200);
    let answers: Vec<Value> = response.json().await.unwrap();
    assert_eq!(answers.len(), 10);
    answers.iter().for_each(assert_ok);
    assert_eq!(app.stored_events(&wp).await, 2 + 1 + 1 + 10);
}
