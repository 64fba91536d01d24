//! The method's commands: goals, risks, journeys, the checklist, reviews,
//! the PDCA log and corrections, given events / when command / then events.
//!
//! Each test checks one rule of the contract's section "The method" (and
//! its order of errors), against [`method_world`]: the core [`world`] plus
//! one goal, risk, client journey with one step, and checklist item of the
//! werkplaats's own.

use std::collections::HashSet;

use super::*;

// ---------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------

const GOAL: Uuid = Uuid::from_u128(0xa0);
const RISK: Uuid = Uuid::from_u128(0xb0);
const JOURNEY: Uuid = Uuid::from_u128(0xc0);
const STEP: Uuid = Uuid::from_u128(0xc1);
const OTHER_JOURNEY: Uuid = Uuid::from_u128(0xc2);
const OTHER_STEP: Uuid = Uuid::from_u128(0xc3);
const ITEM: Uuid = Uuid::from_u128(0xd0);
const OTHER_PARTNER: Uuid = Uuid::from_u128(0x21);
const OTHER_INDICATOR: Uuid = Uuid::from_u128(0x81);
/// A member of the PARTNER role who speaks for no partner.
const LONE_PARTNER_MEMBER: Uuid = Uuid::from_u128(0x15);

/// Versions of the core [`world`] items the method revises.
const PROBLEM_RECORDED_AT: i64 = 8;
const SOLUTION_PROPOSED_AT: i64 = 9;
const INDICATOR_DEFINED_AT: i64 = 18;
/// Versions of the [`method_world`] fixture.
const GOAL_RECORDED_AT: i64 = 19;
const RISK_RECORDED_AT: i64 = 20;
const STEP_ADDED_AT: i64 = 22;
const METHOD_WORLD_VERSION: i64 = 23;

const GOAL_STATEMENT: &str = "Jongeren met schulden zijn binnen een maand in beeld.";
const RISK_TITLE: &str = "Scholen haken af";
const RISK_DESCRIPTION: &str = "Zonder mentoren komt niemand naar het spreekuur.";
const MITIGATION: &str = "Mentoren krijgen een training.";
const JOURNEY_TITLE: &str = "De reis van Sam";
const SITUATION: &str = "Sam (19) heeft een betalingsachterstand bij de zorgverzekeraar.";
const STEP_TITLE: &str = "Eerste melding";
const STEP_DESCRIPTION: &str = "Sam belt de gemeente over een aanmaning.";
const ITEM_STATEMENT: &str = "We kennen de regelingen voor jongeren.";
const PROGRESS: &str = "Eerste spreekuur gehouden op het Deltion.";
const REVIEW_NOTE: &str = "Het spreekuur loopt goed.";

/// The core world plus one item of every kind the method adds (versions 19–23).
fn method_world() -> Vec<Event> {
    let mut events = world();
    events.extend([
        goal_recorded(GOAL),        // 19
        risk_recorded(RISK),        // 20
        journey_started(JOURNEY),   // 21
        step_added(JOURNEY, STEP),  // 22
        checklist_item_added(ITEM), // 23
    ]);
    events
}

/// [`method_world`] with more events after it.
fn method_world_and(more: impl IntoIterator<Item = Event>) -> Vec<Event> {
    let mut events = method_world();
    events.extend(more);
    events
}

/// Decides `command` against `history` and appends what it decided.
#[track_caller]
fn applied(history: &mut Vec<Event>, actor: Actor, command: Command) {
    let decided = given(history.clone()).when(actor, command).then_ok();
    history.extend(decided.events);
}

