//! Bad input for every mutation of `method.graphql`: each answers with the
//! contract's error code and appends nothing.
//!
//! As in `bad_input.rs`, every refusal starts from an input the server
//! accepts, with exactly one thing wrong with it (or, for the "which error"
//! cases, exactly the things named); the valid inputs are sent at the end
//! to prove it. Covered: the fifteen method mutations and the new input
//! fields of `proposeSolution` (capitals, recognition), `recordDecision`
//! (reviewOn, consequences), `defineIndicator` (kind, goalId) and
//! `planAction`/`reviseAction` (indicatorIds). Each refusal must carry the
//! contract's code as its first error, answer below HTTP 500 and leave
//! every stream, the werkplaats versions served, and the stream, member,
//! token and command tables exactly as they were.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

/// Who sends a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum As {
    Admin,
    Facilitator,
    /// A PARTNER of the werkplaats's first partner organisation.
    Partner,
    ClientVoice,
    Evaluator,
    /// An OBSERVER, also of the first partner organisation.
    Observer,
    /// A PARTNER invited without a partner organisation.
    LonePartner,
    /// A FACILITATOR removed already: their token no longer signs in.
    Removed,
}

const EVERYONE: [As; 6] = [
    As::Admin,
    As::Facilitator,
    As::Partner,
    As::ClientVoice,
    As::Evaluator,
    As::Observer,
];

const FACILITATOR: &[As] = &[As::Facilitator];
const CONTRIBUTORS: &[As] = &[As::Facilitator, As::Partner, As::ClientVoice];
const PLANNERS: &[As] = &[As::Facilitator, As::Partner];

/// One mutation: who may send it (the README's "The method"), what it
/// selects and the fields its input requires.
struct Mutation {
    name: &'static str,
    input: &'static str,
    select: &'static str,
    allowed: &'static [As],
    required: &'static [&'static str],
}

const JOURNEY: &str = "journey { id version steps { id version } } step { id version } version";
const ACTION: &str = "action { id version status indicators { id } } version";

/// The fifteen method mutations, then the core mutations that gained
/// input fields.
const MUTATIONS: [Mutation; 20] = [
    Mutation {
        name: "reviseProblem",
        input: "ReviseProblemInput",
        select: "problem { id version } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "problemId", "expectedVersion"],
    },
    Mutation {
        name: "reviseSolution",
        input: "ReviseSolutionInput",
        select: "solution { id version capitals recognition } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "solutionId", "expectedVersion"],
    },
    Mutation {
        name: "defineIndicatorFromTemplate",
        input: "DefineIndicatorFromTemplateInput",
        select: "indicator { id version template kind } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "templateKey", "baseline", "norm"],
    },
    Mutation {
        name: "reviseIndicator",
        input: "ReviseIndicatorInput",
        select: "indicator { id version } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "indicatorId", "expectedVersion"],
    },
    Mutation {
        name: "recordGoal",
        input: "RecordGoalInput",
        select: "goal { id version } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "statement"],
    },
    Mutation {
        name: "reviseGoal",
        input: "ReviseGoalInput",
        select: "goal { id version } version",
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "goalId", "expectedVersion"],
    },
    Mutation {
        name: "recordRisk",
        input: "RecordRiskInput",
        select: "risk { id version status } version",
        allowed: PLANNERS,
        required: &[
            "werkplaatsId",
            "title",
            "description",
            "likelihood",
            "impact",
        ],
    },
    Mutation {
        name: "reviseRisk",
        input: "ReviseRiskInput",
        select: "risk { id version status } version",
        allowed: PLANNERS,
        required: &["werkplaatsId", "riskId", "expectedVersion"],
    },
    Mutation {
        name: "reviewDecision",
        input: "ReviewDecisionInput",
        select: "decision { id retired reviewOn } version",
        allowed: PLANNERS,
        required: &["werkplaatsId", "decisionId", "outcome", "note"],
    },
    Mutation {
        name: "logActionProgress",
        input: "LogActionProgressInput",
        select: ACTION,
        allowed: PLANNERS,
        required: &["werkplaatsId", "actionId", "text", "occurredOn"],
    },
    Mutation {
        name: "startClientJourney",
        input: "StartClientJourneyInput",
        select: JOURNEY,
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "title", "situation"],
    },
    Mutation {
        name: "addJourneyStep",
        input: "AddJourneyStepInput",
        select: JOURNEY,
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "journeyId", "title", "description"],
    },
    Mutation {
        name: "assessJourneyStep",
        input: "AssessJourneyStepInput",
        select: JOURNEY,
        allowed: CONTRIBUTORS,
        required: &["werkplaatsId", "journeyId", "stepId", "expectedVersion"],
    },
    Mutation {
        name: "addChecklistItem",
        input: "AddChecklistItemInput",
        select: "item { id } version",
        allowed: FACILITATOR,
        required: &["werkplaatsId", "competence", "statement"],
    },
    Mutation {
        name: "answerChecklistItem",
        input: "AnswerChecklistItemInput",
        select: "item { id answers { answer } } version",
        allowed: PLANNERS,
        required: &["werkplaatsId", "itemId", "partnerId", "answer"],
    },
    // The core mutations with new input fields.
    Mutation {
        name: "proposeSolution",
        input: "ProposeSolutionInput",
        select: "solution { id version capitals recognition } version",
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
        select: "decision { id reviewOn consequences } version",
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
        name: "defineIndicator",
        input: "DefineIndicatorInput",
        select: "indicator { id version kind goal { id } } version",
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
];

impl Mutation {
    fn query(&self) -> String {
        format!(
            "mutation($input: {}!) {{ {}(input: $input) {{ {} }} }}",
            self.input, self.name, self.select
        )
    }
}

fn mutation(name: &str) -> &'static Mutation {
    MUTATIONS
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no mutation {name}"))
}

/// Text fields with their limits in characters: (mutation, field, min, max).
/// Names take 1 to 200, required texts 1 to 10,000, notes 0 to 10,000.
const TEXT_FIELDS: &[(&str, &str, usize, usize)] = &[
    ("reviseProblem", "title", 1, 200),
    ("reviseProblem", "description", 1, 10_000),
    ("reviseSolution", "title", 1, 200),
    ("reviseSolution", "description", 1, 10_000),
    ("reviseIndicator", "name", 1, 200),
    ("reviseIndicator", "unit", 1, 200),
    ("recordGoal", "statement", 1, 10_000),
    ("reviseGoal", "statement", 1, 10_000),
    ("recordRisk", "title", 1, 200),
    ("recordRisk", "description", 1, 10_000),
    ("recordRisk", "mitigation", 0, 10_000),
    ("reviseRisk", "title", 1, 200),
    ("reviseRisk", "description", 1, 10_000),
    ("reviseRisk", "mitigation", 0, 10_000),
    // "a required note": over-long is refused; whether empty is, the
    // contract leaves to the core's 0 to 10,000 for notes.
    ("reviewDecision", "note", 0, 10_000),
    ("logActionProgress", "text", 1, 10_000),
    ("startClientJourney", "title", 1, 200),
    ("startClientJourney", "situation", 1, 10_000),
    ("addJourneyStep", "title", 1, 200),
    ("addJourneyStep", "description", 1, 10_000),
    ("assessJourneyStep", "bottleneck", 0, 10_000),
    ("addChecklistItem", "statement", 1, 10_000),
    ("answerChecklistItem", "note", 0, 10_000),
    ("recordDecision", "consequences", 0, 10_000),
];

/// An item and its `version`.
#[derive(Clone, Debug)]
struct Item {
    id: String,
    version: i64,
}

