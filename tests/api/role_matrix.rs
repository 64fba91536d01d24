//! The full role matrix: every mutation the server serves × every kind of
//! caller, each allowed or refused exactly as the contract says, with the
//! contract's error code, and a refused request appends nothing.
//!
//! Every cell sends an input prepared so that an allowed caller succeeds
//! (a fresh action, a fresh target member, the current phase), so a refusal
//! is about the caller and nothing else.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::kit::app::*;
use crate::kit::seed::{create_werkplaats, Invited};

/// Who sends a request: the admin, a member of werkplaats A in each role,
/// no token at all, a member of A removed already (their token revoked),
/// and the facilitator of werkplaats B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Caller {
    Admin,
    Facilitator,
    Partner,
    ClientVoice,
    Evaluator,
    Observer,
    Anonymous,
    Removed,
    Outsider,
}

use Caller::*;

const CALLERS: [Caller; 9] = [
    Admin,
    Facilitator,
    Partner,
    ClientVoice,
    Evaluator,
    Observer,
    Anonymous,
    Removed,
    Outsider,
];

impl Caller {
    fn column(self) -> &'static str {
        match self {
            Admin => "admin",
            Facilitator => "FACILITATOR",
            Partner => "PARTNER",
            ClientVoice => "CLIENT_VOICE",
            Evaluator => "EVALUATOR",
            Observer => "OBSERVER",
            Anonymous => "anonymous",
            Removed => "removed",
            Outsider => "other wp",
        }
    }

    fn index(self) -> usize {
        CALLERS.iter().position(|c| *c == self).unwrap()
    }
}

/// One mutation: its input type (`None`: it takes no input), what to
/// select, and who may send it.
struct Row {
    name: &'static str,
    input: Option<&'static str>,
    select: &'static str,
    allowed: &'static [Caller],
}

const FACILITATOR: &[Caller] = &[Facilitator];
const CONTRIBUTORS: &[Caller] = &[Facilitator, Partner, ClientVoice];
const PLANNERS: &[Caller] = &[Facilitator, Partner];
const ACTION: &str = "action { id status } version";
const JOURNEY: &str = "journey { id } step { id } version";