/// The first of the werkplaats's nine standard checklist items.
fn first_standard_item() -> Uuid {
    standard_checklist_ids(WERKPLAATS)
        .next()
        .expect("nine standard items")
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

fn goal_recorded(goal_id: Uuid) -> Event {
    Event::GoalRecorded(GoalRecorded {
        goal_id,
        statement: text(GOAL_STATEMENT),
        target_year: Some(2030),
    })
}

fn risk_recorded(risk_id: Uuid) -> Event {
    Event::RiskRecorded(RiskRecorded {
        risk_id,
        title: name(RISK_TITLE),
        description: text(RISK_DESCRIPTION),
        likelihood: RiskLevel::Medium,
        impact: RiskLevel::High,
        mitigation: Some(note(MITIGATION)),
        owner_partner_id: Some(PARTNER),
    })
}

/// A revision of the risk's status only.
fn risk_now(risk_id: Uuid, status: RiskStatus) -> Event {
    Event::RiskRevised(RiskRevised {
        risk_id,
        title: None,
        description: None,
        likelihood: None,
        impact: None,
        mitigation: None,
        owner_partner_id: None,
        status: Some(status),
    })
}

fn journey_started(journey_id: Uuid) -> Event {
    Event::ClientJourneyStarted(ClientJourneyStarted {
        journey_id,
        title: name(JOURNEY_TITLE),
        situation: text(SITUATION),
    })
}

fn step_added(journey_id: Uuid, step_id: Uuid) -> Event {
    Event::JourneyStepAdded(JourneyStepAdded {
        journey_id,
        step_id,
        title: name(STEP_TITLE),
        description: text(STEP_DESCRIPTION),
        partner_id: Some(PARTNER),
        days: Some(14),
    })
}

/// An assessment that judged nothing yet.
fn step_assessed(journey_id: Uuid, step_id: Uuid) -> JourneyStepAssessed {
    JourneyStepAssessed {
        journey_id,
        step_id,
        knowledge: None,
        attitude: None,
        skills: None,
        client_centred: None,
        bottleneck: None,
    }
}

fn checklist_item_added(item_id: Uuid) -> Event {
    Event::ChecklistItemAdded(ChecklistItemAdded {
        item_id,
        competence: Competence::Skills,
        statement: text(ITEM_STATEMENT),
    })
}

fn answered(item_id: Uuid, partner_id: Uuid) -> Event {
    Event::ChecklistItemAnswered(ChecklistItemAnswered {
        item_id,
        partner_id,
        answer: ChecklistAnswerValue::Yes,
        note: None,
    })
}

fn reviewed(decision_id: Uuid, outcome: ReviewOutcome, next_review_on: Option<NaiveDate>) -> Event {
    Event::DecisionReviewed(DecisionReviewed {
        decision_id,
        outcome,
        note: text(REVIEW_NOTE),
        next_review_on,
    })
}

fn progress_logged(action_id: Uuid, cycle: u32) -> Event {
    Event::ActionProgressLogged(ActionProgressLogged {
        action_id,
        cycle,
        text: text(PROGRESS),
        occurred_on: day(2),
    })
}

fn decreasing_indicator_defined(indicator_id: Uuid) -> Event {
    Event::IndicatorDefined(IndicatorDefined {
        indicator_id,
        name: name("Doorlooptijd tot hulp"),
        unit: name("dagen"),
        baseline: 60.0,
        norm: 30.0,
        direction: Direction::Decrease,
        goal_id: None,
        kind: IndicatorKind::Process,
        template: None,
    })
}

// ---------------------------------------------------------------------------
// Commands, each accepted against `method_world()` when an allowed role
// sends it (blank revisions aside: they change nothing yet)
// ---------------------------------------------------------------------------

fn revise_problem(problem: Uuid, expected_version: i64) -> Command {
    Command::ReviseProblem(ReviseProblem {
        problem_id: sid(problem),
        expected_version,
        title: None,
        description: None,
        perspective: None,
    })
}

fn revise_problem_title() -> Command {
    with!(
        revise_problem(PROBLEM, PROBLEM_RECORDED_AT),
        ReviseProblem {
            title: Some("Jongeren melden zich te laat".into()),
        }
    )
}

fn revise_solution(solution: Uuid, expected_version: i64) -> Command {
    Command::ReviseSolution(ReviseSolution {
        solution_id: sid(solution),
        expected_version,
        title: None,
        description: None,
        basis: None,
        addresses_problem_ids: None,
        capitals: None,
        recognition: None,
    })
}

fn revise_solution_recognition() -> Command {
    with!(
        revise_solution(SOLUTION, SOLUTION_PROPOSED_AT),
        ReviseSolution {
            recognition: Some(RecognitionLevel::WellDescribed),
        }
    )
}

fn from_template(key: &str, baseline: f64, norm: f64) -> Command {
    Command::DefineIndicatorFromTemplate(DefineIndicatorFromTemplate {
        indicator_id: NEW,
        template_key: key.into(),
        baseline,
        norm,
        goal_id: None,
    })
}

fn revise_indicator(indicator: Uuid, expected_version: i64) -> Command {
    Command::ReviseIndicator(ReviseIndicator {
        indicator_id: sid(indicator),
        expected_version,
        name: None,
        unit: None,
        norm: None,
        kind: None,
        goal_id: None,
    })
}

fn revise_indicator_norm(norm: f64) -> Command {
    with!(
        revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        ReviseIndicator { norm: Some(norm) }
    )
}

fn record_goal() -> Command {
    Command::RecordGoal(RecordGoal {
        goal_id: NEW,
        statement: GOAL_STATEMENT.into(),
        target_year: Some(2030),
    })
}

fn revise_goal(goal: Uuid, expected_version: i64) -> Command {
    Command::ReviseGoal(ReviseGoal {
        goal_id: sid(goal),
        expected_version,
        statement: None,
        target_year: None,
    })
}

fn revise_goal_year(year: Option<i32>) -> Command {
    with!(
        revise_goal(GOAL, GOAL_RECORDED_AT),
        ReviseGoal {
            target_year: Some(year),
        }
    )
}

fn record_risk() -> Command {
    Command::RecordRisk(RecordRisk {
        risk_id: NEW,
        title: RISK_TITLE.into(),
        description: RISK_DESCRIPTION.into(),
        likelihood: RiskLevel::Medium,
        impact: RiskLevel::High,
        mitigation: Some(MITIGATION.into()),
        owner_partner_id: Some(sid(PARTNER)),
    })
}

fn revise_risk(risk: Uuid, expected_version: i64) -> Command {
    Command::ReviseRisk(ReviseRisk {
        risk_id: sid(risk),
        expected_version,
        title: None,
        description: None,
        likelihood: None,
        impact: None,
        mitigation: None,
        owner_partner_id: None,
        status: None,
    })
}

fn revise_risk_status(expected_version: i64, status: RiskStatus) -> Command {
    with!(
        revise_risk(RISK, expected_version),
        ReviseRisk {
            status: Some(status),
        }
    )
}

fn review(decision: Uuid, outcome: ReviewOutcome, next_review_on: Option<NaiveDate>) -> Command {
    Command::ReviewDecision(ReviewDecision {
        decision_id: sid(decision),
        outcome,
        note: REVIEW_NOTE.into(),
        next_review_on,
    })
}

fn log_progress(action: Uuid) -> Command {
    Command::LogActionProgress(LogActionProgress {
        action_id: sid(action),
        text: PROGRESS.into(),
        occurred_on: day(2),
    })
}

fn start_journey() -> Command {
    Command::StartClientJourney(StartClientJourney {
        journey_id: NEW,
        title: JOURNEY_TITLE.into(),
        situation: SITUATION.into(),
    })
}

fn add_step(journey: Uuid) -> Command {
    Command::AddJourneyStep(AddJourneyStep {
        journey_id: sid(journey),
        step_id: NEW,
        title: STEP_TITLE.into(),
        description: STEP_DESCRIPTION.into(),
        partner_id: Some(sid(PARTNER)),
        days: Some(14),
    })
}

fn add_step_days(days: i32) -> Command {
    with!(add_step(JOURNEY), AddJourneyStep { days: Some(days) })
}

fn assess(journey: Uuid, step: Uuid, expected_version: i64) -> Command {
    Command::AssessJourneyStep(AssessJourneyStep {
        journey_id: sid(journey),
        step_id: sid(step),
        expected_version,
        knowledge: None,
        attitude: None,
        skills: None,
        client_centred: None,
        bottleneck: None,
    })
}

fn assess_knowledge(journey: Uuid, step: Uuid, expected_version: i64) -> Command {
    with!(
        assess(journey, step, expected_version),
        AssessJourneyStep {
            knowledge: Some(Some(Quality::Good)),
        }
    )
}

fn assess_bottleneck(bottleneck: Option<String>) -> Command {
    with!(
        assess(JOURNEY, STEP, STEP_ADDED_AT),
        AssessJourneyStep {
            bottleneck: Some(bottleneck),
        }
    )
}

fn add_checklist_item() -> Command {
    Command::AddChecklistItem(AddChecklistItem {
        item_id: NEW,
        competence: Competence::Skills,
        statement: ITEM_STATEMENT.into(),
    })
}

fn answer(item: Uuid, partner: Uuid) -> Command {
    Command::AnswerChecklistItem(AnswerChecklistItem {
        item_id: sid(item),
        partner_id: sid(partner),
        answer: ChecklistAnswerValue::Yes,
        note: None,
    })
}

fn contributor_commands() -> Vec<Command> {
    vec![
        record_goal(),
        revise_goal_year(Some(2035)),
        revise_problem_title(),
        revise_solution_recognition(),
        start_journey(),
        add_step(JOURNEY),
        assess_knowledge(JOURNEY, STEP, STEP_ADDED_AT),
    ]
}

fn planner_commands() -> Vec<Command> {
    vec![
        record_risk(),
        revise_risk_status(RISK_RECORDED_AT, RiskStatus::Mitigated),
        review(DECISION, ReviewOutcome::Keep, Some(day(30))),
        log_progress(DOING_ACTION),
        answer(ITEM, PARTNER),
    ]
}

fn facilitator_commands() -> Vec<Command> {
    vec![
        from_template("doorlooptijd_tot_hulp", 60.0, 30.0),
        with!(
            revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
            ReviseIndicator {
                name: Some("Bereikte jongeren onder 23".into()),
            }
        ),
        add_checklist_item(),
    ]
}

/// Every new command of the method, each valid against [`method_world`].
fn method_commands() -> Vec<Command> {
    let mut commands = contributor_commands();
    commands.extend(planner_commands());
    commands.extend(facilitator_commands());
    commands
}

/// Checks that exactly `allowed` of all roles may send `command` to the
/// method world, and that an accepted command appends exactly one event.
#[track_caller]
fn only_in_method_world(allowed: &[Role], command: Command) {
    let world = given(method_world());
    for role in ALL_ROLES {
        let outcome = world.when(member(role), command.clone());
        if allowed.contains(&role) {
            assert_eq!(outcome.then_ok().events.len(), 1, "{role:?}: {command:?}");
        } else {
            outcome.then_error(DomainError::Forbidden);
        }
    }
}

// ---------------------------------------------------------------------------
// The fixture folds as the tests assume
// ---------------------------------------------------------------------------

#[test]
fn the_method_world_holds_a_goal_an_open_risk_a_journey_with_a_step_and_an_own_item() {
    let state = State::from_events(&method_world());
    assert_eq!(state.version, METHOD_WORLD_VERSION);
    assert_eq!(state.goals[&GOAL], GOAL_RECORDED_AT);
    assert_eq!(
        state.risks[&RISK],
        RiskState {
            status: RiskStatus::Open,
            version: RISK_RECORDED_AT
        }
    );
    assert_eq!(state.journeys[&JOURNEY].steps[&STEP], STEP_ADDED_AT);
    assert_eq!(state.journeys[&JOURNEY].steps.len(), 1);
    assert!(state.checklist.contains(&ITEM));
    assert_eq!(state.problems[&PROBLEM], PROBLEM_RECORDED_AT);
    assert_eq!(state.solutions[&SOLUTION], SOLUTION_PROPOSED_AT);
    assert_eq!(state.indicators[&INDICATOR].version, INDICATOR_DEFINED_AT);
}

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

#[test]
fn goals_revisions_of_problems_and_solutions_and_journeys_are_for_contributors() {
    for command in contributor_commands() {
        only_in_method_world(
            &[Role::Facilitator, Role::Partner, Role::ClientVoice],
            command,
        );
    }
}

#[test]
fn risks_reviews_progress_and_checklist_answers_are_for_facilitators_and_partners() {
    for command in planner_commands() {
        only_in_method_world(&[Role::Facilitator, Role::Partner], command);
    }
}

#[test]
fn templates_indicator_revisions_and_own_checklist_items_are_for_facilitators() {
    for command in facilitator_commands() {
        only_in_method_world(&[Role::Facilitator], command);
    }
}

#[test]
fn the_admin_and_unknown_members_may_send_no_method_command() {
    let world = given(method_world());
    for command in method_commands() {
        world
            .when(Actor::Admin, command.clone())
            .then_error(DomainError::Forbidden);
        world
            .when(Actor::Member(STRANGER), command)
            .then_error(DomainError::Forbidden);
    }
}

#[test]
fn forbidden_wins_over_bad_input_in_the_method_commands() {
    let world = given(method_world());
    let bad = [
        with!(
            record_goal(),
            RecordGoal {
                target_year: Some(1)
            }
        ),
        with!(
            record_risk(),
            RecordRisk {
                title: String::new()
            }
        ),
        with!(
            review(DECISION, ReviewOutcome::Retire, Some(day(1))),
            ReviewDecision {
                note: String::new()
            }
        ),
        from_template("onbekend", 1.0, 0.0),
        revise_indicator(UNKNOWN, 0),
        with!(
            add_checklist_item(),
            AddChecklistItem {
                statement: String::new()
            }
        ),
    ];
    for command in bad {
        world
            .when(member(Role::Observer), command)
            .then_error(DomainError::Forbidden);
    }
    world
        .when(member(Role::ClientVoice), answer(UNKNOWN, UNKNOWN))
        .then_error(DomainError::Forbidden);
}

#[test]
fn the_tools_guide_but_every_method_command_works_in_every_phase() {
    for phase in 1..=3 {
        let mut events = method_world();
        events.extend((1..phase).map(|from| phase_advanced(from, from + 1)));
        let at = given(events);
        for command in method_commands() {
            at.when(facilitator(), command).then_ok();
        }
    }
}

// ---------------------------------------------------------------------------
// Limits of the new texts
// ---------------------------------------------------------------------------

fn method_field(name: &'static str, command: impl Fn(String) -> Command + 'static) -> Field {
    Field::new(name, method_world(), facilitator(), command)
}

fn method_name_fields() -> Vec<Field> {
    vec![
        method_field("title", |v| {
            with!(
                revise_problem(PROBLEM, PROBLEM_RECORDED_AT),
                ReviseProblem { title: Some(v) }
            )
        }),
        method_field("title", |v| {
            with!(
                revise_solution(SOLUTION, SOLUTION_PROPOSED_AT),
                ReviseSolution { title: Some(v) }
            )
        }),
        method_field("name", |v| {
            with!(
                revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
                ReviseIndicator { name: Some(v) }
            )
        }),
        method_field("unit", |v| {
            with!(
                revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
                ReviseIndicator { unit: Some(v) }
            )
        }),
        method_field("title", |v| with!(record_risk(), RecordRisk { title: v })),
        method_field("title", |v| {
            with!(
                revise_risk(RISK, RISK_RECORDED_AT),
                ReviseRisk { title: Some(v) }
            )
        }),
        method_field("title", |v| {
            with!(start_journey(), StartClientJourney { title: v })
        }),
        method_field("title", |v| {
            with!(add_step(JOURNEY), AddJourneyStep { title: v })
        }),
    ]
}

fn method_text_fields() -> Vec<Field> {
    vec![
        method_field("description", |v| {
            with!(
                revise_problem(PROBLEM, PROBLEM_RECORDED_AT),
                ReviseProblem {
                    description: Some(v)
                }
            )
        }),
        method_field("description", |v| {
            with!(
                revise_solution(SOLUTION, SOLUTION_PROPOSED_AT),
                ReviseSolution {
                    description: Some(v)
                }
            )
        }),
        method_field("statement", |v| {
            with!(record_goal(), RecordGoal { statement: v })
        }),
        method_field("statement", |v| {
            with!(
                revise_goal(GOAL, GOAL_RECORDED_AT),
                ReviseGoal { statement: Some(v) }
            )
        }),
        method_field("description", |v| {
            with!(record_risk(), RecordRisk { description: v })
        }),
        method_field("description", |v| {
            with!(
                revise_risk(RISK, RISK_RECORDED_AT),
                ReviseRisk {
                    description: Some(v)
                }
            )
        }),
        method_field("note", |v| {
            with!(
                review(DECISION, ReviewOutcome::Keep, None),
                ReviewDecision { note: v }
            )
        }),
        method_field("text", |v| {
            with!(log_progress(DOING_ACTION), LogActionProgress { text: v })
        }),
        method_field("situation", |v| {
            with!(start_journey(), StartClientJourney { situation: v })
        }),
        method_field("description", |v| {
            with!(add_step(JOURNEY), AddJourneyStep { description: v })
        }),
        method_field("statement", |v| {
            with!(add_checklist_item(), AddChecklistItem { statement: v })
        }),
    ]
}

fn method_note_fields() -> Vec<Field> {
    vec![
        method_field("consequences", |v| {
            with!(
                record_decision(),
                RecordDecision {
                    consequences: Some(v)
                }
            )
        }),
        method_field("note", |v| {
            with!(answer(ITEM, PARTNER), AnswerChecklistItem { note: Some(v) })
        }),
    ]
}

#[test]
fn the_methods_names_take_1_to_200_characters() {
    let longest = "ë".repeat(200);
    for field in method_name_fields() {
        field.stores(format!("  {longest}\n"), &longest);
        field.stores(" x ".into(), "x");
        field.when(format!("{longest}e")).then_bad_input(field.name);
        field.when(String::new()).then_bad_input(field.name);
        field.when(" \t\n ".into()).then_bad_input(field.name);
    }
}

#[test]
fn the_methods_required_texts_take_1_to_10000_characters() {
    let longest = "ë".repeat(10_000);
    for field in method_text_fields() {
        field.stores(format!("\n{longest}  "), &longest);
        field.stores(" x ".into(), "x");
        field.when(format!("{longest}e")).then_bad_input(field.name);
        field.when(String::new()).then_bad_input(field.name);
        field.when("   ".into()).then_bad_input(field.name);
    }
}

#[test]
fn the_methods_notes_take_0_to_10000_characters() {
    let longest = "ë".repeat(10_000);
    for field in method_note_fields() {
        field.stores(format!(" {longest} "), &longest);
        field.stores(String::new(), "");
        field.stores("  \n ".into(), "");
        field.when(format!("{longest}e")).then_bad_input(field.name);
    }
}

// ---------------------------------------------------------------------------
// Revising problems
// ---------------------------------------------------------------------------

#[test]
fn revise_problem_appends_only_the_trimmed_fields_it_is_given() {
    let command = with!(
        revise_problem(PROBLEM, PROBLEM_RECORDED_AT),
        ReviseProblem {
            title: Some("  Jongeren melden zich te laat\n".into()),
            perspective: Some(Perspective::Policy),
        }
    );
    given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![Event::ProblemRevised(ProblemRevised {
            problem_id: PROBLEM,
            title: Some(name("Jongeren melden zich te laat")),
            description: None,
            perspective: Some(Perspective::Policy),
        })]);
}