/// A werkplaats with one of every method item, in each state a mutation
/// acts on, and a token for every role.
struct Werkplaats {
    id: String,
    tokens: HashMap<As, String>,
    partners: Vec<String>,
    problems: Vec<String>,
    /// The first problem, with its version.
    problem: Item,
    solution: Item,
    /// All `INCREASE` from 10 to 40; the first is the one revised.
    indicators: Vec<String>,
    indicator: Item,
    /// `DECREASE` from 28 to 10.
    decreasing: Item,
    goal: Item,
    risk: Item,
    /// A risk revised to `CLOSED`.
    closed_risk: Item,
    /// Open, due for review.
    decision: String,
    superseded: String,
    retired: String,
    planned: Item,
    /// `PLANNED`, for `reviseAction`.
    revisable: Item,
    doing: Item,
    checking: Item,
    adopted: Item,
    /// Concluded with `ADAPT`, not started again.
    adapted: Item,
    journey: String,
    /// The one step of `journey`.
    step: Item,
    other_journey: String,
    /// The one step of `other_journey`.
    other_step: String,
    /// The nine standard items, then the werkplaats's own.
    checklist: Vec<String>,
    /// Each problem, solution, indicator, goal, risk, journey step and
    /// action as the werkplaats query shows it (its scalar fields), by id.
    shown: HashMap<String, Value>,
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

fn item(value: &Value) -> Item {
    Item {
        id: text(&value["id"]),
        version: value["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("a version in {value}")),
    }
}

/// Runs `mutation` (any mutation of the schema) with `input`; it must
/// succeed. Returns its payload.
async fn run(app: &TestApp, token: &str, name: &str, select: &str, input: Value) -> Value {
    let input_type = format!("{}{}Input", name[..1].to_uppercase(), &name[1..]);
    let query =
        format!("mutation($input: {input_type}!) {{ {name}(input: $input) {{ {select} }} }}");
    let response = app
        .graphql(Some(token), &query, json!({ "input": input }))
        .await;
    assert_ok(&response);
    response["data"][name].clone()
}

/// Runs one of [`MUTATIONS`]; it must succeed.
async fn accept(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    run(app, token, name, mutation(name).select, input).await
}

/// A werkplaats with `problems` problems and as many indicators, and one
/// of everything else.
async fn populate(app: &TestApp, problems: usize) -> Werkplaats {
    let (id, fac) = create_werkplaats(app, "MOVISIE_VIJF_STAPPEN").await;
    let wp = id.as_str();
    let mut partners = Vec::new();
    for (name, kind) in [
        ("Gemeente Deventer", "GEMEENTE"),
        ("Jeugdfonds Sport & Cultuur", "FONDS"),
    ] {
        let added = run(
            app,
            &fac,
            "addPartner",
            "partner { id }",
            json!({"werkplaatsId": wp, "name": name, "kind": kind}),
        )
        .await;
        partners.push(text(&added["partner"]["id"]));
    }
    let mut tokens = HashMap::from([
        (As::Admin, app.admin_token.clone()),
        (As::Facilitator, fac.clone()),
    ]);
    for (who, role, partner) in [
        (As::Partner, "PARTNER", Some(&partners[0])),
        (As::ClientVoice, "CLIENT_VOICE", None),
        (As::Evaluator, "EVALUATOR", None),
        (As::Observer, "OBSERVER", Some(&partners[0])),
        (As::LonePartner, "PARTNER", None),
        (As::Removed, "FACILITATOR", None),
    ] {
        let invited = run(
            app,
            &fac,
            "inviteMember",
            "member { id } token",
            json!({"werkplaatsId": wp, "name": format!("Lid {who:?}"), "role": role, "partnerId": partner}),
        )
        .await;
        tokens.insert(who, text(&invited["token"]));
        if who == As::Removed {
            run(
                app,
                &fac,
                "removeMember",
                "member { id }",
                json!({"werkplaatsId": wp, "memberId": invited["member"]["id"]}),
            )
            .await;
        }
    }
    let mut problem_items = Vec::new();
    for n in 1..=problems {
        let recorded = run(
            app,
            &fac,
            "recordProblem",
            "problem { id version }",
            json!({
                "werkplaatsId": wp,
                "title": format!("Knelpunt {n}"),
                "description": "Ouders vinden de regelingen niet.",
                "perspective": "CLIENT",
            }),
        )
        .await;
        problem_items.push(item(&recorded["problem"]));
    }
    let problem_ids: Vec<String> = problem_items.iter().map(|p| p.id.clone()).collect();
    let solution = item(
        &accept(
            app,
            &fac,
            "proposeSolution",
            json!({
                "werkplaatsId": wp,
                "title": "Aanvragen via school",
                "description": "De school dient de aanvraag in.",
                "basis": ["PRACTICE"],
                "addressesProblemIds": [problem_ids[0]],
            }),
        )
        .await["solution"],
    );
    let goal = item(
        &accept(
            app,
            &fac,
            "recordGoal",
            json!({"werkplaatsId": wp, "statement": "Meer kinderen doen mee.", "targetYear": 2028}),
        )
        .await["goal"],
    );
    let mut indicator_items = Vec::new();
    for n in 1..=problems {
        let defined = accept(
            app,
            &fac,
            "defineIndicator",
            json!({
                "werkplaatsId": wp,
                "name": format!("Bereik {n}"),
                "unit": "%",
                "baseline": 10,
                "norm": 40,
                "direction": "INCREASE",
            }),
        )
        .await;
        indicator_items.push(item(&defined["indicator"]));
    }
    let decreasing = item(
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
        .await["indicator"],
    );
    let risk_input = |title: &str| {
        json!({
            "werkplaatsId": wp,
            "title": title,
            "description": "De administratie komt bij leerkrachten terecht.",
            "likelihood": "MEDIUM",
            "impact": "HIGH",
            "mitigation": "Eén contactpersoon per school",
            "ownerPartnerId": partners[0],
        })
    };
    let risk = item(&accept(app, &fac, "recordRisk", risk_input("Drukte op school")).await["risk"]);
    let to_close = item(&accept(app, &fac, "recordRisk", risk_input("Te sluiten")).await["risk"]);
    let closed_risk = item(
        &accept(
            app,
            &fac,
            "reviseRisk",
            json!({"werkplaatsId": wp, "riskId": to_close.id, "expectedVersion": to_close.version, "status": "CLOSED"}),
        )
        .await["risk"],
    );
    let decide = |title: &str, supersedes: Option<&str>| {
        json!({
            "werkplaatsId": wp,
            "title": title,
            "context": "Ouders haken af bij de intermediair.",
            "optionsConsidered": ["Intermediair", "School"],
            "decision": "De school wordt aanvrager.",
            "rationale": "Kortste weg.",
            "basedOn": [problem_ids[0]],
            "supersedesDecisionId": supersedes,
            "reviewOn": "2027-03-01",
        })
    };
    let decision_id = |payload: Value| text(&payload["decision"]["id"]);
    let decision = decision_id(accept(app, &fac, "recordDecision", decide("Besluit", None)).await);
    let superseded =
        decision_id(accept(app, &fac, "recordDecision", decide("Oud besluit", None)).await);
    accept(
        app,
        &fac,
        "recordDecision",
        decide("Nieuw besluit", Some(&superseded)),
    )
    .await;
    let retired = decision_id(accept(app, &fac, "recordDecision", decide("Folders", None)).await);
    accept(
        app,
        &fac,
        "reviewDecision",
        json!({"werkplaatsId": wp, "decisionId": retired, "outcome": "RETIRE", "note": "Bereikte niemand."}),
    )
    .await;
    let mut actions = Vec::new();
    for (title, steps) in [
        ("Gepland", 0),
        ("Te herzien", 0),
        ("Bezig", 1),
        ("Te checken", 2),
        ("Aangenomen", 3),
        ("Aangepast", 4),
    ] {
        let planned = accept(
            app,
            &fac,
            "planAction",
            json!({
                "werkplaatsId": wp,
                "title": title,
                "goal": "Binnen twee weken toekenning.",
                "ownerPartnerId": partners[0],
            }),
        )
        .await;
        let action_id = text(&planned["action"]["id"]);
        let mut action = item(&planned["action"]);
        let on = |extra: Value| {
            let mut input = json!({"werkplaatsId": wp, "actionId": action_id});
            for (k, v) in extra.as_object().unwrap() {
                input[k] = v.clone();
            }
            input
        };
        let select = "action { id version status } version";
        if steps >= 1 {
            action = item(&run(app, &fac, "startAction", select, on(json!({}))).await["action"]);
        }
        if steps >= 2 {
            let findings = json!({"findings": "Snel, maar één school deed niet mee."});
            action = item(&run(app, &fac, "checkAction", select, on(findings)).await["action"]);
        }
        if steps >= 3 {
            let outcome = if steps == 3 { "ADOPT" } else { "ADAPT" };
            let adopt = json!({"outcome": outcome, "rationale": "Werkt."});
            action = item(&run(app, &fac, "concludeAction", select, on(adopt)).await["action"]);
        }
        actions.push(action);
    }
    let [planned, revisable, doing, checking, adopted, adapted]: [Item; 6] =
        actions.try_into().expect("six actions");
    let mut journeys = Vec::new();
    for title in ["Zwemles aanvragen", "Een fiets voor school"] {
        let started = accept(
            app,
            &fac,
            "startClientJourney",
            json!({"werkplaatsId": wp, "title": title, "situation": "Alleenstaande moeder, twee kinderen."}),
        )
        .await;
        let journey = text(&started["journey"]["id"]);
        let added = accept(
            app,
            &fac,
            "addJourneyStep",
            json!({
                "werkplaatsId": wp,
                "journeyId": journey,
                "title": "De juf merkt het",
                "description": "De kinderen gaan niet mee zwemmen.",
                "partnerId": partners[0],
                "days": 14,
            }),
        )
        .await;
        journeys.push((journey, item(&added["step"])));
    }
    let [(journey, step), (other_journey, other_step)]: [(String, Item); 2] =
        journeys.try_into().expect("two journeys");
    let own = accept(
        app,
        &fac,
        "addChecklistItem",
        json!({"werkplaatsId": wp, "competence": "SKILLS", "statement": "We praten over geld zonder schaamte."}),
    )
    .await;
    let listed = app
        .data(
            &fac,
            "query($id: ID!) { werkplaats(id: $id) { checklist { id standard } } }",
            json!({"id": wp}),
        )
        .await;
    let checklist: Vec<String> = listed["werkplaats"]["checklist"]
        .as_array()
        .expect("the checklist")
        .iter()
        .map(|i| text(&i["id"]))
        .collect();
    assert_eq!(checklist.len(), 10, "nine standard items and one own");
    assert_eq!(checklist[9], text(&own["item"]["id"]));
    let read = app.data(&fac, SHOWN, json!({"id": wp})).await;
    let w = &read["werkplaats"];
    let mut shown = HashMap::new();
    for list in [
        &w["problems"],
        &w["solutions"],
        &w["evaluation"]["indicators"],
        &w["goals"],
        &w["risks"],
        &w["plan"]["actions"],
    ]
    .into_iter()
    .chain(
        w["journeys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| &j["steps"]),
    ) {
        for item in list.as_array().expect("a list") {
            shown.insert(text(&item["id"]), item.clone());
        }
    }
    Werkplaats {
        id,
        tokens,
        partners,
        problem: problem_items[0].clone(),
        problems: problem_ids,
        solution,
        indicator: indicator_items[0].clone(),
        indicators: indicator_items.into_iter().map(|i| i.id).collect(),
        decreasing,
        goal,
        risk,
        closed_risk,
        decision,
        superseded,
        retired,
        planned,
        revisable,
        doing,
        checking,
        adopted,
        adapted,
        journey,
        step,
        other_journey,
        other_step: other_step.id,
        checklist,
        shown,
    }
}

/// The items a `CONFLICT` may show, as the werkplaats query shows them.
const SHOWN: &str = "query($id: ID!) { werkplaats(id: $id) {
  problems { id title description perspective version }
  solutions { id title description basis capitals recognition version }
  evaluation { indicators { id name unit baseline norm direction kind template version } }
  goals { id statement targetYear version }
  risks { id title description likelihood impact mitigation status version }
  journeys { steps { id title description days knowledge attitude skills clientCentred bottleneck version } }
  plan { actions { id title goal status cycle dueDate findings version } }
} }";

/// An input `name` accepts from its allowed callers in werkplaats `a`.
fn valid_input(a: &Werkplaats, name: &str) -> Value {
    let wp = a.id.as_str();
    match name {
        "reviseProblem" => json!({
            "werkplaatsId": wp,
            "problemId": a.problem.id,
            "expectedVersion": a.problem.version,
            "title": "Ouders vinden de regelingen niet",
            "description": "Schaamte en een omweg via intermediairs.",
            "perspective": "POLICY",
        }),
        "reviseSolution" => json!({
            "werkplaatsId": wp,
            "solutionId": a.solution.id,
            "expectedVersion": a.solution.version,
            "title": "Aanvragen rechtstreeks via school",
            "description": "Geen intermediair meer nodig.",
            "basis": ["PRACTICE", "SCIENCE"],
            "addressesProblemIds": [a.problems[1], a.problems[0]],
            "capitals": ["SOCIAL", "SOCIETAL"],
            "recognition": "WELL_FOUNDED",
        }),
        "defineIndicatorFromTemplate" => json!({
            "werkplaatsId": wp,
            "templateKey": "kinderen_sport_cultuur",
            "baseline": 38,
            "norm": 60,
            "goalId": a.goal.id,
        }),
        "reviseIndicator" => json!({
            "werkplaatsId": wp,
            "indicatorId": a.indicator.id,
            "expectedVersion": a.indicator.version,
            "name": "Bereik onder kinderen",
            "unit": "procent",
            "norm": 50,
            "kind": "PROCESS",
            "goalId": a.goal.id,
        }),
        "recordGoal" => json!({
            "werkplaatsId": wp,
            "statement": "In 2030 doet 60% van de kinderen mee aan sport of cultuur.",
            "targetYear": 2030,
        }),
        "reviseGoal" => json!({
            "werkplaatsId": wp,
            "goalId": a.goal.id,
            "expectedVersion": a.goal.version,
            "statement": "In 2029 doet 60% van de kinderen mee.",
            "targetYear": 2029,
        }),
        "recordRisk" => json!({
            "werkplaatsId": wp,
            "title": "Het fonds raakt leeg",
            "description": "Meer aanvragen dan budget.",
            "likelihood": "LOW",
            "impact": "HIGH",
            "mitigation": "Tweede fonds aanspreken",
            "ownerPartnerId": a.partners[1],
        }),
        "reviseRisk" => json!({
            "werkplaatsId": wp,
            "riskId": a.risk.id,
            "expectedVersion": a.risk.version,
            "title": "Scholen krijgen het te druk",
            "description": "Administratie bij leerkrachten.",
            "likelihood": "HIGH",
            "impact": "MEDIUM",
            "mitigation": "Contactpersoon per school",
            "ownerPartnerId": a.partners[1],
            "status": "MITIGATED",
        }),
        "reviewDecision" => json!({
            "werkplaatsId": wp,
            "decisionId": a.decision,
            "outcome": "KEEP",
            "note": "Werkt, nog even volgen.",
            "nextReviewOn": "2027-09-01",
        }),
        "logActionProgress" => json!({
            "werkplaatsId": wp,
            "actionId": a.doing.id,
            "text": "Drie scholen aangesloten.",
            "occurredOn": "2026-09-15",
        }),
        "startClientJourney" => json!({
            "werkplaatsId": wp,
            "title": "Een bijdrage voor muziekles",
            "situation": "Vader met drie kinderen, schulden.",
        }),
        "addJourneyStep" => json!({
            "werkplaatsId": wp,
            "journeyId": a.journey,
            "title": "Aanvraag bij het fonds",
            "description": "Via een intermediair die de moeder niet kent.",
            "partnerId": a.partners[1],
            "days": 42,
        }),
        "assessJourneyStep" => json!({
            "werkplaatsId": wp,
            "journeyId": a.journey,
            "stepId": a.step.id,
            "expectedVersion": a.step.version,
            "knowledge": "ADEQUATE",
            "attitude": "GOOD",
            "skills": "POOR",
            "clientCentred": "ADEQUATE",
            "bottleneck": "De juf kent de regelingen niet.",
        }),
        "addChecklistItem" => json!({
            "werkplaatsId": wp,
            "competence": "KNOWLEDGE",
            "statement": "We kennen de regelingen van elkaar.",
        }),
        "answerChecklistItem" => json!({
            "werkplaatsId": wp,
            "itemId": a.checklist[0],
            "partnerId": a.partners[1],
            "answer": "PARTLY",
            "note": "Cijfers zijn er, maar worden niet gedeeld",
        }),
        "proposeSolution" => json!({
            "werkplaatsId": wp,
            "title": "Folder bij de toeslagen",
            "description": "Informatie bij elke beschikking.",
            "basis": ["CASUISTRY"],
            "addressesProblemIds": [a.problems[0]],
            "capitals": ["PSYCHOLOGICAL", "SOCIAL"],
            "recognition": "WELL_DESCRIBED",
        }),
        "recordDecision" => json!({
            "werkplaatsId": wp,
            "title": "Scholen dienen aanvragen in",
            "context": "Ouders haken af.",
            "optionsConsidered": ["Intermediair houden", "School als aanvrager"],
            "decision": "De school wordt aanvrager.",
            "rationale": "Minste schaamte.",
            "basedOn": [a.problems[0], a.goal.id, a.risk.id, a.journey, a.checklist[0]],
            "reviewOn": "2027-03-01",
            "consequences": "Scholen hebben een contactpersoon nodig.",
        }),
        "defineIndicator" => json!({
            "werkplaatsId": wp,
            "name": "Aanvragen binnen twee weken toegekend",
            "unit": "%",
            "baseline": 20,
            "norm": 80,
            "direction": "INCREASE",
            "kind": "OUTPUT",
            "goalId": a.goal.id,
        }),
        "planAction" => json!({
            "werkplaatsId": wp,
            "title": "Pilot met drie scholen",
            "goal": "Binnen twee weken toekenning.",
            "ownerPartnerId": a.partners[1],
            "solutionId": a.solution.id,
            "indicatorIds": [a.indicators[1], a.indicators[0]],
        }),
        "reviseAction" => json!({
            "werkplaatsId": wp,
            "actionId": a.revisable.id,
            "expectedVersion": a.revisable.version,
            "indicatorIds": [a.indicators[0]],
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

/// `input` with only the fields named kept.
fn only(input: &Value, fields: &[&str]) -> Value {
    let mut kept = json!({});
    for field in fields {
        kept[*field] = input[*field].clone();
    }
    kept
}

/// The item a `CONFLICT` must show: its version, and the fields the
/// werkplaats query shows of it.
struct Current {
    version: i64,
    shown: Value,
}

/// One request the server must refuse with `code`.
struct Case {
    what: String,
    token: Option<String>,
    query: String,
    variables: Value,
    code: &'static str,
    conflict: Option<Current>,
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

    /// `mutation` with `input` from the mutation's first allowed caller.
    fn bad(
        &mut self,
        a: &Werkplaats,
        name: &str,
        what: impl std::fmt::Display,
        input: Value,
        code: &'static str,
    ) {
        let m = mutation(name);
        self.input(Some(a.token(m.allowed[0])), m, what, input, code);
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
            conflict: None,
        });
    }

    /// A stale `expectedVersion` on `name`: `CONFLICT` showing `current`.
    fn stale(
        &mut self,
        a: &Werkplaats,
        name: &str,
        what: impl std::fmt::Display,
        input: Value,
        current: &Item,
    ) {
        self.bad(a, name, what, input, "CONFLICT");
        let shown = a
            .shown
            .get(&current.id)
            .unwrap_or_else(|| panic!("{} is shown", current.id))
            .clone();
        assert_eq!(shown["version"], json!(current.version), "{shown}");
        self.0.last_mut().unwrap().conflict = Some(Current {
            version: current.version,
            shown,
        });
    }
}

/// Everything a refused request could have written.
#[derive(Debug, PartialEq, Eq)]
struct Written {
    /// Events stored per watched werkplaats.
    events: Vec<i64>,
    /// `version` of each watched werkplaats, as served.
    versions: Vec<Value>,
    /// Events, streams, member profiles, tokens and command ids overall.
    rows: (i64, i64, i64, i64, i64),
}

async fn written(app: &TestApp, watched: &[&str]) -> Written {
    let mut events = Vec::new();
    let mut versions = Vec::new();
    for wp in watched {
        events.push(app.stored_events(wp).await);
        let read = app
            .data(
                &app.admin_token,
                "query($id: ID!) { werkplaats(id: $id) { version } }",
                json!({"id": wp}),
            )
            .await;
        versions.push(read["werkplaats"]["version"].clone());
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
        events,
        versions,
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

/// Equal as JSON, numbers compared as numbers (`10` and `10.0` alike).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        _ => a == b,
    }
}

/// What is wrong with the `CONFLICT` answer, if anything: it must carry
/// the item's current version and the item as the werkplaats shows it.
fn conflict_mismatch(response: &Value, current: &Current) -> Option<String> {
    let extensions = &response["errors"][0]["extensions"];
    let mut wrong = Vec::new();
    if extensions["currentVersion"] != json!(current.version) {
        wrong.push(format!(
            "currentVersion {} instead of {}",
            extensions["currentVersion"], current.version
        ));
    }
    for (field, value) in current.shown.as_object().expect("an item") {
        let got = &extensions["current"][field];
        if !same(got, value) {
            wrong.push(format!("current.{field} {got} instead of {value}"));
        }
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

/// Sends every case; each must fail with its code as the first error,
/// below HTTP 500 (`TestApp::graphql` asserts that), with no data for the
/// mutation and without writing anything. Reports every wrong answer at
/// once; returns the number of cases.
async fn refuse_all(app: &TestApp, watched: &[&str], cases: &Cases) -> usize {
    let mut wrong = Vec::new();
    let mut before = written(app, watched).await;
    for case in &cases.0 {
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
        } else if let Some(mismatch) = case
            .conflict
            .as_ref()
            .and_then(|current| conflict_mismatch(&response, current))
        {
            wrong.push(format!("{}: {mismatch}", case.what));
        }
        let data = &response["data"];
        if data
            .as_object()
            .is_some_and(|d| d.values().any(|v| !v.is_null()))
        {
            wrong.push(format!("{}: answered data {}", case.what, shorten(data)));
        }
        if before != after {
            wrong.push(format!("{}: wrote {before:?} -> {after:?}", case.what));
        }
        before = after;
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

/// Over-long, empty and blank texts; over-long and repeating lists;
/// unknown, foreign and wrong-kind ids, referenced and acted on; values
/// out of range; revisions without a change; stale versions; states that
/// refuse; wrong GraphQL types and missing fields.
fn bad_value_cases(a: &Werkplaats, b: &Werkplaats) -> Cases {
    let mut cases = Cases::default();
    let valid = |name: &str| valid_input(a, name);
    let p0 = a.problems[0].as_str();

    for &(name, field, min, max) in TEXT_FIELDS {
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
            cases.bad(
                a,
                name,
                what,
                with(valid(name), field, json!(value)),
                "BAD_USER_INPUT",
            );
        }
    }

    // Lists of ids: too long (each id known and distinct), repeated,
    // unknown, of another werkplaats, of the wrong kind, no UUID.
    let fifty_one_problems = &a.problems[..51];
    let fifty_one_indicators = &a.indicators[..51];
    let id_lists: [(&str, &str, &[String], &str, &str); 3] = [
        (
            "reviseSolution",
            "addressesProblemIds",
            fifty_one_problems,
            &b.problems[0],
            &a.solution.id,
        ),
        (
            "planAction",
            "indicatorIds",
            fifty_one_indicators,
            &b.indicators[0],
            p0,
        ),
        (
            "reviseAction",
            "indicatorIds",
            fifty_one_indicators,
            &b.indicators[0],
            &a.goal.id,
        ),
    ];
    for (name, field, fifty_one, foreign, wrong_kind) in id_lists {
        let base = valid(name);
        let ok = base[field].as_array().expect("ids").clone();
        let plus = |extra: Value| {
            let mut ids = ok.clone();
            ids.push(extra);
            json!(ids)
        };
        for (what, ids) in [
            ("51 known ids", json!(fifty_one)),
            ("a repeated id", plus(ok[0].clone())),
            ("a repeated id, 2 items", json!([ok[0], ok[0]])),
            ("an unknown id", plus(json!(UNKNOWN))),
            ("an id of another werkplaats", plus(json!(foreign))),
            ("an id of another kind", plus(json!(wrong_kind))),
            ("an id that is no UUID", plus(json!("indicator-1"))),
            ("an empty id", plus(json!(""))),
        ] {
            cases.bad(
                a,
                name,
                format!("{field} with {what}"),
                with(base.clone(), field, ids),
                "BAD_USER_INPUT",
            );
        }
    }
    let bases: Vec<&str> = ["CASUISTRY", "SCIENCE", "PRACTICE"]
        .into_iter()
        .cycle()
        .take(51)
        .collect();
    let capitals: Vec<&str> = ["PSYCHOLOGICAL", "SOCIAL", "SOCIETAL"]
        .into_iter()
        .cycle()
        .take(51)
        .collect();
    cases.bad(
        a,
        "reviseSolution",
        "basis empty",
        with(valid("reviseSolution"), "basis", json!([])),
        "BAD_USER_INPUT",
    );
    cases.bad(
        a,
        "reviseSolution",
        "basis with 51 items",
        with(valid("reviseSolution"), "basis", json!(bases)),
        "BAD_USER_INPUT",
    );
    for name in ["proposeSolution", "reviseSolution"] {
        for (what, value) in [
            ("a repeated capital", json!(["SOCIAL", "SOCIAL"])),
            (
                "a capital repeated, not adjacent",
                json!(["SOCIETAL", "PSYCHOLOGICAL", "SOCIETAL"]),
            ),
            ("51 capitals", json!(capitals)),
        ] {
            cases.bad(
                a,
                name,
                format!("capitals with {what}"),
                with(valid(name), "capitals", value),
                "BAD_USER_INPUT",
            );
        }
    }

    // Ids referenced inside the input: unknown ones are BAD_USER_INPUT.
    for (name, field, foreign) in [
        ("defineIndicator", "goalId", &b.goal.id),
        ("defineIndicatorFromTemplate", "goalId", &b.goal.id),
        ("reviseIndicator", "goalId", &b.goal.id),
        ("recordRisk", "ownerPartnerId", &b.partners[0]),
        ("reviseRisk", "ownerPartnerId", &b.partners[0]),
        ("addJourneyStep", "partnerId", &b.partners[0]),
        ("answerChecklistItem", "partnerId", &b.partners[0]),
    ] {
        for (what, value) in [
            ("unknown", json!(UNKNOWN)),
            ("of another werkplaats", json!(foreign)),
            ("of a problem", json!(p0)),
            ("no UUID", json!("doel-1")),
            ("empty", json!("")),
        ] {
            cases.bad(
                a,
                name,
                format!("{field} {what}"),
                with(valid(name), field, value),
                "BAD_USER_INPUT",
            );
        }
    }
    cases.bad(
        a,
        "recordDecision",
        "basedOn with a goal of another werkplaats",
        with(valid("recordDecision"), "basedOn", json!([p0, b.goal.id])),
        "BAD_USER_INPUT",
    );
    cases.bad(
        a,
        "recordDecision",
        "basedOn with a risk of another werkplaats",
        with(valid("recordDecision"), "basedOn", json!([p0, b.risk.id])),
        "BAD_USER_INPUT",
    );
    cases.bad(
        a,
        "recordDecision",
        "basedOn with a checklist item of another werkplaats",
        with(valid("recordDecision"), "basedOn", json!([b.checklist[0]])),
        "BAD_USER_INPUT",
    );

    // The item acted on: unknown, of another werkplaats, of another kind,
    // no UUID at all.
    for (name, field, foreign, wrong_kind) in [
        ("reviseProblem", "problemId", &b.problem.id, &a.solution.id),
        (
            "reviseSolution",
            "solutionId",
            &b.solution.id,
            &a.problem.id,
        ),
        (
            "reviseIndicator",
            "indicatorId",
            &b.indicator.id,
            &a.goal.id,
        ),
        ("reviseGoal", "goalId", &b.goal.id, &a.indicator.id),
        ("reviseRisk", "riskId", &b.risk.id, &a.goal.id),
        ("reviewDecision", "decisionId", &b.decision, &a.problem.id),
        ("logActionProgress", "actionId", &b.doing.id, &a.problem.id),
        ("addJourneyStep", "journeyId", &b.journey, &a.step.id),
        ("assessJourneyStep", "journeyId", &b.journey, &a.problem.id),
        ("assessJourneyStep", "stepId", &b.step.id, &a.journey),
        (
            "answerChecklistItem",
            "itemId",
            &b.checklist[0],
            &a.problem.id,
        ),
    ] {
        for (what, value) in [
            ("unknown", json!(UNKNOWN)),
            ("of another werkplaats", json!(foreign)),
            ("of another kind", json!(wrong_kind)),
            ("no UUID", json!("item-1")),
        ] {
            cases.bad(
                a,
                name,
                format!("{field} {what}"),
                with(valid(name), field, value),
                "NOT_FOUND",
            );
        }
    }
    let assess = valid("assessJourneyStep");
    cases.bad(
        a,
        "assessJourneyStep",
        "a step of another journey",
        with(assess.clone(), "stepId", json!(a.other_step)),
        "NOT_FOUND",
    );
    cases.bad(
        a,
        "assessJourneyStep",
        "the step's journey named as another journey",
        with(assess, "journeyId", json!(a.other_journey)),
        "NOT_FOUND",
    );
    cases.bad(
        a,
        "answerChecklistItem",
        "a standard item of another werkplaats",
        with(
            valid("answerChecklistItem"),
            "itemId",
            json!(b.checklist[3]),
        ),
        "NOT_FOUND",
    );
    cases.bad(
        a,
        "answerChecklistItem",
        "an own item of another werkplaats",
        with(
            valid("answerChecklistItem"),
            "itemId",
            json!(b.checklist[9]),
        ),
        "NOT_FOUND",
    );

    // Values out of range.
    for name in ["recordGoal", "reviseGoal"] {
        for year in [1999, 2101, 0, -2028, 20_280] {
            cases.bad(
                a,
                name,
                format!("targetYear {year}"),
                with(valid(name), "targetYear", json!(year)),
                "BAD_USER_INPUT",
            );
        }
    }
    for days in [-1, 3651, -3650, 100_000] {
        cases.bad(
            a,
            "addJourneyStep",
            format!("days {days}"),
            with(valid("addJourneyStep"), "days", json!(days)),
            "BAD_USER_INPUT",
        );
    }
    for key in [
        "geluk",
        "",
        "   ",
        "KINDEREN_SPORT_CULTUUR",
        "kinderen sport cultuur",
        "kinderen_sport_cultuur_",
        "'; drop table events; --",
    ] {
        cases.bad(
            a,
            "defineIndicatorFromTemplate",
            format!("templateKey {key:?}"),
            with(
                valid("defineIndicatorFromTemplate"),
                "templateKey",
                json!(key),
            ),
            "BAD_USER_INPUT",
        );
    }
    cases.bad(
        a,
        "defineIndicatorFromTemplate",
        "templateKey over 200 characters",
        with(
            valid("defineIndicatorFromTemplate"),
            "templateKey",
            json!("k".repeat(201)),
        ),
        "BAD_USER_INPUT",
    );
    // The template's direction binds the norm.
    for (key, baseline, norm) in [
        ("kinderen_sport_cultuur", 38.0, 38.0),
        ("kinderen_sport_cultuur", 38.0, 30.0),
        ("vroegsignalering_tijdig_opgevolgd", 50.0, 49.5),
        ("doorlooptijd_tot_hulp", 28.0, 28.0),
        ("doorlooptijd_tot_hulp", 28.0, 40.0),
        ("huishoudens_bijstand", 900.0, 950.0),
    ] {
        let input = with(
            with(
                with(
                    valid("defineIndicatorFromTemplate"),
                    "templateKey",
                    json!(key),
                ),
                "baseline",
                json!(baseline),
            ),
            "norm",
            json!(norm),
        );
        cases.bad(
            a,
            "defineIndicatorFromTemplate",
            format!("{key} from {baseline} to norm {norm}"),
            input,
            "BAD_USER_INPUT",
        );
    }
    // A revised norm must still lie beyond the baseline.
    let revise_indicator = valid("reviseIndicator");
    for (indicator, norm) in [
        (&a.indicator, 10.0),
        (&a.indicator, 9.5),
        (&a.indicator, -40.0),
        (&a.decreasing, 28.0),
        (&a.decreasing, 28.5),
    ] {
        let input = with(
            with(
                with(revise_indicator.clone(), "indicatorId", json!(indicator.id)),
                "expectedVersion",
                json!(indicator.version),
            ),
            "norm",
            json!(norm),
        );
        cases.bad(
            a,
            "reviseIndicator",
            format!("norm {norm} not beyond the baseline"),
            input,
            "BAD_USER_INPUT",
        );
    }
    // A new norm on a DECREASE indicator given alone, as the only change.
    cases.bad(
        a,
        "reviseIndicator",
        "only a norm above a DECREASE baseline",
        json!({
            "werkplaatsId": a.id,
            "indicatorId": a.decreasing.id,
            "expectedVersion": a.decreasing.version,
            "norm": 30,
        }),
        "BAD_USER_INPUT",
    );
    let review = valid("reviewDecision");
    cases.bad(
        a,
        "reviewDecision",
        "RETIRE with a nextReviewOn",
        with(
            with(review.clone(), "outcome", json!("RETIRE")),
            "nextReviewOn",
            json!("2027-06-01"),
        ),
        "BAD_USER_INPUT",
    );

    // A revision must change something.
    let ids_only: [(&str, &[&str]); 6] = [
        (
            "reviseProblem",
            &["werkplaatsId", "problemId", "expectedVersion"],
        ),
        (
            "reviseSolution",
            &["werkplaatsId", "solutionId", "expectedVersion"],
        ),
        (
            "reviseIndicator",
            &["werkplaatsId", "indicatorId", "expectedVersion"],
        ),
        ("reviseGoal", &["werkplaatsId", "goalId", "expectedVersion"]),
        ("reviseRisk", &["werkplaatsId", "riskId", "expectedVersion"]),
        (
            "assessJourneyStep",
            &["werkplaatsId", "journeyId", "stepId", "expectedVersion"],
        ),
    ];
    for (name, fields) in ids_only {
        let nothing = only(&valid(name), fields);
        cases.bad(
            a,
            name,
            "no field to change",
            nothing.clone(),
            "BAD_USER_INPUT",
        );
        // ... which is checked before the item acted on is looked up.
        let acted_on = fields[1];
        cases.bad(
            a,
            name,
            "no field to change beats an unknown item",
            with(nothing, acted_on, json!(UNKNOWN)),
            "BAD_USER_INPUT",
        );
    }
    cases.bad(
        a,
        "reviseAction",
        "no field to change (no indicatorIds either)",
        without(valid("reviseAction"), "indicatorIds"),
        "BAD_USER_INPUT",
    );

    // Stale versions: CONFLICT, with the item as it is now.
    for (name, field, current) in [
        ("reviseProblem", "expectedVersion", &a.problem),
        ("reviseSolution", "expectedVersion", &a.solution),
        ("reviseIndicator", "expectedVersion", &a.indicator),
        ("reviseGoal", "expectedVersion", &a.goal),
        ("reviseRisk", "expectedVersion", &a.risk),
        ("assessJourneyStep", "expectedVersion", &a.step),
    ] {
        for stale in [current.version - 1, current.version + 1, 0] {
            cases.stale(
                a,
                name,
                format!("{field} {stale}, the item is at {}", current.version),
                with(valid(name), field, json!(stale)),
                current,
            );
        }
    }
    // The action's version, with indicatorIds as the only change.
    cases.stale(
        a,
        "reviseAction",
        "a stale version with new indicatorIds",
        with(
            valid("reviseAction"),
            "expectedVersion",
            json!(a.revisable.version - 1),
        ),
        &a.revisable,
    );
    // States that refuse.
    cases.bad(
        a,
        "reviseRisk",
        "a CLOSED risk reopened",
        json!({
            "werkplaatsId": a.id,
            "riskId": a.closed_risk.id,
            "expectedVersion": a.closed_risk.version,
            "status": "OPEN",
        }),
        "INVALID_STATE",
    );
    cases.bad(
        a,
        "reviseRisk",
        "a CLOSED risk retitled",
        json!({
            "werkplaatsId": a.id,
            "riskId": a.closed_risk.id,
            "expectedVersion": a.closed_risk.version,
            "title": "Toch weer open",
        }),
        "INVALID_STATE",
    );
    cases.bad(
        a,
        "reviseRisk",
        "a CLOSED risk closed again",
        json!({
            "werkplaatsId": a.id,
            "riskId": a.closed_risk.id,
            "expectedVersion": a.closed_risk.version,
            "status": "CLOSED",
        }),
        "INVALID_STATE",
    );
    for (which, decision) in [("superseded", &a.superseded), ("retired", &a.retired)] {
        for (outcome, next) in [
            ("KEEP", json!("2027-09-01")),
            ("REVISE", Value::Null),
            ("RETIRE", Value::Null),
        ] {
            cases.bad(
                a,
                "reviewDecision",
                format!("{outcome} on a {which} decision"),
                json!({
                    "werkplaatsId": a.id,
                    "decisionId": decision,
                    "outcome": outcome,
                    "note": "Nog eens bekeken.",
                    "nextReviewOn": next,
                }),
                "INVALID_STATE",
            );
        }
    }
    for (status, action) in [
        ("PLANNED", &a.planned),
        ("CHECKING", &a.checking),
        ("ADOPTED", &a.adopted),
        ("ADAPTED", &a.adapted),
    ] {
        cases.bad(
            a,
            "logActionProgress",
            format!("progress on a {status} action"),
            with(valid("logActionProgress"), "actionId", json!(action.id)),
            "INVALID_STATE",
        );
    }

    // Wrong GraphQL types in the variables.
    for (name, field, value) in [
        ("reviseProblem", "perspective", json!("BURGER")),
        ("reviseProblem", "expectedVersion", json!("3")),
        ("reviseSolution", "capitals", json!(["HUMAN"])),
        ("reviseSolution", "capitals", json!([null])),
        ("reviseSolution", "recognition", json!("PROVEN")),
        ("reviseSolution", "addressesProblemIds", json!([null])),
        ("proposeSolution", "capitals", json!(["social"])),
        ("proposeSolution", "recognition", json!(3)),
        ("defineIndicatorFromTemplate", "templateKey", json!(7)),
        ("defineIndicatorFromTemplate", "baseline", json!("veel")),
        ("defineIndicatorFromTemplate", "goalId", json!({"id": "x"})),
        ("reviseIndicator", "kind", json!("IMPACT")),
        ("reviseIndicator", "norm", json!("hoog")),
        ("defineIndicator", "kind", json!("process")),
        ("defineIndicator", "goalId", json!(42)),
        ("recordGoal", "targetYear", json!("2028")),
        ("recordGoal", "targetYear", json!(2028.5)),
        ("recordGoal", "targetYear", json!(4_294_967_296_i64)),
        ("reviseGoal", "expectedVersion", json!(1.5)),
        ("recordRisk", "likelihood", json!("EXTREME")),
        ("recordRisk", "impact", json!(["HIGH"])),
        ("reviseRisk", "status", json!("DONE")),
        ("reviseRisk", "status", json!("closed")),
        ("reviewDecision", "outcome", json!("DELETE")),
        ("reviewDecision", "nextReviewOn", json!("2027-02-30")),
        ("reviewDecision", "nextReviewOn", json!("volgend jaar")),
        ("recordDecision", "reviewOn", json!("2027-13-01")),
        ("recordDecision", "reviewOn", json!("2027-03-01T10:00:00Z")),
        ("recordDecision", "consequences", json!(["veel"])),
        ("logActionProgress", "occurredOn", json!("gisteren")),
        ("logActionProgress", "occurredOn", json!(20_260_915)),
        ("startClientJourney", "title", json!({"nl": "Reis"})),
        ("addJourneyStep", "days", json!(1.5)),
        ("addJourneyStep", "days", json!("14")),
        ("addJourneyStep", "days", json!(2_147_483_648_i64)),
        ("assessJourneyStep", "knowledge", json!("EXCELLENT")),
        ("assessJourneyStep", "clientCentred", json!(true)),
        ("addChecklistItem", "competence", json!("EMPATHY")),
        ("answerChecklistItem", "answer", json!("MAYBE")),
        ("answerChecklistItem", "answer", json!("yes")),
        ("reviseAction", "indicatorIds", json!([1, 2])),
    ] {
        cases.bad(
            a,
            name,
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
        for (what, variables) in [
            ("no input variable", json!({})),
            ("input null", json!({"input": null})),
            ("input a list", json!({"input": [valid(m.name)]})),
            (
                "an unknown input field",
                json!({"input": with(valid(m.name), "colour", json!("rood"))}),
            ),
        ] {
            cases.raw(
                token,
                format!("{}: {what}", m.name),
                m.query(),
                variables,
                "BAD_USER_INPUT",
            );
        }
    }
    cases
}

/// Callers who may not send the mutation or not to this werkplaats, and
/// which error wins when several apply.
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
            Some(a.token(As::Removed)),
            m,
            "a removed facilitator's token",
            valid.clone(),
            "UNAUTHENTICATED",
        );
        cases.input(
            Some(a.token(As::Admin)),
            m,
            "admin, unknown werkplaats",
            with(valid.clone(), "werkplaatsId", json!(UNKNOWN)),
            "NOT_FOUND",
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
        cases.input(
            Some(outsider),
            m,
            "as a facilitator of another werkplaats",
            valid.clone(),
            "NOT_FOUND",
        );
        let token = Some(a.token(m.allowed[0]));
        for (what, id) in [
            ("another werkplaats", b.id.as_str()),
            ("an unknown werkplaats", UNKNOWN),
            ("a werkplaatsId that is no UUID", "werkplaats-deventer"),
            ("a goal id as werkplaatsId", a.goal.id.as_str()),
        ] {
            cases.input(
                token,
                m,
                what,
                with(valid.clone(), "werkplaatsId", json!(id)),
                "NOT_FOUND",
            );
        }
        // A werkplaats the caller may not see beats the role.
        if let Some(&who) = EVERYONE
            .iter()
            .find(|who| !m.allowed.contains(who) && **who != As::Admin)
        {
            cases.input(
                Some(a.token(who)),
                m,
                format!("as {who:?}, to another werkplaats"),
                with(valid.clone(), "werkplaatsId", json!(b.id)),
                "NOT_FOUND",
            );
        }
    }

    // The role beats bad input: an OBSERVER (and every other caller who
    // may not write) sending bad values hears FORBIDDEN.
    let observer = Some(a.token(As::Observer));
    let evaluator = Some(a.token(As::Evaluator));
    let client_voice = Some(a.token(As::ClientVoice));
    let admin = Some(a.token(As::Admin));
    let v = |name: &str| valid_input(a, name);
    let role_beats: Vec<(Option<&str>, &str, &str, Value)> = vec![
        (
            observer,
            "reviseProblem",
            "a blank title",
            with(v("reviseProblem"), "title", json!(" ")),
        ),
        (
            observer,
            "reviseSolution",
            "a repeated capital",
            with(v("reviseSolution"), "capitals", json!(["SOCIAL", "SOCIAL"])),
        ),
        (
            observer,
            "recordGoal",
            "targetYear 1999",
            with(v("recordGoal"), "targetYear", json!(1999)),
        ),
        (
            observer,
            "reviseGoal",
            "a stale version",
            with(
                v("reviseGoal"),
                "expectedVersion",
                json!(a.goal.version - 1),
            ),
        ),
        (
            observer,
            "recordRisk",
            "an unknown owner",
            with(v("recordRisk"), "ownerPartnerId", json!(UNKNOWN)),
        ),
        (
            observer,
            "reviseRisk",
            "a closed risk",
            json!({"werkplaatsId": a.id, "riskId": a.closed_risk.id, "expectedVersion": a.closed_risk.version, "status": "OPEN"}),
        ),
        (
            observer,
            "reviewDecision",
            "RETIRE with nextReviewOn",
            with(
                with(v("reviewDecision"), "outcome", json!("RETIRE")),
                "nextReviewOn",
                json!("2027-01-01"),
            ),
        ),
        (
            observer,
            "logActionProgress",
            "a PLANNED action",
            with(v("logActionProgress"), "actionId", json!(a.planned.id)),
        ),
        (
            observer,
            "startClientJourney",
            "an empty situation",
            with(v("startClientJourney"), "situation", json!("")),
        ),
        (
            observer,
            "addJourneyStep",
            "days 3651",
            with(v("addJourneyStep"), "days", json!(3651)),
        ),
        (
            observer,
            "assessJourneyStep",
            "no field to change",
            json!({"werkplaatsId": a.id, "journeyId": a.journey, "stepId": a.step.id, "expectedVersion": a.step.version}),
        ),
        (
            observer,
            "addChecklistItem",
            "a blank statement",
            with(v("addChecklistItem"), "statement", json!("  ")),
        ),
        (
            observer,
            "answerChecklistItem",
            "an unknown partner",
            with(v("answerChecklistItem"), "partnerId", json!(UNKNOWN)),
        ),
        (
            observer,
            "defineIndicatorFromTemplate",
            "an unknown template",
            with(
                v("defineIndicatorFromTemplate"),
                "templateKey",
                json!("geluk"),
            ),
        ),
        (
            observer,
            "reviseIndicator",
            "a norm at the baseline",
            with(v("reviseIndicator"), "norm", json!(10)),
        ),
        (
            observer,
            "planAction",
            "a repeated indicator",
            with(
                v("planAction"),
                "indicatorIds",
                json!([a.indicators[0], a.indicators[0]]),
            ),
        ),
        (
            evaluator,
            "reviseProblem",
            "an unknown problem",
            with(v("reviseProblem"), "problemId", json!(UNKNOWN)),
        ),
        (
            evaluator,
            "reviewDecision",
            "an unknown decision",
            with(v("reviewDecision"), "decisionId", json!(UNKNOWN)),
        ),
        (
            evaluator,
            "answerChecklistItem",
            "an unknown item",
            with(v("answerChecklistItem"), "itemId", json!(UNKNOWN)),
        ),
        (
            evaluator,
            "recordDecision",
            "an over-long consequences",
            with(
                v("recordDecision"),
                "consequences",
                json!("x".repeat(10_001)),
            ),
        ),
        (
            client_voice,
            "recordRisk",
            "a blank title",
            with(v("recordRisk"), "title", json!("")),
        ),
        (
            client_voice,
            "logActionProgress",
            "an unknown action",
            with(v("logActionProgress"), "actionId", json!(UNKNOWN)),
        ),
        (
            client_voice,
            "reviseIndicator",
            "a stale version",
            with(v("reviseIndicator"), "expectedVersion", json!(0)),
        ),
        (
            client_voice,
            "answerChecklistItem",
            "a foreign item",
            with(v("answerChecklistItem"), "itemId", json!(b.checklist[0])),
        ),
        (
            admin,
            "recordGoal",
            "an empty statement",
            with(v("recordGoal"), "statement", json!("")),
        ),
        (
            admin,
            "addChecklistItem",
            "an over-long statement",
            with(
                v("addChecklistItem"),
                "statement",
                json!("x".repeat(10_001)),
            ),
        ),
        (
            admin,
            "reviseRisk",
            "an unknown risk",
            with(v("reviseRisk"), "riskId", json!(UNKNOWN)),
        ),
        (
            Some(a.token(As::Partner)),
            "addChecklistItem",
            "an empty statement",
            with(v("addChecklistItem"), "statement", json!("")),
        ),
        (
            Some(a.token(As::Partner)),
            "defineIndicatorFromTemplate",
            "an unknown goal",
            with(v("defineIndicatorFromTemplate"), "goalId", json!(UNKNOWN)),
        ),
    ];
    for (token, name, what, input) in role_beats {
        cases.input(
            token,
            mutation(name),
            format!("the role beats {what}"),
            input,
            "FORBIDDEN",
        );
    }
    // Who the caller is and which werkplaats come first of all.
    let blank_goal = with(v("recordGoal"), "statement", json!(" "));
    cases.input(
        None,
        mutation("recordGoal"),
        "no token beats an unknown werkplaats and a blank statement",
        with(blank_goal.clone(), "werkplaatsId", json!(UNKNOWN)),
        "UNAUTHENTICATED",
    );
    cases.input(
        Some(UNKNOWN_TOKEN),
        mutation("reviseRisk"),
        "an unknown token beats a closed risk",
        json!({"werkplaatsId": a.id, "riskId": a.closed_risk.id, "expectedVersion": a.closed_risk.version, "status": "OPEN"}),
        "UNAUTHENTICATED",
    );
    cases.input(
        Some(outsider),
        mutation("recordGoal"),
        "another werkplaats beats a blank statement",
        blank_goal.clone(),
        "NOT_FOUND",
    );
    cases.input(
        observer,
        mutation("recordGoal"),
        "another werkplaats beats the role and a blank statement",
        with(blank_goal, "werkplaatsId", json!(b.id)),
        "NOT_FOUND",
    );

    // Bad input beats the item acted on; the item beats a stale version;
    // a stale version beats the state.
    let wp = a.id.as_str();
    let fac = a.token(As::Facilitator);
    let partner = a.token(As::Partner);
    let ordered: Vec<(&str, &str, &str, Value, &'static str)> = vec![
        (
            fac,
            "reviseGoal",
            "targetYear 1999 beats an unknown goal",
            json!({"werkplaatsId": wp, "goalId": UNKNOWN, "expectedVersion": 1, "targetYear": 1999}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "reviseProblem",
            "a blank title beats an unknown problem",
            json!({"werkplaatsId": wp, "problemId": UNKNOWN, "expectedVersion": 1, "title": " "}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "reviseSolution",
            "an unknown problem referenced beats an unknown solution",
            json!({"werkplaatsId": wp, "solutionId": UNKNOWN, "expectedVersion": 1, "addressesProblemIds": [UNKNOWN]}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "reviseIndicator",
            "an unknown goal beats an unknown indicator",
            json!({"werkplaatsId": wp, "indicatorId": UNKNOWN, "expectedVersion": 1, "goalId": UNKNOWN}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "reviseRisk",
            "an unknown owner beats an unknown risk",
            json!({"werkplaatsId": wp, "riskId": UNKNOWN, "expectedVersion": 1, "ownerPartnerId": UNKNOWN}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "reviseRisk",
            "an unknown owner beats a closed risk",
            json!({"werkplaatsId": wp, "riskId": a.closed_risk.id, "expectedVersion": a.closed_risk.version, "ownerPartnerId": UNKNOWN}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "reviewDecision",
            "an over-long note beats an unknown decision",
            json!({"werkplaatsId": wp, "decisionId": UNKNOWN, "outcome": "KEEP", "note": "x".repeat(10_001)}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "reviewDecision",
            "RETIRE with nextReviewOn beats a retired decision",
            json!({"werkplaatsId": wp, "decisionId": a.retired, "outcome": "RETIRE", "note": "x", "nextReviewOn": "2027-01-01"}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "reviewDecision",
            "an unknown decision is NOT_FOUND",
            json!({"werkplaatsId": wp, "decisionId": UNKNOWN, "outcome": "KEEP", "note": "x"}),
            "NOT_FOUND",
        ),
        (
            partner,
            "logActionProgress",
            "a blank text beats an unknown action",
            json!({"werkplaatsId": wp, "actionId": UNKNOWN, "text": "  ", "occurredOn": "2026-09-15"}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "logActionProgress",
            "a blank text beats a PLANNED action",
            json!({"werkplaatsId": wp, "actionId": a.planned.id, "text": "", "occurredOn": "2026-09-15"}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "addJourneyStep",
            "days -1 beats an unknown journey",
            json!({"werkplaatsId": wp, "journeyId": UNKNOWN, "title": "x", "description": "x", "days": -1}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "addJourneyStep",
            "an unknown partner beats an unknown journey",
            json!({"werkplaatsId": wp, "journeyId": UNKNOWN, "title": "x", "description": "x", "partnerId": UNKNOWN}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "assessJourneyStep",
            "an over-long bottleneck beats an unknown step",
            json!({"werkplaatsId": wp, "journeyId": a.journey, "stepId": UNKNOWN, "expectedVersion": 1, "bottleneck": "x".repeat(10_001)}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "assessJourneyStep",
            "an unknown step beats a stale version",
            json!({"werkplaatsId": wp, "journeyId": a.journey, "stepId": UNKNOWN, "expectedVersion": 1, "skills": "GOOD"}),
            "NOT_FOUND",
        ),
        (
            fac,
            "reviseGoal",
            "an unknown goal beats a stale version",
            json!({"werkplaatsId": wp, "goalId": UNKNOWN, "expectedVersion": 1, "statement": "Doel"}),
            "NOT_FOUND",
        ),
        (
            fac,
            "reviseRisk",
            "a stale version beats a closed risk",
            json!({"werkplaatsId": wp, "riskId": a.closed_risk.id, "expectedVersion": a.closed_risk.version - 1, "status": "OPEN"}),
            "CONFLICT",
        ),
        (
            fac,
            "answerChecklistItem",
            "an unknown partner beats an unknown item",
            json!({"werkplaatsId": wp, "itemId": UNKNOWN, "partnerId": UNKNOWN, "answer": "YES"}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "answerChecklistItem",
            "an over-long note beats an unknown item",
            json!({"werkplaatsId": wp, "itemId": UNKNOWN, "partnerId": a.partners[0], "answer": "YES", "note": "x".repeat(10_001)}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "defineIndicatorFromTemplate",
            "an unknown template with an unknown goal",
            json!({"werkplaatsId": wp, "templateKey": "geluk", "baseline": 1, "norm": 2, "goalId": UNKNOWN}),
            "BAD_USER_INPUT",
        ),
        // A PARTNER answers only for their own partner organisation,
        // checked after the partner and the item.
        (
            partner,
            "answerChecklistItem",
            "a PARTNER for another partner",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": a.partners[1], "answer": "YES"}),
            "FORBIDDEN",
        ),
        (
            partner,
            "answerChecklistItem",
            "a PARTNER for another partner, on an own item",
            json!({"werkplaatsId": wp, "itemId": a.checklist[9], "partnerId": a.partners[1], "answer": "NO"}),
            "FORBIDDEN",
        ),
        (
            a.token(As::LonePartner),
            "answerChecklistItem",
            "a PARTNER without a partner organisation",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": a.partners[0], "answer": "YES"}),
            "FORBIDDEN",
        ),
        (
            partner,
            "answerChecklistItem",
            "an unknown partner beats answering for another",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": UNKNOWN, "answer": "YES"}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "answerChecklistItem",
            "a foreign partner beats answering for another",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": b.partners[0], "answer": "YES"}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "answerChecklistItem",
            "an over-long note beats answering for another",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": a.partners[1], "answer": "YES", "note": "x".repeat(10_001)}),
            "BAD_USER_INPUT",
        ),
        (
            partner,
            "answerChecklistItem",
            "an unknown item beats answering for another",
            json!({"werkplaatsId": wp, "itemId": UNKNOWN, "partnerId": a.partners[1], "answer": "YES"}),
            "NOT_FOUND",
        ),
        (
            partner,
            "answerChecklistItem",
            "a foreign item beats answering for another",
            json!({"werkplaatsId": wp, "itemId": b.checklist[0], "partnerId": a.partners[1], "answer": "YES"}),
            "NOT_FOUND",
        ),
        (
            a.token(As::LonePartner),
            "answerChecklistItem",
            "an unknown item beats having no partner",
            json!({"werkplaatsId": wp, "itemId": UNKNOWN, "partnerId": a.partners[0], "answer": "YES"}),
            "NOT_FOUND",
        ),
        // The OBSERVER works for the first partner, but may not write.
        (
            a.token(As::Observer),
            "answerChecklistItem",
            "an OBSERVER for their own partner",
            json!({"werkplaatsId": wp, "itemId": a.checklist[0], "partnerId": a.partners[0], "answer": "YES"}),
            "FORBIDDEN",
        ),
        // New indicators for a final action: the state refuses, after
        // the references.
        (
            fac,
            "reviseAction",
            "new indicators for an ADOPTED action",
            json!({"werkplaatsId": wp, "actionId": a.adopted.id, "expectedVersion": a.adopted.version, "indicatorIds": [a.indicators[0]]}),
            "INVALID_STATE",
        ),
        (
            fac,
            "reviseAction",
            "an unknown indicator beats an ADOPTED action",
            json!({"werkplaatsId": wp, "actionId": a.adopted.id, "expectedVersion": a.adopted.version, "indicatorIds": [UNKNOWN]}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "reviseAction",
            "a repeated indicator beats an unknown action",
            json!({"werkplaatsId": wp, "actionId": UNKNOWN, "expectedVersion": 1, "indicatorIds": [a.indicators[0], a.indicators[0]]}),
            "BAD_USER_INPUT",
        ),
        (
            fac,
            "reviseAction",
            "a stale version beats an ADOPTED action",
            json!({"werkplaatsId": wp, "actionId": a.adopted.id, "expectedVersion": a.adopted.version - 1, "indicatorIds": [a.indicators[0]]}),
            "CONFLICT",
        ),
    ];
    for (token, name, what, input, code) in ordered {
        cases.input(Some(token), mutation(name), what, input, code);
    }
    cases
}

#[tokio::test]
async fn bad_values_on_every_method_mutation_are_refused_and_append_nothing() {
    let app = spawn_app_unthrottled().await;
    let a = populate(&app, 51).await;
    let b = populate(&app, 2).await;
    let cases = bad_value_cases(&a, &b);
    let n = refuse_all(&app, &[&a.id, &b.id], &cases).await;
    println!("method bad input: {n} refused requests checked, 0 appended");

    // At the limits the same inputs are accepted: the refusals above were
    // about the limits. Names of 200 and texts of 10,000 characters, after
    // trimming; a target year of 2000 and 2100; 0 and 3,650 days; lists of
    // 50 ids; all three capitals.
    let fac = a.token(As::Facilitator);
    let name = "ë".repeat(200);
    let long = "x".repeat(10_000);
    let goal = accept(
        &app,
        fac,
        "recordGoal",
        json!({"werkplaatsId": a.id, "statement": format!(" {long}\n"), "targetYear": 2000}),
    )
    .await;
    let goal = item(&goal["goal"]);
    let step = accept(
        &app,
        fac,
        "addJourneyStep",
        with(
            valid_input(&a, "addJourneyStep"),
            "title",
            json!(format!("\t{name} ")),
        ),
    )
    .await;
    let risk = accept(
        &app,
        fac,
        "recordRisk",
        with(valid_input(&a, "recordRisk"), "mitigation", json!("   ")),
    )
    .await;
    // What is stored is the trimmed value; a blank mitigation is none.
    let read = app
        .data(
            fac,
            "query($id: ID!) { werkplaats(id: $id) { goals { id statement } risks { id mitigation } journeys { steps { id title } } } }",
            json!({"id": a.id}),
        )
        .await;
    let w = &read["werkplaats"];
    let find = |list: &Value, id: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == *id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} listed in {list}"))
    };
    assert_eq!(find(&w["goals"], &json!(goal.id))["statement"], json!(long));
    assert_eq!(
        find(&w["risks"], &risk["risk"]["id"])["mitigation"],
        Value::Null
    );
    let steps = json!(w["journeys"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|j| j["steps"].as_array().unwrap().clone())
        .collect::<Vec<_>>());
    assert_eq!(find(&steps, &step["step"]["id"])["title"], json!(name));
    accept(
        &app,
        fac,
        "reviseGoal",
        json!({"werkplaatsId": a.id, "goalId": goal.id, "expectedVersion": goal.version, "targetYear": 2100}),
    )
    .await;
    for days in [0, 3650] {
        accept(
            &app,
            fac,
            "addJourneyStep",
            with(
                with(valid_input(&a, "addJourneyStep"), "days", json!(days)),
                "title",
                json!(format!("  {name}  ")),
            ),
        )
        .await;
    }
    accept(
        &app,
        fac,
        "recordRisk",
        with(
            with(valid_input(&a, "recordRisk"), "title", json!(name)),
            "mitigation",
            json!(long),
        ),
    )
    .await;
    accept(
        &app,
        fac,
        "planAction",
        with(
            valid_input(&a, "planAction"),
            "indicatorIds",
            json!(&a.indicators[..50]),
        ),
    )
    .await;
    accept(
        &app,
        fac,
        "proposeSolution",
        with(
            with(
                valid_input(&a, "proposeSolution"),
                "addressesProblemIds",
                json!(&a.problems[..50]),
            ),
            "capitals",
            json!(["SOCIETAL", "PSYCHOLOGICAL", "SOCIAL"]),
        ),
    )
    .await;
    accept(
        &app,
        fac,
        "recordDecision",
        with(
            valid_input(&a, "recordDecision"),
            "consequences",
            json!(long),
        ),
    )
    .await;
}

#[tokio::test]
async fn wrong_callers_on_every_method_mutation_are_refused_and_append_nothing() {
    let app = spawn_app_unthrottled().await;
    let a = populate(&app, 2).await;
    let b = populate(&app, 2).await;
    let cases = wrong_caller_cases(&a, &b);
    let n = refuse_all(&app, &[&a.id, &b.id], &cases).await;
    println!("method wrong callers: {n} refused requests checked, 0 appended");

    // Every input refused above is accepted from its allowed caller, with
    // exactly one event, and the other werkplaats left alone.
    for m in &MUTATIONS {
        let before = written(&app, &[&a.id, &b.id]).await;
        let payload = accept(&app, a.token(m.allowed[0]), m.name, valid_input(&a, m.name)).await;
        let after = written(&app, &[&a.id, &b.id]).await;
        assert_eq!(
            after.events[0],
            before.events[0] + 1,
            "{} appends one",
            m.name
        );
        assert_eq!(
            payload["version"],
            json!(after.events[0]),
            "{} answers the new version",
            m.name
        );
        assert_eq!(
            after.events[1], before.events[1],
            "{} leaves the other werkplaats alone",
            m.name
        );
    }
    // A PARTNER answers for their own partner organisation.
    accept(
        &app,
        a.token(As::Partner),
        "answerChecklistItem",
        with(
            valid_input(&a, "answerChecklistItem"),
            "partnerId",
            json!(a.partners[0]),
        ),
    )
    .await;
}