/// Who may send what. Core: the README's Roles table, row by row. Then
/// `audit.graphql` (recordCheckpoint), `live.graphql` (setPresence: any
/// member, never the admin, who is no member) and `trust.graphql` plus our
/// `linkIdentity`. `rotateToken` acts on the caller's own token, so a
/// member of another werkplaats may send it too.
const MATRIX: [Row; 39] = [
    // | `createWerkplaats` | admin |
    Row {
        name: "createWerkplaats",
        input: Some("CreateWerkplaatsInput"),
        select: "werkplaats { id version } facilitatorToken",
        allowed: &[Admin],
    },
    // | `addPartner`, `inviteMember`, `advancePhase`, `defineIndicator` | FACILITATOR |
    Row {
        name: "addPartner",
        input: Some("AddPartnerInput"),
        select: "partner { id } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "inviteMember",
        input: Some("InviteMemberInput"),
        select: "member { id } token version",
        allowed: FACILITATOR,
    },
    Row {
        name: "advancePhase",
        input: Some("AdvancePhaseInput"),
        select: "phase { number } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "defineIndicator",
        input: Some("DefineIndicatorInput"),
        select: "indicator { id } version",
        allowed: FACILITATOR,
    },
    // | `recordProblem`, `proposeSolution`, `recordReflection` | FACILITATOR, PARTNER, CLIENT_VOICE |
    Row {
        name: "recordProblem",
        input: Some("RecordProblemInput"),
        select: "problem { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "proposeSolution",
        input: Some("ProposeSolutionInput"),
        select: "solution { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "recordReflection",
        input: Some("RecordReflectionInput"),
        select: "reflection { id } version",
        allowed: CONTRIBUTORS,
    },
    // | `recordDecision`, `planAction`, `reviseAction`, `startAction`,
    //   `checkAction`, `concludeAction`, `recordMeasurement` | FACILITATOR, PARTNER |
    Row {
        name: "recordDecision",
        input: Some("RecordDecisionInput"),
        select: "decision { id } version",
        allowed: PLANNERS,
    },
    Row {
        name: "planAction",
        input: Some("PlanActionInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "reviseAction",
        input: Some("ReviseActionInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "startAction",
        input: Some("StartActionInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "checkAction",
        input: Some("CheckActionInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "concludeAction",
        input: Some("ConcludeActionInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "recordMeasurement",
        input: Some("RecordMeasurementInput"),
        select: "indicator { id } version",
        allowed: PLANNERS,
    },
    // audit.graphql: "EVALUATOR and FACILITATOR".
    Row {
        name: "recordCheckpoint",
        input: Some("RecordCheckpointInput"),
        select: "checkpoint { version } version",
        allowed: &[Facilitator, Evaluator],
    },
    // live.graphql: any member.
    Row {
        name: "setPresence",
        input: Some("SetPresenceInput"),
        select: "presence { member { id } editing }",
        allowed: &[Facilitator, Partner, ClientVoice, Evaluator, Observer],
    },
    // trust.graphql: "FACILITATOR".
    Row {
        name: "removeMember",
        input: Some("RemoveMemberInput"),
        select: "member { id active } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "changeRole",
        input: Some("ChangeRoleInput"),
        select: "member { id role } version",
        allowed: FACILITATOR,
    },
    // trust.graphql: "FACILITATOR or admin".
    Row {
        name: "forgetMember",
        input: Some("ForgetMemberInput"),
        select: "member { id forgotten } version",
        allowed: &[Facilitator, Admin],
    },
    // Ours, beside trust.graphql: "FACILITATOR or admin".
    Row {
        name: "linkIdentity",
        input: Some("LinkIdentityInput"),
        select: "member { id } version",
        allowed: &[Facilitator, Admin],
    },
    // method.graphql, README "The method": the roles each item names.
    Row {
        name: "reviseProblem",
        input: Some("ReviseProblemInput"),
        select: "problem { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "reviseSolution",
        input: Some("ReviseSolutionInput"),
        select: "solution { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "defineIndicatorFromTemplate",
        input: Some("DefineIndicatorFromTemplateInput"),
        select: "indicator { id } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "reviseIndicator",
        input: Some("ReviseIndicatorInput"),
        select: "indicator { id } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "recordGoal",
        input: Some("RecordGoalInput"),
        select: "goal { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "reviseGoal",
        input: Some("ReviseGoalInput"),
        select: "goal { id } version",
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "recordRisk",
        input: Some("RecordRiskInput"),
        select: "risk { id } version",
        allowed: PLANNERS,
    },
    Row {
        name: "reviseRisk",
        input: Some("ReviseRiskInput"),
        select: "risk { id } version",
        allowed: PLANNERS,
    },
    Row {
        name: "reviewDecision",
        input: Some("ReviewDecisionInput"),
        select: "decision { id } version",
        allowed: PLANNERS,
    },
    Row {
        name: "logActionProgress",
        input: Some("LogActionProgressInput"),
        select: ACTION,
        allowed: PLANNERS,
    },
    Row {
        name: "startClientJourney",
        input: Some("StartClientJourneyInput"),
        select: JOURNEY,
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "addJourneyStep",
        input: Some("AddJourneyStepInput"),
        select: JOURNEY,
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "assessJourneyStep",
        input: Some("AssessJourneyStepInput"),
        select: JOURNEY,
        allowed: CONTRIBUTORS,
    },
    Row {
        name: "addChecklistItem",
        input: Some("AddChecklistItemInput"),
        select: "item { id } version",
        allowed: FACILITATOR,
    },
    Row {
        name: "answerChecklistItem",
        input: Some("AnswerChecklistItemInput"),
        select: "item { id } version",
        allowed: PLANNERS,
    },
    // access.graphql: "The admin, or a FACILITATOR of the werkplaats".
    Row {
        name: "reissueInvitation",
        input: Some("ReissueInvitationInput"),
        select: "member { id } token version",
        allowed: &[Facilitator, Admin],
    },
    // library.graphql: "FACILITATOR".
    Row {
        name: "shareLessons",
        input: Some("ShareLessonsInput"),
        select: "sharesLessons version",
        allowed: FACILITATOR,
    },
    // trust.graphql: "any member" (the caller's own token).
    Row {
        name: "rotateToken",
        input: None,
        select: "token",
        allowed: &[
            Facilitator,
            Partner,
            ClientVoice,
            Evaluator,
            Observer,
            Outsider,
        ],
    },
];

impl Row {
    fn query(&self) -> String {
        match self.input {
            Some(input) => format!(
                "mutation($input: {input}!) {{ {}(input: $input) {{ {} }} }}",
                self.name, self.select
            ),
            None => format!("mutation {{ {} {{ {} }} }}", self.name, self.select),
        }
    }

    /// Whether the mutation acts on a werkplaats named in its input.
    fn has_werkplaats(&self) -> bool {
        !matches!(self.name, "createWerkplaats" | "rotateToken")
    }

    /// Events an accepted request appends to werkplaats A.
    fn appends(&self) -> i64 {
        match self.name {
            "createWerkplaats" | "setPresence" | "rotateToken" => 0,
            _ => 1,
        }
    }

    /// `None` when `caller` may send it, else the code it is refused with:
    /// the first that applies in the README's order ("Which error"):
    /// `UNAUTHENTICATED` (no token, or a revoked one), `NOT_FOUND` (a
    /// werkplaats the caller may not see), `FORBIDDEN` (the role).
    fn expected(&self, caller: Caller) -> Option<&'static str> {
        if self.allowed.contains(&caller) {
            return None;
        }
        Some(match caller {
            Anonymous | Removed => "UNAUTHENTICATED",
            Outsider if self.has_werkplaats() => "NOT_FOUND",
            _ => "FORBIDDEN",
        })
    }
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string, got {value}"))
        .to_owned()
}

/// Runs a mutation of the matrix that must succeed and returns its payload.
async fn accept(app: &TestApp, token: &str, name: &str, input: Value) -> Value {
    let row = MATRIX.iter().find(|r| r.name == name).unwrap();
    let response = app
        .graphql(Some(token), &row.query(), json!({ "input": input }))
        .await;
    assert_ok(&response);
    response["data"][name].clone()
}

/// One item per caller column, so no cell depends on another.
type PerCell<T> = Vec<T>;

/// Werkplaats A with what every cell acts on, and werkplaats B.
struct Fixture {
    a: String,
    b: String,
    tokens: HashMap<Caller, Option<String>>,
    partner: String,
    problem: String,
    decision: String,
    indicator: String,
    /// `(id, version)` of a `PLANNED` action, for `reviseAction`.
    revisable: PerCell<(String, i64)>,
    /// `PLANNED`, for `startAction`.
    planned: PerCell<String>,
    /// `DOING`, for `checkAction`.
    doing: PerCell<String>,
    /// `CHECKING`, for `concludeAction`.
    checking: PerCell<String>,
    /// Active PARTNER members, one set per trust mutation that acts on one.
    to_remove: PerCell<String>,
    to_change: PerCell<String>,
    to_forget: PerCell<String>,
    to_link: PerCell<String>,
    /// `(id, version)` of items revised once per cell.
    problems: PerCell<(String, i64)>,
    solutions: PerCell<(String, i64)>,
    indicators: PerCell<(String, i64)>,
    goals: PerCell<(String, i64)>,
    risks: PerCell<(String, i64)>,
    /// `(journey, step, version)` of a step assessed once per cell.
    steps: PerCell<(String, String, i64)>,
    /// A journey steps are added to, an action in `DOING` progress is
    /// logged on, and a standard checklist item answered for `partner`:
    /// none of these changes what the next cell may do.
    journey: String,
    in_progress: String,
    checklist_item: String,
    /// A member whose link any cell may reissue: no caller's own.
    to_reissue: String,
}

async fn prepare(app: &TestApp) -> Fixture {
    // NJI_ZEVEN_STAPPEN cycles, so advancing never runs out of phases.
    let world = app.seed_world("NJI_ZEVEN_STAPPEN").await;
    let (a, fac) = (world.werkplaats.clone(), world.facilitator.clone());
    let (b, outsider) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    let wp = a.as_str();
    let mut tokens = HashMap::from([
        (Admin, Some(app.admin_token.clone())),
        (Facilitator, Some(fac.clone())),
        (Anonymous, None),
        (Outsider, Some(outsider)),
        (Partner, Some(world.partner_member.token)),
        (ClientVoice, Some(world.client_voice.token)),
        (Evaluator, Some(world.evaluator.token)),
        (Observer, Some(world.observer.token)),
    ]);
    // A second facilitator, removed: the most a revoked token could do.
    let Invited {
        member: removed,
        token,
        ..
    } = app
        .invite_member(&fac, wp, "Oud-procesbegeleider", "FACILITATOR", None)
        .await;
    let me = app
        .graphql(Some(&token), "{ me { id role } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["id"], json!(removed), "{me}");
    accept(
        app,
        &fac,
        "removeMember",
        json!({"werkplaatsId": wp, "memberId": removed}),
    )
    .await;
    tokens.insert(Removed, Some(token));

    let partner = world.partner;
    let problem = text(
        &accept(
            app,
            &fac,
            "recordProblem",
            json!({
                "werkplaatsId": wp,
                "title": "Post blijft ongeopend",
                "description": "Brieven van schuldeisers worden niet geopend.",
                "perspective": "CLIENT",
            }),
        )
        .await["problem"]["id"],
    );
    let decision = text(
        &accept(
            app,
            &fac,
            "recordDecision",
            json!({
                "werkplaatsId": wp,
                "title": "Eerst huisbezoek",
                "context": "Brieven werken niet.",
                "optionsConsidered": ["Huisbezoek", "Bellen"],
                "decision": "Huisbezoek binnen vijf werkdagen.",
                "rationale": "Persoonlijk contact werkt.",
                "basedOn": [problem],
            }),
        )
        .await["decision"]["id"],
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

    let plan = |n: usize| {
        json!({
            "werkplaatsId": wp,
            "title": format!("Actie {n}"),
            "goal": "80% binnen 5 werkdagen.",
            "ownerPartnerId": partner,
        })
    };
    let step = |name: &'static str, id: &str| {
        let mut input = json!({"werkplaatsId": wp, "actionId": id});
        if name == "checkAction" {
            input["findings"] = json!("74% binnen 5 werkdagen.");
        }
        accept(app, &fac, name, input)
    };
    let (mut revisable, mut planned, mut doing, mut checking) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut to_remove, mut to_change, mut to_forget, mut to_link) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for n in 0..CALLERS.len() {
        let action = |payload: &Value| text(&payload["action"]["id"]);
        let revise = accept(app, &fac, "planAction", plan(4 * n)).await;
        // Action.version is the version of the event that planned it.
        revisable.push((action(&revise), revise["version"].as_i64().unwrap()));
        planned.push(action(
            &accept(app, &fac, "planAction", plan(4 * n + 1)).await,
        ));
        let to_do = action(&accept(app, &fac, "planAction", plan(4 * n + 2)).await);
        step("startAction", &to_do).await;
        doing.push(to_do);
        let to_check = action(&accept(app, &fac, "planAction", plan(4 * n + 3)).await);
        step("startAction", &to_check).await;
        step("checkAction", &to_check).await;
        checking.push(to_check);
        for (list, what) in [
            (&mut to_remove, "Vertrekt"),
            (&mut to_change, "Wisselt"),
            (&mut to_forget, "Vergeten"),
            (&mut to_link, "Koppelt"),
        ] {
            list.push(
                app.invite_member(&fac, wp, &format!("{what} {n}"), "PARTNER", None)
                    .await
                    .member,
            );
        }
    }
    let created = |payload: &Value, item: &str| {
        (
            text(&payload[item]["id"]),
            payload["version"].as_i64().unwrap(),
        )
    };
    let journey = text(
        &accept(
            app,
            &fac,
            "startClientJourney",
            json!({"werkplaatsId": wp, "title": "Gezin met huurschuld", "situation": "Alleenstaande ouder, twee kinderen."}),
        )
        .await["journey"]["id"],
    );
    let in_progress = text(&accept(app, &fac, "planAction", plan(1000)).await["action"]["id"]);
    step("startAction", &in_progress).await;
    let (mut problems, mut solutions, mut indicators, mut goals, mut risks, mut steps) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for n in 0..CALLERS.len() {
        let input = |extra: Value| {
            let mut input = extra;
            input["werkplaatsId"] = json!(wp);
            input
        };
        problems.push(created(
            &accept(app, &fac, "recordProblem", input(json!({"title": format!("Te herzien {n}"), "description": "Onduidelijke brieven.", "perspective": "CLIENT"}))).await,
            "problem",
        ));
        solutions.push(created(
            &accept(app, &fac, "proposeSolution", input(json!({"title": format!("Te herzien {n}"), "description": "Brieven herschrijven.", "basis": ["PRACTICE"], "addressesProblemIds": []}))).await,
            "solution",
        ));
        indicators.push(created(
            &accept(app, &fac, "defineIndicator", input(json!({"name": format!("Te herzien {n}"), "unit": "%", "baseline": 10, "norm": 40, "direction": "INCREASE"}))).await,
            "indicator",
        ));
        goals.push(created(
            &accept(
                app,
                &fac,
                "recordGoal",
                input(json!({"statement": format!("Doel {n}"), "targetYear": 2030})),
            )
            .await,
            "goal",
        ));
        risks.push(created(
            &accept(app, &fac, "recordRisk", input(json!({"title": format!("Risico {n}"), "description": "Partners haken af.", "likelihood": "LOW", "impact": "HIGH"}))).await,
            "risk",
        ));
        let added = accept(app, &fac, "addJourneyStep", input(json!({"journeyId": journey, "title": format!("Stap {n}"), "description": "Aanmelding bij het loket.", "days": 3}))).await;
        steps.push((
            journey.clone(),
            text(&added["step"]["id"]),
            added["version"].as_i64().unwrap(),
        ));
    }
    let checklist = app
        .graphql(
            Some(&fac),
            "query($id: ID!) { werkplaats(id: $id) { checklist { id } } }",
            json!({"id": wp}),
        )
        .await;
    let checklist_item = text(&checklist["data"]["werkplaats"]["checklist"][0]["id"]);
    let to_reissue = app
        .invite_member(&fac, wp, "Kwijtgeraakt", "PARTNER", None)
        .await
        .member;
    Fixture {
        to_reissue,
        problems,
        solutions,
        indicators,
        goals,
        risks,
        steps,
        journey,
        in_progress,
        checklist_item,
        a,
        b,
        tokens,
        partner,
        problem,
        decision,
        indicator,
        revisable,
        planned,
        doing,
        checking,
        to_remove,
        to_change,
        to_forget,
        to_link,
    }
}

impl Fixture {
    /// The input of `row` for the cell in column `cell`, valid for an
    /// allowed caller; `phase` is werkplaats A's current phase.
    fn input(&self, row: &Row, cell: usize, phase: i64) -> Value {
        let wp = self.a.as_str();
        match row.name {
            "createWerkplaats" => json!({
                "name": format!("Werkplaats {cell}"),
                "municipality": "Lelystad",
                "question": "Hoe bereiken we huishoudens met achterstanden eerder?",
                "methodology": "MOVISIE_VIJF_STAPPEN",
                "facilitatorName": "Nieuwe procesbegeleider",
            }),
            "addPartner" => json!({
                "werkplaatsId": wp,
                "name": format!("Partner {cell}"),
                "kind": "WONINGCORPORATIE",
            }),
            "inviteMember" => json!({
                "werkplaatsId": wp,
                "name": format!("Nieuw lid {cell}"),
                "role": "OBSERVER",
                "partnerId": self.partner,
            }),
            "advancePhase" => json!({"werkplaatsId": wp, "expectedPhase": phase}),
            "defineIndicator" => json!({
                "werkplaatsId": wp,
                "name": format!("Bereik {cell}"),
                "unit": "huishoudens",
                "baseline": 10,
                "norm": 40,
                "direction": "INCREASE",
            }),
            "recordProblem" => json!({
                "werkplaatsId": wp,
                "title": format!("Knelpunt {cell}"),
                "description": "Aanmaningen stapelen zich op.",
                "perspective": "DATA",
            }),
            "proposeSolution" => json!({
                "werkplaatsId": wp,
                "title": format!("Oplossing {cell}"),
                "description": "Huurachterstanden na een maand melden.",
                "basis": ["PRACTICE"],
                "addressesProblemIds": [self.problem],
            }),
            "recordReflection" => json!({
                "werkplaatsId": wp,
                "text": "Partners kennen elkaars wachtlijsten nu.",
                "about": [self.problem, self.decision],
            }),
            "recordDecision" => json!({
                "werkplaatsId": wp,
                "title": format!("Besluit {cell}"),
                "context": "Convenant met corporaties.",
                "optionsConsidered": ["Na een maand", "Na drie maanden"],
                "decision": "Na een maand.",
                "rationale": "Hoe eerder, hoe kleiner de schuld.",
                "basedOn": [self.problem],
            }),
            "planAction" => json!({
                "werkplaatsId": wp,
                "title": format!("Nieuwe actie {cell}"),
                "goal": "Convenant getekend.",
                "ownerPartnerId": self.partner,
            }),
            "reviseAction" => {
                let (id, version) = &self.revisable[cell];
                json!({
                    "werkplaatsId": wp,
                    "actionId": id,
                    "expectedVersion": version,
                    "title": format!("Herziene actie {cell}"),
                })
            }
            "startAction" => json!({"werkplaatsId": wp, "actionId": self.planned[cell]}),
            "checkAction" => json!({
                "werkplaatsId": wp,
                "actionId": self.doing[cell],
                "findings": "Na zes weken 74% bezocht.",
            }),
            "concludeAction" => json!({
                "werkplaatsId": wp,
                "actionId": self.checking[cell],
                "outcome": "ADOPT",
                "rationale": "Het werkt.",
            }),
            "recordMeasurement" => json!({
                "werkplaatsId": wp,
                "indicatorId": self.indicator,
                "value": 21.5,
                "measuredOn": "2026-02-01",
            }),
            "recordCheckpoint" => json!({"werkplaatsId": wp}),
            "setPresence" => json!({"werkplaatsId": wp, "editing": self.problem}),
            "removeMember" => json!({"werkplaatsId": wp, "memberId": self.to_remove[cell]}),
            "changeRole" => json!({
                "werkplaatsId": wp,
                "memberId": self.to_change[cell],
                "role": "OBSERVER",
            }),
            "forgetMember" => json!({"werkplaatsId": wp, "memberId": self.to_forget[cell]}),
            "linkIdentity" => json!({
                "werkplaatsId": wp,
                "memberId": self.to_link[cell],
                "subject": format!("lid-{cell}@almere.example"),
            }),
            "reviseProblem" => {
                let (id, version) = &self.problems[cell];
                json!({"werkplaatsId": wp, "problemId": id, "expectedVersion": version, "title": format!("Herzien {cell}")})
            }
            "reviseSolution" => {
                let (id, version) = &self.solutions[cell];
                json!({"werkplaatsId": wp, "solutionId": id, "expectedVersion": version, "recognition": "WELL_DESCRIBED"})
            }
            "defineIndicatorFromTemplate" => json!({
                "werkplaatsId": wp,
                "templateKey": "doorlooptijd_tot_hulp",
                "baseline": 28,
                "norm": 10,
            }),
            "reviseIndicator" => {
                let (id, version) = &self.indicators[cell];
                json!({"werkplaatsId": wp, "indicatorId": id, "expectedVersion": version, "norm": 50, "kind": "OUTPUT"})
            }
            "recordGoal" => {
                json!({"werkplaatsId": wp, "statement": format!("Meer kinderen sporten {cell}")})
            }
            "reviseGoal" => {
                let (id, version) = &self.goals[cell];
                json!({"werkplaatsId": wp, "goalId": id, "expectedVersion": version, "targetYear": null})
            }
            "recordRisk" => json!({
                "werkplaatsId": wp,
                "title": format!("Risico {cell}"),
                "description": "De wachtlijst groeit.",
                "likelihood": "MEDIUM",
                "impact": "MEDIUM",
                "ownerPartnerId": self.partner,
            }),
            "reviseRisk" => {
                let (id, version) = &self.risks[cell];
                json!({"werkplaatsId": wp, "riskId": id, "expectedVersion": version, "status": "MITIGATED"})
            }
            "reviewDecision" => json!({
                "werkplaatsId": wp,
                "decisionId": self.decision,
                "outcome": "KEEP",
                "note": "Werkt nog steeds.",
                "nextReviewOn": "2027-06-01",
            }),
            "logActionProgress" => json!({
                "werkplaatsId": wp,
                "actionId": self.in_progress,
                "text": format!("Huisbezoek {cell} afgelegd."),
                "occurredOn": "2026-03-02",
            }),
            "startClientJourney" => json!({
                "werkplaatsId": wp,
                "title": format!("Klantreis {cell}"),
                "situation": "Jongere met studieschuld.",
            }),
            "addJourneyStep" => json!({
                "werkplaatsId": wp,
                "journeyId": self.journey,
                "title": format!("Gesprek {cell}"),
                "description": "Eerste gesprek bij de schuldhulp.",
                "partnerId": self.partner,
            }),
            "assessJourneyStep" => {
                let (journey, step, version) = &self.steps[cell];
                json!({"werkplaatsId": wp, "journeyId": journey, "stepId": step, "expectedVersion": version, "bottleneck": "Lange wachttijd."})
            }
            "addChecklistItem" => json!({
                "werkplaatsId": wp,
                "competence": "SKILLS",
                "statement": format!("Wij bellen binnen een week terug {cell}."),
            }),
            "answerChecklistItem" => json!({
                "werkplaatsId": wp,
                "itemId": self.checklist_item,
                "partnerId": self.partner,
                "answer": "PARTLY",
            }),
            "shareLessons" => json!({"werkplaatsId": wp, "share": true}),
            "reissueInvitation" => json!({"werkplaatsId": wp, "memberId": self.to_reissue}),
            other => panic!("no input for {other}"),
        }
    }
}

/// Everything a request could have written.
#[derive(Debug, PartialEq, Eq, sqlx::FromRow)]
struct Written {
    /// Werkplaats A's stream version and events, and B's events.
    a_version: i64,
    a_events: i64,
    b_events: i64,
    events: i64,
    streams: i64,
    commands: i64,
    profiles: i64,
    forgotten: i64,
    identities: i64,
    /// The live tokens, as a digest of their hashes.
    live_tokens: String,
}

async fn written(app: &TestApp, f: &Fixture) -> Written {
    sqlx::query_as(
        "select \
           (select version from streams where id = $1::uuid) as a_version, \
           (select count(*) from events where stream_id = $1::uuid) as a_events, \
           (select count(*) from events where stream_id = $2::uuid) as b_events, \
           (select count(*) from events) as events, \
           (select count(*) from streams) as streams, \
           (select count(*) from commands) as commands, \
           (select count(*) from member_profiles) as profiles, \
           (select count(*) from member_profiles where forgotten_at is not null) as forgotten, \
           (select count(*) from member_identities) as identities, \
           (select coalesce(md5(string_agg(encode(token_hash, 'hex'), ',' order by token_hash)), '') \
              from tokens where revoked_at is null) as live_tokens",
    )
    .bind(&f.a)
    .bind(&f.b)
    .fetch_one(&app.pool)
    .await
    .expect("the counts")
}

async fn current_phase(app: &TestApp, f: &Fixture) -> i64 {
    let response = app
        .graphql(
            Some(&app.admin_token),
            "query($id: ID!) { werkplaats(id: $id) { phase { number } } }",
            json!({"id": f.a}),
        )
        .await;
    response["data"]["werkplaats"]["phase"]["number"]
        .as_i64()
        .unwrap_or_else(|| panic!("a phase: {response}"))
}

/// The names of the served `Mutation` fields.
async fn served_mutations(app: &TestApp) -> BTreeSet<String> {
    let response = app
        .graphql(
            Some(&app.admin_token),
            "{ __schema { mutationType { fields { name } } } }",
            json!({}),
        )
        .await;
    assert_ok(&response);
    response["data"]["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("the mutation fields")
        .iter()
        .map(|field| text(&field["name"]))
        .collect()
}

#[tokio::test]
async fn every_mutation_is_allowed_or_refused_for_every_caller_as_the_contract_says() {
    // The matrix is about roles, not the per-caller rate limit: the
    // facilitator prepares some hundred items in a few seconds.
    let app = spawn_app_unthrottled().await;
    // The matrix covers every mutation the server serves, no more, no less.
    let listed: BTreeSet<String> = MATRIX.iter().map(|r| r.name.to_owned()).collect();
    assert_eq!(served_mutations(&app).await, listed);

    let mut f = prepare(&app).await;
    let mut got = vec![vec![String::new(); CALLERS.len()]; MATRIX.len()];
    let mut wrong = Vec::new();
    let (mut allowed, mut refused, mut unexpected) = (0, 0, 0);
    for (r, row) in MATRIX.iter().enumerate() {
        let query = row.query();
        for caller in CALLERS {
            let cell = caller.index();
            let variables = match row.input {
                Some(_) => {
                    let phase = if row.name == "advancePhase" {
                        current_phase(&app, &f).await
                    } else {
                        0
                    };
                    json!({ "input": f.input(row, cell, phase) })
                }
                None => json!({}),
            };
            let token = f.tokens[&caller].clone();
            let before = written(&app, &f).await;
            let response = app.graphql(token.as_deref(), &query, variables).await;
            let after = written(&app, &f).await;
            let what = format!("{} as {}", row.name, caller.column());
            let expected = row.expected(caller);
            let answered = response
                .get("errors")
                .map(|_| error_code(&response).unwrap_or("(no code)").to_owned());
            got[r][cell] = answered.clone().unwrap_or_else(|| "ok".to_owned());
            let wrong_before = wrong.len();
            if answered.as_deref() != expected {
                wrong.push(format!(
                    "{what}: expected {}, got {response}",
                    expected.unwrap_or("ok")
                ));
            }
            match expected {
                Some(_) => {
                    refused += 1;
                    if before != after {
                        wrong.push(format!(
                            "{what}: refused, but wrote {before:?} -> {after:?}"
                        ));
                    }
                }
                None => {
                    allowed += 1;
                    let payload = &response["data"][row.name];
                    let appended = after.a_events - before.a_events;
                    let mut fine = appended == row.appends()
                        && after.a_version == before.a_version + row.appends()
                        && after.b_events == before.b_events;
                    match row.name {
                        "createWerkplaats" => {
                            fine &= after.streams == before.streams + 1
                                && after.events == before.events + 2
                                && payload["werkplaats"]["version"] == json!(2);
                        }
                        "setPresence" => fine &= before == after,
                        "rotateToken" => {
                            fine &= after.events == before.events
                                && after.live_tokens != before.live_tokens;
                            if let Some(new) = payload["token"].as_str() {
                                // The new token signs in as the caller, the
                                // old one no longer.
                                let me = "{ me { id } }";
                                let signed_in = app.graphql(Some(new), me, json!({})).await;
                                let old = app.graphql(token.as_deref(), me, json!({})).await;
                                fine &= Some(new) != token.as_deref()
                                    && signed_in["data"]["me"]["id"].is_string()
                                    && error_code(&old) == Some("UNAUTHENTICATED");
                                f.tokens.insert(caller, Some(new.to_owned()));
                            }
                        }
                        _ => {
                            fine &= after.events == before.events + 1
                                && payload["version"] == json!(after.a_version);
                        }
                    }
                    if answered.is_none() && !fine {
                        wrong.push(format!(
                            "{what}: accepted, but wrote {before:?} -> {after:?} \
                             (or a rotated token misbehaves): {payload}"
                        ));
                    }
                }
            }
            if wrong.len() > wrong_before {
                unexpected += 1;
                got[r][cell].push('!');
            }
        }
    }

    let mut table = format!("{:<18}", "mutation");
    for caller in CALLERS {
        write!(table, " {:<16}", caller.column()).unwrap();
    }
    for (row, cells) in MATRIX.iter().zip(&got) {
        write!(table, "\n{:<18}", row.name).unwrap();
        for cell in cells {
            write!(table, " {cell:<16}").unwrap();
        }
    }
    println!("{table}");
    println!(
        "role matrix: {} mutations x {} callers = {} cells: allowed {allowed}, refused {refused}, \
         {unexpected} unexpected (a wrong answer or a wrong write, marked !)",
        MATRIX.len(),
        CALLERS.len(),
        allowed + refused,
    );
    assert!(
        wrong.is_empty(),
        "{unexpected} cells went wrong:\n{}",
        wrong.join("\n")
    );
    assert_eq!(allowed + refused, MATRIX.len() * CALLERS.len());
}