#[test]
fn problem_revised_moves_the_problems_version_so_the_old_one_is_stale() {
    let mut history = method_world();
    applied(&mut history, partner(), revise_problem_title());
    let revised_at = METHOD_WORLD_VERSION + 1;
    assert_eq!(State::from_events(&history).problems[&PROBLEM], revised_at);
    let at = given(history);
    at.when(partner(), revise_problem_title())
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Problem,
            id: PROBLEM,
            current_version: revised_at,
        }));
    at.when(
        partner(),
        with!(
            revise_problem(PROBLEM, revised_at),
            ReviseProblem {
                description: Some(DESCRIPTION.into())
            }
        ),
    )
    .then_ok();
}

#[test]
fn revise_problem_without_any_field_is_bad_input() {
    given(method_world())
        .when(partner(), revise_problem(PROBLEM, PROBLEM_RECORDED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn revise_problem_of_an_unknown_problem_is_not_found_after_bad_input() {
    let at = given(method_world());
    let unknown = with!(
        revise_problem_title(),
        ReviseProblem {
            problem_id: sid(UNKNOWN)
        }
    );
    at.when(partner(), unknown)
        .then_error(DomainError::NotFound(ItemKind::Problem));
    let not_an_id = with!(
        revise_problem_title(),
        ReviseProblem {
            problem_id: "probleem-1".into()
        }
    );
    at.when(partner(), not_an_id)
        .then_error(DomainError::NotFound(ItemKind::Problem));
    at.when(partner(), revise_problem(UNKNOWN, PROBLEM_RECORDED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn a_stale_problem_version_conflicts_with_the_problems_current_version() {
    let at = given(method_world());
    for stale in [
        PROBLEM_RECORDED_AT - 1,
        PROBLEM_RECORDED_AT + 1,
        METHOD_WORLD_VERSION,
    ] {
        at.when(
            partner(),
            with!(
                revise_problem_title(),
                ReviseProblem {
                    expected_version: stale
                }
            ),
        )
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Problem,
            id: PROBLEM,
            current_version: PROBLEM_RECORDED_AT,
        }));
    }
}

// ---------------------------------------------------------------------------
// Solutions: capitals, recognition, revising
// ---------------------------------------------------------------------------

#[test]
fn propose_solution_keeps_its_capitals_in_order_and_its_recognition() {
    let command = with!(
        propose_solution(),
        ProposeSolution {
            capitals: vec![
                EmpowermentCapital::Social,
                EmpowermentCapital::Psychological
            ],
            recognition: RecognitionLevel::EffectiveFirstIndications,
        }
    );
    given(method_world())
        .when(partner(), command)
        .then(vec![Event::SolutionProposed(SolutionProposed {
            solution_id: NEW,
            title: name("Spreekuur op school"),
            description: text(DESCRIPTION),
            basis: vec![EvidenceBasis::Casuistry, EvidenceBasis::Science],
            addresses_problem_ids: vec![PROBLEM],
            capitals: vec![
                EmpowermentCapital::Social,
                EmpowermentCapital::Psychological,
            ],
            recognition: RecognitionLevel::EffectiveFirstIndications,
        })]);
}

#[test]
fn propose_solution_may_not_repeat_a_capital() {
    let command = with!(
        propose_solution(),
        ProposeSolution {
            capitals: vec![
                EmpowermentCapital::Social,
                EmpowermentCapital::Societal,
                EmpowermentCapital::Social
            ],
        }
    );
    given(method_world())
        .when(partner(), command)
        .then_bad_input("capitals");
}

#[test]
fn events_stored_before_the_method_read_back_with_its_defaults() {
    let solution = serde_json::json!({
        "solutionId": SOLUTION,
        "title": "Spreekuur op school",
        "description": DESCRIPTION,
        "basis": ["CASUISTRY"],
        "addressesProblemIds": [PROBLEM],
    });
    let Ok(Event::SolutionProposed(solution)) =
        Event::from_stored("SolutionProposed", 1, &solution)
    else {
        panic!("a SolutionProposed without capitals reads back");
    };
    assert!(solution.capitals.is_empty());
    assert_eq!(solution.recognition, RecognitionLevel::NotAssessed);
    let indicator = serde_json::json!({
        "indicatorId": INDICATOR,
        "name": "Bereikte jongeren",
        "unit": "jongeren per maand",
        "baseline": 10.0,
        "norm": 25.0,
        "direction": "INCREASE",
    });
    let Ok(Event::IndicatorDefined(indicator)) =
        Event::from_stored("IndicatorDefined", 1, &indicator)
    else {
        panic!("an IndicatorDefined without a kind reads back");
    };
    assert_eq!(indicator.kind, IndicatorKind::Outcome);
    assert_eq!(indicator.goal_id, None);
    assert_eq!(indicator.template, None);
}

#[test]
fn revise_solution_appends_the_fields_it_is_given_with_lists_replacing_the_old() {
    let second_problem = Uuid::from_u128(0x31);
    let command = with!(
        revise_solution(SOLUTION, SOLUTION_PROPOSED_AT),
        ReviseSolution {
            title: Some(" Spreekuur op drie scholen ".into()),
            basis: Some(vec![EvidenceBasis::Practice]),
            addresses_problem_ids: Some(vec![sid(second_problem), sid(PROBLEM)]),
            capitals: Some(vec![EmpowermentCapital::Societal]),
            recognition: Some(RecognitionLevel::WellFounded),
        }
    );
    given(method_world_and([problem_recorded(second_problem)]))
        .when(member(Role::ClientVoice), command)
        .then(vec![Event::SolutionRevised(SolutionRevised {
            solution_id: SOLUTION,
            title: Some(name("Spreekuur op drie scholen")),
            description: None,
            basis: Some(vec![EvidenceBasis::Practice]),
            addresses_problem_ids: Some(vec![second_problem, PROBLEM]),
            capitals: Some(vec![EmpowermentCapital::Societal]),
            recognition: Some(RecognitionLevel::WellFounded),
        })]);
}

#[test]
fn revise_solution_may_empty_the_capitals_and_the_problems_addressed() {
    let command = with!(
        revise_solution(SOLUTION, SOLUTION_PROPOSED_AT),
        ReviseSolution {
            addresses_problem_ids: Some(vec![]),
            capitals: Some(vec![]),
        }
    );
    given(method_world())
        .when(partner(), command)
        .then(vec![Event::SolutionRevised(SolutionRevised {
            solution_id: SOLUTION,
            title: None,
            description: None,
            basis: None,
            addresses_problem_ids: Some(vec![]),
            capitals: Some(vec![]),
            recognition: None,
        })]);
}

#[test]
fn solution_revised_moves_the_solutions_version_so_the_old_one_is_stale() {
    let mut history = method_world();
    applied(&mut history, partner(), revise_solution_recognition());
    let revised_at = METHOD_WORLD_VERSION + 1;
    assert_eq!(
        State::from_events(&history).solutions[&SOLUTION],
        revised_at
    );
    given(history)
        .when(partner(), revise_solution_recognition())
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Solution,
            id: SOLUTION,
            current_version: revised_at,
        }));
}

#[test]
fn revise_solution_checks_the_limits_and_references_of_propose_solution() {
    let at = given(method_world());
    let revise = || revise_solution(SOLUTION, SOLUTION_PROPOSED_AT);
    let cases = [
        (
            "basis",
            with!(
                revise(),
                ReviseSolution {
                    basis: Some(vec![])
                }
            ),
        ),
        (
            "basis",
            with!(
                revise(),
                ReviseSolution {
                    basis: Some(vec![EvidenceBasis::Science; 51])
                }
            ),
        ),
        (
            "addressesProblemIds",
            with!(
                revise(),
                ReviseSolution {
                    addresses_problem_ids: Some(vec![sid(UNKNOWN)])
                }
            ),
        ),
        (
            "addressesProblemIds",
            with!(
                revise(),
                ReviseSolution {
                    addresses_problem_ids: Some(vec![sid(SOLUTION)])
                }
            ),
        ),
        (
            "addressesProblemIds",
            with!(
                revise(),
                ReviseSolution {
                    addresses_problem_ids: Some(vec![sid(PROBLEM), sid(PROBLEM)])
                }
            ),
        ),
        (
            "capitals",
            with!(
                revise(),
                ReviseSolution {
                    capitals: Some(vec![EmpowermentCapital::Social, EmpowermentCapital::Social])
                }
            ),
        ),
    ];
    for (about, command) in cases {
        at.when(partner(), command).then_bad_input(about);
    }
}

#[test]
fn revise_solution_without_any_field_is_bad_input() {
    given(method_world())
        .when(partner(), revise_solution(SOLUTION, SOLUTION_PROPOSED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn revise_solution_of_an_unknown_solution_is_not_found_after_bad_input() {
    let at = given(method_world());
    at.when(
        partner(),
        with!(
            revise_solution_recognition(),
            ReviseSolution {
                solution_id: sid(PROBLEM)
            }
        ),
    )
    .then_error(DomainError::NotFound(ItemKind::Solution));
    at.when(
        partner(),
        with!(
            revise_solution(UNKNOWN, SOLUTION_PROPOSED_AT),
            ReviseSolution {
                basis: Some(vec![])
            }
        ),
    )
    .then_bad_input("basis");
}

#[test]
fn a_stale_solution_version_conflicts_with_the_solutions_current_version() {
    given(method_world())
        .when(
            partner(),
            with!(
                revise_solution_recognition(),
                ReviseSolution {
                    expected_version: PROBLEM_RECORDED_AT
                }
            ),
        )
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Solution,
            id: SOLUTION,
            current_version: SOLUTION_PROPOSED_AT,
        }));
}

// ---------------------------------------------------------------------------
// Indicators: kinds, goals, templates, revising
// ---------------------------------------------------------------------------

#[test]
fn define_indicator_keeps_its_kind_and_goal() {
    let command = with!(
        define_indicator(),
        DefineIndicator {
            kind: IndicatorKind::Output,
            goal_id: Some(sid(GOAL)),
        }
    );
    given(method_world())
        .when(facilitator(), command)
        .then(vec![Event::IndicatorDefined(IndicatorDefined {
            indicator_id: NEW,
            name: name("Bereikte jongeren"),
            unit: name("jongeren per maand"),
            baseline: 10.0,
            norm: 25.0,
            direction: Direction::Increase,
            kind: IndicatorKind::Output,
            goal_id: Some(GOAL),
            template: None,
        })]);
}

#[test]
fn an_indicator_for_an_unknown_goal_is_bad_input() {
    let at = given(method_world());
    for goal in [UNKNOWN, RISK, INDICATOR] {
        at.when(
            facilitator(),
            with!(
                define_indicator(),
                DefineIndicator {
                    goal_id: Some(sid(goal))
                }
            ),
        )
        .then_bad_input("goalId");
    }
    at.when(
        facilitator(),
        with!(
            define_indicator(),
            DefineIndicator {
                goal_id: Some("doel-1".into())
            }
        ),
    )
    .then_bad_input("goalId");
}

#[test]
fn linking_an_indicator_to_a_goal_changes_only_the_indicator() {
    let mut history = method_world();
    let command = with!(
        define_indicator(),
        DefineIndicator {
            goal_id: Some(sid(GOAL))
        }
    );
    applied(&mut history, facilitator(), command);
    let relink = with!(
        revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        ReviseIndicator {
            goal_id: Some(Some(sid(GOAL)))
        }
    );
    applied(&mut history, facilitator(), relink);
    let state = State::from_events(&history);
    assert_eq!(state.goals[&GOAL], GOAL_RECORDED_AT);
    assert_eq!(state.indicators[&NEW].version, METHOD_WORLD_VERSION + 1);
    assert_eq!(
        state.indicators[&INDICATOR].version,
        METHOD_WORLD_VERSION + 2
    );
    given(history)
        .when(partner(), revise_goal_year(None))
        .then_ok();
}

#[test]
fn define_indicator_from_template_takes_its_name_unit_direction_and_kind() {
    let contract = [
        (
            "vroegsignalering_tijdig_opgevolgd",
            "%",
            Direction::Increase,
            IndicatorKind::Process,
        ),
        (
            "doorlooptijd_tot_hulp",
            "dagen",
            Direction::Decrease,
            IndicatorKind::Process,
        ),
        (
            "gebruik_voorzieningen",
            "%",
            Direction::Increase,
            IndicatorKind::Output,
        ),
        (
            "kinderen_sport_cultuur",
            "%",
            Direction::Increase,
            IndicatorKind::Outcome,
        ),
        (
            "huishoudens_bijstand",
            "aantal",
            Direction::Decrease,
            IndicatorKind::Outcome,
        ),
        (
            "voortijdig_schoolverlaters",
            "aantal",
            Direction::Decrease,
            IndicatorKind::Outcome,
        ),
    ];
    let at = given(method_world());
    for (key, unit, direction, kind) in contract {
        let found = template(key).unwrap_or_else(|| panic!("no template {key}"));
        let (baseline, norm) = match direction {
            Direction::Increase => (40.0, 60.0),
            Direction::Decrease => (60.0, 40.0),
        };
        at.when(facilitator(), from_template(key, baseline, norm))
            .then(vec![Event::IndicatorDefined(IndicatorDefined {
                indicator_id: NEW,
                name: name(found.name),
                unit: name(unit),
                baseline,
                norm,
                direction,
                kind,
                goal_id: None,
                template: Some(key.to_owned()),
            })]);
    }
}

#[test]
fn define_indicator_from_template_may_serve_a_goal() {
    let command = with!(
        from_template("kinderen_sport_cultuur", 40.0, 60.0),
        DefineIndicatorFromTemplate {
            goal_id: Some(sid(GOAL))
        }
    );
    let decided = given(method_world()).when(facilitator(), command).then_ok();
    let [Event::IndicatorDefined(defined)] = &decided.events[..] else {
        panic!("expected one IndicatorDefined, got {:?}", decided.events);
    };
    assert_eq!(defined.goal_id, Some(GOAL));
    let unknown = with!(
        from_template("kinderen_sport_cultuur", 40.0, 60.0),
        DefineIndicatorFromTemplate {
            goal_id: Some(sid(UNKNOWN))
        }
    );
    given(method_world())
        .when(facilitator(), unknown)
        .then_bad_input("goalId");
}

#[test]
fn an_unknown_template_key_is_bad_input() {
    let at = given(method_world());
    for key in ["onbekend", "", "DOORLOOPTIJD_TOT_HULP", "doorlooptijd"] {
        at.when(facilitator(), from_template(key, 60.0, 30.0))
            .then_bad_input("templateKey");
    }
}

#[test]
fn a_templates_norm_lies_beyond_the_baseline_in_the_templates_direction() {
    let at = given(method_world());
    // doorlooptijd_tot_hulp should go down, kinderen_sport_cultuur up.
    for (key, baseline, norm) in [
        ("doorlooptijd_tot_hulp", 30.0, 60.0),
        ("doorlooptijd_tot_hulp", 30.0, 30.0),
        ("kinderen_sport_cultuur", 60.0, 40.0),
        ("kinderen_sport_cultuur", 60.0, f64::NAN),
    ] {
        at.when(facilitator(), from_template(key, baseline, norm))
            .then_bad_input("norm");
    }
}

#[test]
fn revise_indicator_appends_the_trimmed_fields_it_is_given() {
    let command = with!(
        revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        ReviseIndicator {
            name: Some("  Bereikte jongeren onder 23 ".into()),
            norm: Some(30.0),
            kind: Some(IndicatorKind::Process),
            goal_id: Some(Some(sid(GOAL))),
        }
    );
    given(method_world())
        .when(facilitator(), command)
        .then(vec![Event::IndicatorRevised(IndicatorRevised {
            indicator_id: INDICATOR,
            name: Some(name("Bereikte jongeren onder 23")),
            unit: None,
            norm: Some(30.0),
            kind: Some(IndicatorKind::Process),
            goal_id: Some(Some(GOAL)),
        })]);
}

#[test]
fn revise_indicator_with_an_explicit_null_goal_unlinks_it() {
    let command = with!(
        revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        ReviseIndicator {
            goal_id: Some(None)
        }
    );
    given(method_world())
        .when(facilitator(), command)
        .then(vec![Event::IndicatorRevised(IndicatorRevised {
            indicator_id: INDICATOR,
            name: None,
            unit: None,
            norm: None,
            kind: None,
            goal_id: Some(None),
        })]);
}

#[test]
fn revise_indicator_without_any_field_is_bad_input() {
    given(method_world())
        .when(
            facilitator(),
            revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        )
        .then_bad_input("at least one field");
}

#[test]
fn a_revised_norm_must_still_lie_beyond_the_baseline() {
    let at = given(method_world()); // INDICATOR: 10 → 25, increase
    for norm in [10.0, 5.0, f64::NAN, f64::INFINITY] {
        at.when(facilitator(), revise_indicator_norm(norm))
            .then_bad_input("norm");
    }
    at.when(facilitator(), revise_indicator_norm(10.5))
        .then_ok();
    let decreasing = given(method_world_and([decreasing_indicator_defined(
        OTHER_INDICATOR,
    )]));
    let revise_norm = |norm| {
        with!(
            revise_indicator(OTHER_INDICATOR, METHOD_WORLD_VERSION + 1),
            ReviseIndicator { norm: Some(norm) }
        )
    };
    for norm in [60.0, 90.0] {
        decreasing
            .when(facilitator(), revise_norm(norm))
            .then_bad_input("norm");
    }
    decreasing.when(facilitator(), revise_norm(45.0)).then_ok();
}

#[test]
fn revise_indicator_with_an_unknown_goal_is_bad_input() {
    let command = with!(
        revise_indicator(INDICATOR, INDICATOR_DEFINED_AT),
        ReviseIndicator {
            goal_id: Some(Some(sid(UNKNOWN)))
        }
    );
    given(method_world())
        .when(facilitator(), command)
        .then_bad_input("goalId");
}

#[test]
fn revise_indicator_of_an_unknown_indicator_is_not_found_after_bad_input() {
    let at = given(method_world());
    at.when(
        facilitator(),
        with!(
            revise_indicator(GOAL, INDICATOR_DEFINED_AT),
            ReviseIndicator {
                kind: Some(IndicatorKind::Output)
            }
        ),
    )
    .then_error(DomainError::NotFound(ItemKind::Indicator));
    at.when(
        facilitator(),
        with!(
            revise_indicator(UNKNOWN, INDICATOR_DEFINED_AT),
            ReviseIndicator {
                name: Some(" ".into())
            }
        ),
    )
    .then_bad_input("name");
}

#[test]
fn an_indicators_version_follows_its_definition_revisions_and_measurements() {
    let mut history = method_world();
    let stale = |current_version| {
        DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Indicator,
            id: INDICATOR,
            current_version,
        })
    };
    applied(&mut history, partner(), record_measurement()); // 24
    assert_eq!(
        State::from_events(&history).indicators[&INDICATOR].version,
        24
    );
    given(history.clone())
        .when(facilitator(), revise_indicator_norm(30.0))
        .then_error(stale(24));
    let revise_at = |version| {
        with!(
            revise_indicator(INDICATOR, version),
            ReviseIndicator { norm: Some(30.0) }
        )
    };
    applied(&mut history, facilitator(), revise_at(24)); // 25
    let state = State::from_events(&history);
    assert_eq!(state.indicators[&INDICATOR].version, 25);
    assert_eq!(state.indicators[&INDICATOR].norm, 30.0);
    given(history.clone())
        .when(facilitator(), revise_at(24))
        .then_error(stale(25));
    // A bad norm is bad input, which comes before the stale version.
    given(history)
        .when(facilitator(), revise_indicator_norm(5.0))
        .then_bad_input("norm");
}

// ---------------------------------------------------------------------------
// Goals
// ---------------------------------------------------------------------------

#[test]
fn record_goal_appends_the_trimmed_statement_and_target_year() {
    let command = with!(
        record_goal(),
        RecordGoal {
            statement: format!("\t{GOAL_STATEMENT}  "),
        }
    );
    let decided = given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![goal_recorded(NEW)]);
    let mut history = method_world();
    history.extend(decided.events);
    assert_eq!(
        State::from_events(&history).goals[&NEW],
        METHOD_WORLD_VERSION + 1
    );
}

#[test]
fn a_goal_may_have_no_target_year() {
    given(method_world())
        .when(
            partner(),
            with!(record_goal(), RecordGoal { target_year: None }),
        )
        .then(vec![Event::GoalRecorded(GoalRecorded {
            goal_id: NEW,
            statement: text(GOAL_STATEMENT),
            target_year: None,
        })]);
}

#[test]
fn a_target_year_lies_between_2000_and_2100() {
    let at = given(method_world());
    for year in [2000, 2100] {
        at.when(
            partner(),
            with!(
                record_goal(),
                RecordGoal {
                    target_year: Some(year)
                }
            ),
        )
        .then(vec![Event::GoalRecorded(GoalRecorded {
            goal_id: NEW,
            statement: text(GOAL_STATEMENT),
            target_year: Some(year),
        })]);
        at.when(partner(), revise_goal_year(Some(year))).then_ok();
    }
    for year in [1999, 2101, 0, -2030, 20300] {
        at.when(
            partner(),
            with!(
                record_goal(),
                RecordGoal {
                    target_year: Some(year)
                }
            ),
        )
        .then_bad_input("targetYear");
        at.when(partner(), revise_goal_year(Some(year)))
            .then_bad_input("targetYear");
    }
}

#[test]
fn revise_goal_appends_the_trimmed_statement_it_is_given() {
    let command = with!(
        revise_goal(GOAL, GOAL_RECORDED_AT),
        ReviseGoal {
            statement: Some("  Jongeren zijn binnen twee weken in beeld. ".into()),
        }
    );
    given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![Event::GoalRevised(GoalRevised {
            goal_id: GOAL,
            statement: Some(text("Jongeren zijn binnen twee weken in beeld.")),
            target_year: None,
        })]);
}

#[test]
fn revise_goal_with_an_explicit_null_target_year_clears_it() {
    given(method_world())
        .when(partner(), revise_goal_year(None))
        .then(vec![Event::GoalRevised(GoalRevised {
            goal_id: GOAL,
            statement: None,
            target_year: Some(None),
        })]);
}

#[test]
fn revise_goal_without_any_field_is_bad_input() {
    given(method_world())
        .when(partner(), revise_goal(GOAL, GOAL_RECORDED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn revise_goal_of_an_unknown_goal_is_not_found_after_bad_input() {
    let at = given(method_world());
    for unknown in [UNKNOWN, PROBLEM] {
        at.when(
            partner(),
            with!(
                revise_goal_year(None),
                ReviseGoal {
                    goal_id: sid(unknown)
                }
            ),
        )
        .then_error(DomainError::NotFound(ItemKind::Goal));
    }
    at.when(
        partner(),
        with!(
            revise_goal(UNKNOWN, GOAL_RECORDED_AT),
            ReviseGoal {
                target_year: Some(Some(1900))
            }
        ),
    )
    .then_bad_input("targetYear");
}

#[test]
fn goal_revised_moves_the_goals_version_so_the_old_one_is_stale() {
    let mut history = method_world();
    applied(&mut history, partner(), revise_goal_year(Some(2035)));
    let revised_at = METHOD_WORLD_VERSION + 1;
    assert_eq!(State::from_events(&history).goals[&GOAL], revised_at);
    let at = given(history);
    at.when(partner(), revise_goal_year(None))
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Goal,
            id: GOAL,
            current_version: revised_at,
        }));
    at.when(
        partner(),
        with!(
            revise_goal_year(None),
            ReviseGoal {
                expected_version: revised_at
            }
        ),
    )
    .then_ok();
}

// ---------------------------------------------------------------------------
// Risks
// ---------------------------------------------------------------------------

#[test]
fn record_risk_appends_an_open_risk_with_its_trimmed_texts() {
    let command = with!(
        record_risk(),
        RecordRisk {
            title: format!(" {RISK_TITLE} "),
            mitigation: Some(format!("\n{MITIGATION}\n")),
        }
    );
    let decided = given(method_world())
        .when(partner(), command)
        .then(vec![risk_recorded(NEW)]);
    let mut history = method_world();
    history.extend(decided.events);
    assert_eq!(
        State::from_events(&history).risks[&NEW],
        RiskState {
            status: RiskStatus::Open,
            version: METHOD_WORLD_VERSION + 1
        }
    );
}

#[test]
fn an_empty_or_absent_mitigation_and_owner_mean_none() {
    let at = given(method_world());
    for mitigation in [None, Some(String::new()), Some("  \n".to_owned())] {
        let command = with!(
            record_risk(),
            RecordRisk {
                mitigation: mitigation,
                owner_partner_id: None,
            }
        );
        at.when(facilitator(), command)
            .then(vec![Event::RiskRecorded(RiskRecorded {
                risk_id: NEW,
                title: name(RISK_TITLE),
                description: text(RISK_DESCRIPTION),
                likelihood: RiskLevel::Medium,
                impact: RiskLevel::High,
                mitigation: None,
                owner_partner_id: None,
            })]);
    }
}

#[test]
fn a_mitigation_takes_at_most_10000_characters() {
    let at = given(method_world());
    let longest = "ë".repeat(10_000);
    let mitigation = |m: &str| {
        with!(
            record_risk(),
            RecordRisk {
                mitigation: Some(m.to_owned())
            }
        )
    };
    at.when(partner(), mitigation(&longest)).then_ok();
    at.when(partner(), mitigation(&format!("{longest}e")))
        .then_bad_input("mitigation");
    let revised = with!(
        revise_risk(RISK, RISK_RECORDED_AT),
        ReviseRisk {
            mitigation: Some(Some(format!("{longest}e")))
        }
    );
    at.when(partner(), revised).then_bad_input("mitigation");
}

#[test]
fn a_risk_owned_by_an_unknown_partner_is_bad_input() {
    let at = given(method_world());
    for owner in [UNKNOWN, PARTNER_MEMBER, PROBLEM] {
        at.when(
            partner(),
            with!(
                record_risk(),
                RecordRisk {
                    owner_partner_id: Some(sid(owner))
                }
            ),
        )
        .then_bad_input("ownerPartnerId");
        at.when(
            partner(),
            with!(
                revise_risk(RISK, RISK_RECORDED_AT),
                ReviseRisk {
                    owner_partner_id: Some(Some(sid(owner)))
                }
            ),
        )
        .then_bad_input("ownerPartnerId");
    }
}

#[test]
fn revise_risk_appends_the_fields_it_is_given_and_moves_status_and_version() {
    let mut history = method_world_and([partner_added(OTHER_PARTNER)]); // 24
    let command = with!(
        revise_risk(RISK, RISK_RECORDED_AT),
        ReviseRisk {
            likelihood: Some(RiskLevel::Low),
            owner_partner_id: Some(Some(sid(OTHER_PARTNER))),
            status: Some(RiskStatus::Mitigated),
        }
    );
    let decided = given(history.clone())
        .when(facilitator(), command)
        .then(vec![Event::RiskRevised(RiskRevised {
            risk_id: RISK,
            title: None,
            description: None,
            likelihood: Some(RiskLevel::Low),
            impact: None,
            mitigation: None,
            owner_partner_id: Some(Some(OTHER_PARTNER)),
            status: Some(RiskStatus::Mitigated),
        })]);
    history.extend(decided.events);
    assert_eq!(
        State::from_events(&history).risks[&RISK],
        RiskState {
            status: RiskStatus::Mitigated,
            version: 25
        }
    );
}

#[test]
fn revise_risk_clears_the_mitigation_and_owner_with_null_or_an_empty_mitigation() {
    let at = given(method_world());
    for mitigation in [None, Some(String::new()), Some(" \t".to_owned())] {
        let command = with!(
            revise_risk(RISK, RISK_RECORDED_AT),
            ReviseRisk {
                mitigation: Some(mitigation),
                owner_partner_id: Some(None),
            }
        );
        at.when(partner(), command)
            .then(vec![Event::RiskRevised(RiskRevised {
                risk_id: RISK,
                title: None,
                description: None,
                likelihood: None,
                impact: None,
                mitigation: Some(None),
                owner_partner_id: Some(None),
                status: None,
            })]);
    }
}

#[test]
fn any_risk_status_but_closed_may_follow_any_other() {
    let all = [
        RiskStatus::Open,
        RiskStatus::Mitigated,
        RiskStatus::Occurred,
        RiskStatus::Closed,
    ];
    for from in [
        RiskStatus::Open,
        RiskStatus::Mitigated,
        RiskStatus::Occurred,
    ] {
        let mut history = method_world();
        if from != RiskStatus::Open {
            history.push(risk_now(RISK, from)); // 24
        }
        let version = State::from_events(&history).risks[&RISK].version;
        for to in all {
            let decided = given(history.clone())
                .when(partner(), revise_risk_status(version, to))
                .then(vec![risk_now(RISK, to)]);
            let mut after = history.clone();
            after.extend(decided.events);
            assert_eq!(State::from_events(&after).risks[&RISK].status, to);
        }
    }
}

#[test]
fn a_closed_risk_is_final() {
    let closed_at = METHOD_WORLD_VERSION + 1;
    let at = given(method_world_and([risk_now(RISK, RiskStatus::Closed)]));
    for status in [RiskStatus::Open, RiskStatus::Closed] {
        at.when(partner(), revise_risk_status(closed_at, status))
            .then_invalid_state();
    }
    at.when(
        partner(),
        with!(
            revise_risk(RISK, closed_at),
            ReviseRisk {
                title: Some("Scholen haken toch af".into())
            }
        ),
    )
    .then_invalid_state();
    // Bad input comes before the closed risk's state.
    at.when(
        partner(),
        with!(
            revise_risk(RISK, closed_at),
            ReviseRisk {
                title: Some(" ".into())
            }
        ),
    )
    .then_bad_input("title");
}

#[test]
fn a_stale_risk_version_conflicts_even_when_the_risk_is_closed() {
    let at = given(method_world());
    at.when(
        partner(),
        revise_risk_status(RISK_RECORDED_AT - 1, RiskStatus::Occurred),
    )
    .then_error(DomainError::Conflict(ConflictOn::Item {
        kind: ItemKind::Risk,
        id: RISK,
        current_version: RISK_RECORDED_AT,
    }));
    let closed = given(method_world_and([risk_now(RISK, RiskStatus::Closed)]));
    closed
        .when(
            partner(),
            revise_risk_status(RISK_RECORDED_AT, RiskStatus::Open),
        )
        .then_error(DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::Risk,
            id: RISK,
            current_version: METHOD_WORLD_VERSION + 1,
        }));
}

#[test]
fn revise_risk_without_any_field_is_bad_input() {
    given(method_world())
        .when(partner(), revise_risk(RISK, RISK_RECORDED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn revise_risk_of_an_unknown_risk_is_not_found_after_bad_input() {
    let at = given(method_world());
    for unknown in [UNKNOWN, GOAL] {
        at.when(
            partner(),
            with!(
                revise_risk_status(RISK_RECORDED_AT, RiskStatus::Occurred),
                ReviseRisk {
                    risk_id: sid(unknown)
                }
            ),
        )
        .then_error(DomainError::NotFound(ItemKind::Risk));
    }
    at.when(
        partner(),
        with!(
            revise_risk(UNKNOWN, RISK_RECORDED_AT),
            ReviseRisk {
                title: Some(String::new())
            }
        ),
    )
    .then_bad_input("title");
}

// ---------------------------------------------------------------------------
// Decisions: review dates, consequences, reviews
// ---------------------------------------------------------------------------

#[test]
fn record_decision_keeps_its_review_date_and_trimmed_consequences() {
    let command = with!(
        record_decision(),
        RecordDecision {
            review_on: Some(day(31)),
            consequences: Some("  Scholen roosteren een uur in. ".into()),
        }
    );
    let Event::DecisionRecorded(recorded) = decision_recorded(NEW, vec![], None) else {
        unreachable!("decision_recorded records a decision")
    };
    given(method_world())
        .when(partner(), command)
        .then(vec![Event::DecisionRecorded(DecisionRecorded {
            review_on: Some(day(31)),
            consequences: Some(note("Scholen roosteren een uur in.")),
            ..recorded
        })]);
}

#[test]
fn keep_and_revise_reviews_carry_the_next_review_date_or_none() {
    let at = given(method_world());
    for outcome in [ReviewOutcome::Keep, ReviewOutcome::Revise] {
        for next in [Some(day(30)), None] {
            let command = with!(
                review(DECISION, outcome, next),
                ReviewDecision {
                    note: format!("  {REVIEW_NOTE}\n"),
                }
            );
            at.when(partner(), command)
                .then(vec![reviewed(DECISION, outcome, next)]);
        }
    }
}

#[test]
fn a_retire_review_retires_the_decision() {
    let mut history = method_world();
    let decided = given(history.clone())
        .when(facilitator(), review(DECISION, ReviewOutcome::Retire, None))
        .then(vec![reviewed(DECISION, ReviewOutcome::Retire, None)]);
    history.extend(decided.events);
    let state = State::from_events(&history);
    assert!(state.retired.contains(&DECISION));
    assert!(!state.decisions[&DECISION], "retired, not superseded");
}

#[test]
fn keeping_or_revising_a_decision_leaves_it_open_to_more_reviews() {
    let mut history = method_world();
    applied(
        &mut history,
        partner(),
        review(DECISION, ReviewOutcome::Keep, Some(day(30))),
    );
    applied(
        &mut history,
        partner(),
        review(DECISION, ReviewOutcome::Revise, None),
    );
    assert!(!State::from_events(&history).retired.contains(&DECISION));
    given(history)
        .when(partner(), review(DECISION, ReviewOutcome::Retire, None))
        .then(vec![reviewed(DECISION, ReviewOutcome::Retire, None)]);
}

#[test]
fn retiring_with_a_next_review_date_is_bad_input() {
    given(method_world())
        .when(
            partner(),
            review(DECISION, ReviewOutcome::Retire, Some(day(30))),
        )
        .then_bad_input("retired");
}

#[test]
fn reviewing_an_unknown_decision_is_not_found_after_bad_input() {
    let at = given(method_world());
    for unknown in [UNKNOWN, PROBLEM] {
        at.when(partner(), review(unknown, ReviewOutcome::Keep, None))
            .then_error(DomainError::NotFound(ItemKind::Decision));
    }
    at.when(
        partner(),
        review(UNKNOWN, ReviewOutcome::Retire, Some(day(1))),
    )
    .then_bad_input("retired");
    at.when(
        partner(),
        with!(
            review(UNKNOWN, ReviewOutcome::Keep, None),
            ReviewDecision { note: " ".into() }
        ),
    )
    .then_bad_input("note");
}

#[test]
fn a_superseded_decision_cannot_be_reviewed() {
    let later = Uuid::from_u128(0x51);
    let at = given(method_world_and([decision_recorded(
        later,
        vec![],
        Some(DECISION),
    )]));
    for outcome in [
        ReviewOutcome::Keep,
        ReviewOutcome::Revise,
        ReviewOutcome::Retire,
    ] {
        at.when(partner(), review(DECISION, outcome, None))
            .then_invalid_state();
    }
    at.when(partner(), review(later, ReviewOutcome::Keep, None))
        .then_ok();
    // Bad input comes before the superseded decision's state.
    at.when(
        partner(),
        review(DECISION, ReviewOutcome::Retire, Some(day(1))),
    )
    .then_bad_input("retired");
}

#[test]
fn a_retired_decision_cannot_be_reviewed_again() {
    let at = given(method_world_and([reviewed(
        DECISION,
        ReviewOutcome::Retire,
        None,
    )]));
    for outcome in [
        ReviewOutcome::Keep,
        ReviewOutcome::Revise,
        ReviewOutcome::Retire,
    ] {
        at.when(facilitator(), review(DECISION, outcome, None))
            .then_invalid_state();
    }
}

// ---------------------------------------------------------------------------
// Actions: the indicators they move, the progress log
// ---------------------------------------------------------------------------

#[test]
fn plan_action_keeps_the_indicators_it_should_move_in_order() {
    let command = with!(
        plan(NEW),
        PlanAction {
            indicator_ids: vec![sid(OTHER_INDICATOR), sid(INDICATOR)],
        }
    );
    let Event::ActionPlanned(planned_action) = planned(NEW) else {
        unreachable!("planned plans an action")
    };
    given(method_world_and([decreasing_indicator_defined(
        OTHER_INDICATOR,
    )]))
    .when(partner(), command)
    .then(vec![Event::ActionPlanned(ActionPlanned {
        indicator_ids: vec![OTHER_INDICATOR, INDICATOR],
        ..planned_action
    })]);
}

#[test]
fn revise_action_replaces_the_list_of_indicators() {
    let at = given(method_world());
    for ids in [vec![INDICATOR], vec![]] {
        let command = with!(
            revise(ACTION, ACTION_PLANNED_AT),
            ReviseAction {
                indicator_ids: Some(ids.iter().copied().map(sid).collect()),
            }
        );
        at.when(partner(), command)
            .then(vec![Event::ActionRevised(ActionRevised {
                action_id: ACTION,
                title: None,
                goal: None,
                owner_partner_id: None,
                due_date: None,
                indicator_ids: Some(ids),
            })]);
    }
}

#[test]
fn unknown_or_repeated_indicator_ids_are_bad_input() {
    let at = given(method_world());
    for ids in [
        vec![sid(UNKNOWN)],
        vec![sid(GOAL)],
        vec![sid(INDICATOR), sid(INDICATOR)],
        vec![sid(INDICATOR), sid(INDICATOR).to_uppercase()],
        vec!["indicator-1".to_owned()],
    ] {
        at.when(
            partner(),
            with!(
                plan(NEW),
                PlanAction {
                    indicator_ids: ids.clone()
                }
            ),
        )
        .then_bad_input("indicatorIds");
        at.when(
            partner(),
            with!(
                revise(ACTION, ACTION_PLANNED_AT),
                ReviseAction {
                    indicator_ids: Some(ids)
                }
            ),
        )
        .then_bad_input("indicatorIds");
    }
}

#[test]
fn linking_an_action_to_an_indicator_changes_only_the_action() {
    let mut history = method_world();
    let command = with!(
        revise(ACTION, ACTION_PLANNED_AT),
        ReviseAction {
            indicator_ids: Some(vec![sid(INDICATOR)]),
        }
    );
    applied(&mut history, partner(), command);
    let with_indicator = with!(
        plan(NEW),
        PlanAction {
            indicator_ids: vec![sid(INDICATOR)],
        }
    );
    applied(&mut history, partner(), with_indicator);
    let state = State::from_events(&history);
    assert_eq!(state.indicators[&INDICATOR].version, INDICATOR_DEFINED_AT);
    assert_eq!(state.actions[&ACTION].version, METHOD_WORLD_VERSION + 1);
    given(history)
        .when(facilitator(), revise_indicator_norm(30.0))
        .then_ok();
}

#[test]
fn log_action_progress_appends_the_entry_to_the_current_cycle() {
    let command = with!(
        log_progress(ACTION),
        LogActionProgress {
            text: format!("  {PROGRESS} "),
        }
    );
    given(action_in(ActionStatus::Doing))
        .when(partner(), command.clone())
        .then(vec![progress_logged(ACTION, 1)]);
    let mut second_cycle = action_in(ActionStatus::Adapted);
    second_cycle.push(started(ACTION, 2));
    given(second_cycle)
        .when(facilitator(), command)
        .then(vec![progress_logged(ACTION, 2)]);
}

#[test]
fn progress_is_logged_only_while_the_action_is_doing() {
    for status in ALL_STATUSES {
        let outcome = given(action_in(status)).when(partner(), log_progress(ACTION));
        if status == ActionStatus::Doing {
            outcome.then_ok();
        } else {
            outcome.then_invalid_state();
        }
    }
    // Bad input comes before the action's state.
    given(action_in(ActionStatus::Planned))
        .when(
            partner(),
            with!(log_progress(ACTION), LogActionProgress { text: " ".into() }),
        )
        .then_bad_input("text");
}

#[test]
fn logging_progress_changes_the_actions_version_but_not_its_status() {
    let mut history = action_in(ActionStatus::Doing); // started at 9
    applied(&mut history, partner(), log_progress(ACTION)); // 10
    applied(&mut history, partner(), log_progress(ACTION)); // 11: entries never conflict
    assert_eq!(
        State::from_events(&history).actions[&ACTION],
        ActionState {
            status: ActionStatus::Doing,
            cycle: 1,
            version: 11
        }
    );
    let at = given(history);
    at.when(partner(), check(ACTION, Some(9)))
        .then_error(DomainError::Conflict(ConflictOn::Action {
            id: ACTION,
            current_version: 11,
        }));
    at.when(partner(), check(ACTION, Some(11)))
        .then(vec![checked(ACTION)]);
}

#[test]
fn logging_progress_on_an_unknown_action_is_not_found_after_bad_input() {
    let at = given(method_world());
    for unknown in [UNKNOWN, PROBLEM] {
        at.when(partner(), log_progress(unknown))
            .then_error(DomainError::NotFound(ItemKind::Action));
    }
    at.when(
        partner(),
        with!(log_progress(UNKNOWN), LogActionProgress { text: "".into() }),
    )
    .then_bad_input("text");
}

// ---------------------------------------------------------------------------
// Client journeys
// ---------------------------------------------------------------------------

#[test]
fn start_client_journey_appends_a_journey_without_steps() {
    let command = with!(
        start_journey(),
        StartClientJourney {
            title: format!("  {JOURNEY_TITLE}"),
            situation: format!("{SITUATION}\n"),
        }
    );
    let decided = given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![journey_started(NEW)]);
    let mut history = method_world();
    history.extend(decided.events);
    assert_eq!(
        State::from_events(&history).journeys[&NEW],
        JourneyState::default()
    );
}

#[test]
fn add_journey_step_appends_the_step_and_its_version() {
    let command = with!(
        add_step(JOURNEY),
        AddJourneyStep {
            title: format!(" {STEP_TITLE} "),
        }
    );
    let decided = given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![step_added(JOURNEY, NEW)]);
    let mut history = method_world();
    history.extend(decided.events);
    let steps = &State::from_events(&history).journeys[&JOURNEY].steps;
    assert_eq!(steps[&NEW], METHOD_WORLD_VERSION + 1);
    assert_eq!(steps[&STEP], STEP_ADDED_AT, "the other step is unchanged");
}

#[test]
fn a_step_may_have_no_partner_and_no_days() {
    let command = with!(
        add_step(JOURNEY),
        AddJourneyStep {
            partner_id: None,
            days: None,
        }
    );
    given(method_world())
        .when(partner(), command)
        .then(vec![Event::JourneyStepAdded(JourneyStepAdded {
            journey_id: JOURNEY,
            step_id: NEW,
            title: name(STEP_TITLE),
            description: text(STEP_DESCRIPTION),
            partner_id: None,
            days: None,
        })]);
}

#[test]
fn a_steps_days_lie_between_0_and_3650() {
    let at = given(method_world());
    for days in [0, 3_650] {
        at.when(partner(), add_step_days(days))
            .then(vec![Event::JourneyStepAdded(JourneyStepAdded {
                days: Some(days),
                ..match step_added(JOURNEY, NEW) {
                    Event::JourneyStepAdded(added) => added,
                    other => unreachable!("{other:?}"),
                }
            })]);
    }
    for days in [-1, 3_651, i32::MIN, i32::MAX] {
        at.when(partner(), add_step_days(days))
            .then_bad_input("days");
    }
}

#[test]
fn a_step_at_an_unknown_partner_is_bad_input() {
    let at = given(method_world());
    for unknown in [sid(UNKNOWN), sid(PARTNER_MEMBER), "partner-1".to_owned()] {
        at.when(
            partner(),
            with!(
                add_step(JOURNEY),
                AddJourneyStep {
                    partner_id: Some(unknown)
                }
            ),
        )
        .then_bad_input("partnerId");
    }
}

#[test]
fn adding_a_step_to_an_unknown_journey_is_not_found_after_bad_input() {
    let at = given(method_world());
    for unknown in [UNKNOWN, STEP, GOAL] {
        at.when(partner(), add_step(unknown))
            .then_error(DomainError::NotFound(ItemKind::Journey));
    }
    at.when(
        partner(),
        with!(add_step(UNKNOWN), AddJourneyStep { days: Some(-1) }),
    )
    .then_bad_input("days");
    at.when(
        partner(),
        with!(
            add_step(UNKNOWN),
            AddJourneyStep {
                partner_id: Some(sid(UNKNOWN))
            }
        ),
    )
    .then_bad_input("partnerId");
}

#[test]
fn assess_journey_step_appends_the_judgements_it_is_given() {
    let command = with!(
        assess(JOURNEY, STEP, STEP_ADDED_AT),
        AssessJourneyStep {
            knowledge: Some(Some(Quality::Good)),
            client_centred: Some(Some(Quality::Poor)),
            bottleneck: Some(Some("  Sam wacht drie weken op een afspraak. ".into())),
        }
    );
    given(method_world())
        .when(member(Role::ClientVoice), command)
        .then(vec![Event::JourneyStepAssessed(JourneyStepAssessed {
            knowledge: Some(Some(Quality::Good)),
            client_centred: Some(Some(Quality::Poor)),
            bottleneck: Some(Some(note("Sam wacht drie weken op een afspraak."))),
            ..step_assessed(JOURNEY, STEP)
        })]);
}

#[test]
fn an_explicit_null_clears_a_judgement_and_null_or_empty_clears_the_bottleneck() {
    let at = given(method_world());
    let clear = with!(
        assess(JOURNEY, STEP, STEP_ADDED_AT),
        AssessJourneyStep {
            attitude: Some(None),
            skills: Some(Some(Quality::Adequate)),
        }
    );
    at.when(partner(), clear)
        .then(vec![Event::JourneyStepAssessed(JourneyStepAssessed {
            attitude: Some(None),
            skills: Some(Some(Quality::Adequate)),
            ..step_assessed(JOURNEY, STEP)
        })]);
    for bottleneck in [None, Some(String::new()), Some("  ".to_owned())] {
        at.when(partner(), assess_bottleneck(bottleneck))
            .then(vec![Event::JourneyStepAssessed(JourneyStepAssessed {
                bottleneck: Some(None),
                ..step_assessed(JOURNEY, STEP)
            })]);
    }
}

#[test]
fn a_bottleneck_takes_at_most_10000_characters() {
    let at = given(method_world());
    let longest = "ë".repeat(10_000);
    at.when(partner(), assess_bottleneck(Some(longest.clone())))
        .then_ok();
    at.when(partner(), assess_bottleneck(Some(format!("{longest}e"))))
        .then_bad_input("bottleneck");
}

#[test]
fn assess_journey_step_without_any_field_is_bad_input() {
    given(method_world())
        .when(partner(), assess(JOURNEY, STEP, STEP_ADDED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn an_unknown_journey_or_a_step_of_another_journey_is_not_found() {
    let at = given(method_world_and([
        journey_started(OTHER_JOURNEY),        // 24
        step_added(OTHER_JOURNEY, OTHER_STEP), // 25
    ]));
    at.when(partner(), assess_knowledge(UNKNOWN, STEP, STEP_ADDED_AT))
        .then_error(DomainError::NotFound(ItemKind::Journey));
    at.when(partner(), assess_knowledge(JOURNEY, UNKNOWN, STEP_ADDED_AT))
        .then_error(DomainError::NotFound(ItemKind::JourneyStep));
    at.when(partner(), assess_knowledge(JOURNEY, OTHER_STEP, 25))
        .then_error(DomainError::NotFound(ItemKind::JourneyStep));
    at.when(
        partner(),
        assess_knowledge(OTHER_JOURNEY, STEP, STEP_ADDED_AT),
    )
    .then_error(DomainError::NotFound(ItemKind::JourneyStep));
    at.when(partner(), assess_knowledge(OTHER_JOURNEY, OTHER_STEP, 25))
        .then_ok();
    // Bad input comes before the unknown journey.
    at.when(partner(), assess(UNKNOWN, UNKNOWN, 0))
        .then_bad_input("at least one field");
}

#[test]
fn a_stale_step_version_conflicts_with_the_steps_current_version() {
    let mut history = method_world();
    let stale = |current_version| {
        DomainError::Conflict(ConflictOn::Item {
            kind: ItemKind::JourneyStep,
            id: STEP,
            current_version,
        })
    };
    given(history.clone())
        .when(
            partner(),
            assess_knowledge(JOURNEY, STEP, STEP_ADDED_AT - 1),
        )
        .then_error(stale(STEP_ADDED_AT));
    applied(
        &mut history,
        partner(),
        assess_knowledge(JOURNEY, STEP, STEP_ADDED_AT),
    ); // 24
    assert_eq!(
        State::from_events(&history).journeys[&JOURNEY].steps[&STEP],
        24
    );
    given(history.clone())
        .when(partner(), assess_knowledge(JOURNEY, STEP, STEP_ADDED_AT))
        .then_error(stale(24));
    // Another step of the same journey does not change this step.
    applied(&mut history, partner(), add_step(JOURNEY)); // 25
    given(history)
        .when(partner(), assess_knowledge(JOURNEY, STEP, 24))
        .then_ok();
}

// ---------------------------------------------------------------------------
// The checklist
// ---------------------------------------------------------------------------

#[test]
fn a_new_werkplaats_has_the_nine_standard_checklist_items_and_stays_at_version_2() {
    let decided = given(vec![])
        .when(Actor::Admin, create_werkplaats())
        .then(created(Methodology::SchoudersEronder));
    let state = State::from_events(&decided.events);
    assert_eq!(state.version, 2);
    let standard: HashSet<Uuid> = standard_checklist_ids(WERKPLAATS).collect();
    assert_eq!(standard.len(), 9);
    assert_eq!(state.checklist, standard);
    assert_eq!(
        State::from_events(&created(Methodology::NjiZevenStappen)).checklist,
        standard,
        "the same ids at every fold"
    );
}

#[test]
fn the_standard_items_are_three_knowledge_then_three_attitude_then_three_skills() {
    let competences: Vec<Competence> = STANDARD_CHECKLIST.iter().map(|s| s.competence).collect();
    assert_eq!(
        competences,
        [
            [Competence::Knowledge; 3],
            [Competence::Attitude; 3],
            [Competence::Skills; 3]
        ]
        .concat()
    );
    for item in &STANDARD_CHECKLIST {
        assert!(Text::parse(item.statement, "statement").is_ok());
    }
}

#[test]
fn every_standard_item_may_be_answered() {
    let at = given(method_world());
    for item in standard_checklist_ids(WERKPLAATS) {
        at.when(partner(), answer(item, PARTNER))
            .then(vec![answered(item, PARTNER)]);
    }
}

#[test]
fn add_checklist_item_appends_the_trimmed_statement_after_the_standard_items() {
    let command = with!(
        add_checklist_item(),
        AddChecklistItem {
            statement: format!("  {ITEM_STATEMENT}\n"),
        }
    );
    let decided = given(method_world())
        .when(facilitator(), command)
        .then(vec![checklist_item_added(NEW)]);
    let mut history = method_world();
    history.extend(decided.events);
    let checklist = State::from_events(&history).checklist;
    assert!(checklist.contains(&NEW));
    assert_eq!(checklist.len(), 9 + 2);
}

#[test]
fn a_partner_answers_for_its_own_partner_with_a_trimmed_note() {
    let command = with!(
        answer(first_standard_item(), PARTNER),
        AnswerChecklistItem {
            answer: ChecklistAnswerValue::Partly,
            note: Some("  Nog niet alle consulenten ".into()),
        }
    );
    given(method_world())
        .when(partner(), command)
        .then(vec![Event::ChecklistItemAnswered(ChecklistItemAnswered {
            item_id: first_standard_item(),
            partner_id: PARTNER,
            answer: ChecklistAnswerValue::Partly,
            note: Some(note("Nog niet alle consulenten")),
        })]);
}

#[test]
fn a_facilitator_answers_for_any_partner() {
    let at = given(method_world_and([partner_added(OTHER_PARTNER)]));
    for partner_id in [PARTNER, OTHER_PARTNER] {
        at.when(facilitator(), answer(ITEM, partner_id))
            .then(vec![answered(ITEM, partner_id)]);
    }
}

#[test]
fn a_partner_answering_for_another_partner_or_for_none_is_forbidden() {
    let at = given(method_world_and([
        partner_added(OTHER_PARTNER),
        invited(LONE_PARTNER_MEMBER, Role::Partner, None),
    ]));
    at.when(partner(), answer(ITEM, OTHER_PARTNER))
        .then_error(DomainError::Forbidden);
    for partner_id in [PARTNER, OTHER_PARTNER] {
        at.when(Actor::Member(LONE_PARTNER_MEMBER), answer(ITEM, partner_id))
            .then_error(DomainError::Forbidden);
    }
}

#[test]
fn an_unknown_partner_then_an_unknown_item_come_before_answering_for_another_partner() {
    let at = given(method_world_and([partner_added(OTHER_PARTNER)]));
    at.when(partner(), answer(UNKNOWN, UNKNOWN))
        .then_bad_input("partnerId");
    at.when(partner(), answer(UNKNOWN, OTHER_PARTNER))
        .then_error(DomainError::NotFound(ItemKind::ChecklistItem));
    at.when(partner(), answer(GOAL, OTHER_PARTNER))
        .then_error(DomainError::NotFound(ItemKind::ChecklistItem));
    at.when(partner(), answer(ITEM, OTHER_PARTNER))
        .then_error(DomainError::Forbidden);
    at.when(
        partner(),
        with!(
            answer(UNKNOWN, OTHER_PARTNER),
            AnswerChecklistItem {
                note: Some("ë".repeat(10_001))
            }
        ),
    )
    .then_bad_input("note");
}

#[test]
fn a_second_answer_by_the_same_partner_is_accepted() {
    let mut history = method_world();
    applied(&mut history, partner(), answer(ITEM, PARTNER));
    let again = with!(
        answer(ITEM, PARTNER),
        AnswerChecklistItem {
            answer: ChecklistAnswerValue::No,
        }
    );
    given(history)
        .when(partner(), again)
        .then(vec![Event::ChecklistItemAnswered(ChecklistItemAnswered {
            item_id: ITEM,
            partner_id: PARTNER,
            answer: ChecklistAnswerValue::No,
            note: None,
        })]);
}

// ---------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------

#[test]
fn based_on_and_about_take_goals_risks_journeys_and_checklist_items() {
    let at = given(method_world());
    let ids = vec![GOAL, RISK, JOURNEY, ITEM, first_standard_item()];
    let Event::DecisionRecorded(recorded) = decision_recorded(NEW, ids.clone(), None) else {
        unreachable!("decision_recorded records a decision")
    };
    at.when(
        partner(),
        with!(
            record_decision(),
            RecordDecision {
                based_on: ids.iter().copied().map(sid).collect(),
            }
        ),
    )
    .then(vec![Event::DecisionRecorded(recorded)]);
    at.when(
        member(Role::ClientVoice),
        with!(
            record_reflection(),
            RecordReflection {
                about: ids.iter().copied().map(sid).collect(),
            }
        ),
    )
    .then(vec![reflection_recorded(NEW, ids, 1)]);
}
