//! The rules of a werkplaats checked against the contract, in the
//! given events / when command / then events-or-error style: no database, no
//! async, fixed ids.

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

/// A werkplaats folded from the events it has been given.
struct Given {
    state: State,
}

fn given(events: Vec<Event>) -> Given {
    Given {
        state: State::from_events(&events),
    }
}

impl Given {
    fn when(&self, actor: Actor, command: Command) -> Outcome {
        let mut label = format!("{actor:?} sends {command:?}");
        if label.chars().count() > 160 {
            label = label.chars().take(160).collect::<String>() + "…";
        }
        Outcome {
            label,
            result: decide(&self.state, actor, command),
        }
    }
}

/// What `decide` answered, with a label for failure messages.
#[must_use]
struct Outcome {
    label: String,
    result: Result<Decided, DomainError>,
}

impl Outcome {
    /// Accepted, appending exactly `expected`.
    #[track_caller]
    fn then(self, expected: Vec<Event>) -> Decided {
        match self.result {
            Ok(decided) => {
                assert_eq!(decided.events, expected, "{}", self.label);
                decided
            }
            Err(error) => panic!("{}: expected {expected:#?}, got {error:?}", self.label),
        }
    }

    /// Accepted, whatever it appends.
    #[track_caller]
    fn then_ok(self) -> Decided {
        match self.result {
            Ok(decided) => decided,
            Err(error) => panic!("{}: expected events, got {error:?}", self.label),
        }
    }

    #[track_caller]
    fn then_error(self, expected: DomainError) {
        match self.result {
            Ok(decided) => panic!(
                "{}: expected {expected:?}, got {:#?}",
                self.label, decided.events
            ),
            Err(error) => assert_eq!(error, expected, "{}", self.label),
        }
    }

    /// Refused as bad input, with a message that mentions `about`.
    #[track_caller]
    fn then_bad_input(self, about: &str) {
        match self.result {
            Err(DomainError::BadInput(message)) => assert!(
                message.contains(about),
                "{}: BadInput {message:?} does not mention {about:?}",
                self.label
            ),
            Ok(decided) => panic!(
                "{}: expected BadInput about {about:?}, got {:#?}",
                self.label, decided.events
            ),
            Err(error) => panic!(
                "{}: expected BadInput about {about:?}, got {error:?}",
                self.label
            ),
        }
    }

    #[track_caller]
    fn then_invalid_state(self) {
        match self.result {
            Err(DomainError::InvalidState(_)) => {}
            other => panic!("{}: expected InvalidState, got {other:?}", self.label),
        }
    }
}

/// A command with some of its fields replaced:
/// `with!(record_problem(), RecordProblem { title: "x".into() })`.
macro_rules! with {
    ($command:expr, $variant:ident { $($field:ident: $value:expr),+ $(,)? }) => {{
        let mut command = $command;
        $(
            // Evaluated before `$field` names the command's field.
            let value = $value;
            let Command::$variant(fields) = &mut command else {
                panic!("expected a {} command, got {command:?}", stringify!($variant));
            };
            fields.$field = value;
        )+
        command
    }};
}

// ---------------------------------------------------------------------------
// Fixed ids
// ---------------------------------------------------------------------------

const WERKPLAATS: Uuid = Uuid::from_u128(0x01);
const FACILITATOR: Uuid = Uuid::from_u128(0x10);
const PARTNER_MEMBER: Uuid = Uuid::from_u128(0x11);
const CLIENT_VOICE_MEMBER: Uuid = Uuid::from_u128(0x12);
const EVALUATOR_MEMBER: Uuid = Uuid::from_u128(0x13);
const OBSERVER_MEMBER: Uuid = Uuid::from_u128(0x14);
/// A member id no werkplaats has invited.
const STRANGER: Uuid = Uuid::from_u128(0x1f);
const PARTNER: Uuid = Uuid::from_u128(0x20);
const PROBLEM: Uuid = Uuid::from_u128(0x30);
const SOLUTION: Uuid = Uuid::from_u128(0x40);
const DECISION: Uuid = Uuid::from_u128(0x50);
const ACTION: Uuid = Uuid::from_u128(0x60);
const DOING_ACTION: Uuid = Uuid::from_u128(0x61);
const CHECKING_ACTION: Uuid = Uuid::from_u128(0x62);
const OTHER_ACTION: Uuid = Uuid::from_u128(0x63);
const REFLECTION: Uuid = Uuid::from_u128(0x70);
const INDICATOR: Uuid = Uuid::from_u128(0x80);
/// The id of the item a command creates.
const NEW: Uuid = Uuid::from_u128(0x99);
/// An id nothing in the werkplaats has.
const UNKNOWN: Uuid = Uuid::from_u128(0xdead);

/// Versions of the [`world`] fixture.
const ACTION_PLANNED_AT: i64 = 11;
const DOING_ACTION_STARTED_AT: i64 = 13;
const CHECKING_ACTION_CHECKED_AT: i64 = 16;
const WORLD_VERSION: i64 = 18;

const ALL_ROLES: [Role; 5] = [
    Role::Facilitator,
    Role::Partner,
    Role::ClientVoice,
    Role::Evaluator,
    Role::Observer,
];

fn member(role: Role) -> Actor {
    Actor::Member(match role {
        Role::Facilitator => FACILITATOR,
        Role::Partner => PARTNER_MEMBER,
        Role::ClientVoice => CLIENT_VOICE_MEMBER,
        Role::Evaluator => EVALUATOR_MEMBER,
        Role::Observer => OBSERVER_MEMBER,
    })
}

fn facilitator() -> Actor {
    member(Role::Facilitator)
}

fn partner() -> Actor {
    member(Role::Partner)
}

fn sid(id: Uuid) -> String {
    id.to_string()
}

fn many(n: usize) -> Vec<Uuid> {
    (0..n as u128)
        .map(|i| Uuid::from_u128(0x1000 + i))
        .collect()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("a valid date")
}

// Events given by hand hold parsed text, as `decide` produces it.
use crate::domain::given::{name, note, text};

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

const TITLE: &str = "Jongeren melden zich laat";
const DESCRIPTION: &str = "Jongeren komen pas bij schulden boven de 5.000 euro.";
const FINDINGS: &str = "Vier jongeren kwamen naar het spreekuur.";
const RATIONALE: &str = "Het spreekuur bereikt jongeren eerder.";

fn created(methodology: Methodology) -> Vec<Event> {
    vec![
        Event::WerkplaatsCreated(WerkplaatsCreated {
            werkplaats_id: WERKPLAATS,
            name: name("Jongeren en schulden"),
            municipality: name("Zwolle"),
            question: text("Hoe bereiken we jongeren met schulden eerder?"),
            methodology,
        }),
        invited(FACILITATOR, Role::Facilitator, None),
    ]
}

fn invited(member_id: Uuid, role: Role, partner_id: Option<Uuid>) -> Event {
    Event::MemberInvited(MemberInvited {
        member_id,
        role,
        partner_id,
    })
}

fn partner_added(partner_id: Uuid) -> Event {
    Event::PartnerAdded(PartnerAdded {
        partner_id,
        name: name("Schuldhulp Zwolle"),
        kind: PartnerKind::Schuldhulpverlening,
    })
}

fn problem_recorded(problem_id: Uuid) -> Event {
    Event::ProblemRecorded(ProblemRecorded {
        problem_id,
        title: name(TITLE),
        description: text(DESCRIPTION),
        perspective: Perspective::Client,
    })
}

fn solution_proposed(solution_id: Uuid, addresses_problem_ids: Vec<Uuid>) -> Event {
    Event::SolutionProposed(SolutionProposed {
        solution_id,
        title: name("Spreekuur op school"),
        description: text(DESCRIPTION),
        basis: vec![EvidenceBasis::Casuistry],
        addresses_problem_ids,
        capitals: Vec::new(),
        recognition: crate::domain::RecognitionLevel::NotAssessed,
    })
}

fn decision_recorded(
    decision_id: Uuid,
    based_on: Vec<Uuid>,
    supersedes_decision_id: Option<Uuid>,
) -> Event {
    Event::DecisionRecorded(DecisionRecorded {
        decision_id,
        title: name("We starten een spreekuur"),
        context: text("Jongeren melden zich laat."),
        options_considered: vec![name("Spreekuur"), name("Campagne")],
        decision: text("Spreekuur op twee scholen"),
        rationale: text(RATIONALE),
        based_on,
        supersedes_decision_id,
        consequences: None,
        review_on: None,
    })
}

fn planned(action_id: Uuid) -> Event {
    Event::ActionPlanned(ActionPlanned {
        action_id,
        title: name("Spreekuur op school"),
        goal: text("Tien jongeren per maand spreken"),
        owner_partner_id: PARTNER,
        solution_id: None,
        due_date: None,
        indicator_ids: Vec::new(),
    })
}

fn revised_title(action_id: Uuid) -> Event {
    Event::ActionRevised(ActionRevised {
        action_id,
        title: Some(name("Spreekuur op drie scholen")),
        goal: None,
        owner_partner_id: None,
        due_date: None,
        indicator_ids: None,
    })
}

fn started(action_id: Uuid, cycle: u32) -> Event {
    Event::ActionStarted(ActionStarted { action_id, cycle })
}

fn checked(action_id: Uuid) -> Event {
    Event::ActionChecked(ActionChecked {
        action_id,
        findings: text(FINDINGS),
    })
}

fn concluded(action_id: Uuid, outcome: ActOutcome) -> Event {
    Event::ActionConcluded(ActionConcluded {
        action_id,
        outcome,
        rationale: text(RATIONALE),
    })
}

fn reflection_recorded(reflection_id: Uuid, about: Vec<Uuid>, phase: u32) -> Event {
    Event::ReflectionRecorded(ReflectionRecorded {
        reflection_id,
        text: text("We leerden dat scholen graag meewerken."),
        about,
        phase,
    })
}

fn indicator_defined(indicator_id: Uuid) -> Event {
    Event::IndicatorDefined(IndicatorDefined {
        indicator_id,
        name: name("Bereikte jongeren"),
        unit: name("jongeren per maand"),
        baseline: 10.0,
        norm: 25.0,
        direction: Direction::Increase,
        goal_id: None,
        kind: crate::domain::IndicatorKind::Outcome,
        template: None,
    })
}

fn phase_advanced(from: u32, to: u32) -> Event {
    Event::PhaseAdvanced(PhaseAdvanced {
        from,
        to,
        note: None,
    })
}

/// A werkplaats with one member of every role and one partner (versions 1–7).
fn team() -> Vec<Event> {
    let mut events = created(Methodology::SchoudersEronder); // 1, 2
    events.extend([
        partner_added(PARTNER),                                // 3
        invited(PARTNER_MEMBER, Role::Partner, Some(PARTNER)), // 4
        invited(CLIENT_VOICE_MEMBER, Role::ClientVoice, None), // 5
        invited(EVALUATOR_MEMBER, Role::Evaluator, None),      // 6
        invited(OBSERVER_MEMBER, Role::Observer, None),        // 7
    ]);
    events
}

/// The team plus one item of every kind, against which every command in
/// [`member_commands`] is accepted when an allowed role sends it.
fn world() -> Vec<Event> {
    let mut events = team();
    events.extend([
        problem_recorded(PROBLEM),                                  // 8
        solution_proposed(SOLUTION, vec![PROBLEM]),                 // 9
        decision_recorded(DECISION, vec![PROBLEM, SOLUTION], None), // 10
        planned(ACTION),                                            // 11
        planned(DOING_ACTION),                                      // 12
        started(DOING_ACTION, 1),                                   // 13
        planned(CHECKING_ACTION),                                   // 14
        started(CHECKING_ACTION, 1),                                // 15
        checked(CHECKING_ACTION),                                   // 16
        reflection_recorded(REFLECTION, vec![PROBLEM], 1),          // 17
        indicator_defined(INDICATOR),                               // 18
    ]);
    events
}

/// The team plus [`ACTION`] brought into `status` in its first cycle.
fn action_in(status: ActionStatus) -> Vec<Event> {
    let mut events = team();
    events.push(planned(ACTION));
    let (do_check, outcome) = match status {
        ActionStatus::Planned => (0, None),
        ActionStatus::Doing => (1, None),
        ActionStatus::Checking => (2, None),
        ActionStatus::Adopted => (2, Some(ActOutcome::Adopt)),
        ActionStatus::Adapted => (2, Some(ActOutcome::Adapt)),
        ActionStatus::Abandoned => (2, Some(ActOutcome::Abandon)),
    };
    if do_check >= 1 {
        events.push(started(ACTION, 1));
    }
    if do_check >= 2 {
        events.push(checked(ACTION));
    }
    if let Some(outcome) = outcome {
        events.push(concluded(ACTION, outcome));
    }
    events
}

const ALL_STATUSES: [ActionStatus; 6] = [
    ActionStatus::Planned,
    ActionStatus::Doing,
    ActionStatus::Checking,
    ActionStatus::Adopted,
    ActionStatus::Adapted,
    ActionStatus::Abandoned,
];

/// `methodology`'s werkplaats moved forward, one step at a time, to `phase`.
fn at_phase(methodology: Methodology, phase: u32) -> Vec<Event> {
    let mut events = created(methodology);
    events.extend((1..phase).map(|from| phase_advanced(from, from + 1)));
    events
}

// ---------------------------------------------------------------------------
// Commands, each accepted against `world()` when an allowed role sends it
// ---------------------------------------------------------------------------

fn create_werkplaats() -> Command {
    Command::CreateWerkplaats(CreateWerkplaats {
        werkplaats_id: WERKPLAATS,
        facilitator_id: FACILITATOR,
        name: "Jongeren en schulden".into(),
        municipality: "Zwolle".into(),
        question: "Hoe bereiken we jongeren met schulden eerder?".into(),
        methodology: Methodology::SchoudersEronder,
        facilitator_name: "Fatima de Vries".into(),
    })
}

fn add_partner() -> Command {
    Command::AddPartner(AddPartner {
        partner_id: NEW,
        name: "Woningcorporatie Het Anker".into(),
        kind: PartnerKind::Woningcorporatie,
    })
}

fn invite_member() -> Command {
    Command::InviteMember(InviteMember {
        member_id: NEW,
        name: "Ahmed".into(),
        role: Role::Partner,
        partner_id: Some(sid(PARTNER)),
    })
}

fn record_problem() -> Command {
    Command::RecordProblem(RecordProblem {
        problem_id: NEW,
        title: TITLE.into(),
        description: DESCRIPTION.into(),
        perspective: Perspective::Client,
    })
}

fn propose_solution() -> Command {
    Command::ProposeSolution(ProposeSolution {
        solution_id: NEW,
        title: "Spreekuur op school".into(),
        description: DESCRIPTION.into(),
        basis: vec![EvidenceBasis::Casuistry, EvidenceBasis::Science],
        addresses_problem_ids: vec![sid(PROBLEM)],
        capitals: Vec::new(),
        recognition: crate::domain::RecognitionLevel::NotAssessed,
    })
}

fn record_decision() -> Command {
    Command::RecordDecision(RecordDecision {
        decision_id: NEW,
        title: "We starten een spreekuur".into(),
        context: "Jongeren melden zich laat.".into(),
        options_considered: vec!["Spreekuur".into(), "Campagne".into()],
        decision: "Spreekuur op twee scholen".into(),
        rationale: RATIONALE.into(),
        based_on: vec![],
        supersedes_decision_id: None,
        consequences: None,
        review_on: None,
    })
}

fn plan(action_id: Uuid) -> Command {
    Command::PlanAction(PlanAction {
        action_id,
        title: "Spreekuur op school".into(),
        goal: "Tien jongeren per maand spreken".into(),
        owner_partner_id: sid(PARTNER),
        solution_id: None,
        due_date: None,
        indicator_ids: Vec::new(),
    })
}

fn plan_action() -> Command {
    with!(
        plan(NEW),
        PlanAction {
            solution_id: Some(sid(SOLUTION))
        }
    )
}

/// A revision that changes nothing yet.
fn revise(action: Uuid, expected_version: i64) -> Command {
    Command::ReviseAction(ReviseAction {
        action_id: sid(action),
        expected_version,
        title: None,
        goal: None,
        owner_partner_id: None,
        due_date: None,
        indicator_ids: None,
    })
}

fn revise_title(action: Uuid, expected_version: i64) -> Command {
    with!(
        revise(action, expected_version),
        ReviseAction {
            title: Some("Spreekuur op drie scholen".into()),
        }
    )
}

fn revise_action() -> Command {
    revise_title(ACTION, ACTION_PLANNED_AT)
}

fn start(action: Uuid, expected_version: Option<i64>) -> Command {
    Command::StartAction(StartAction {
        action_id: sid(action),
        expected_version,
    })
}

fn check(action: Uuid, expected_version: Option<i64>) -> Command {
    Command::CheckAction(CheckAction {
        action_id: sid(action),
        findings: FINDINGS.into(),
        expected_version,
    })
}

fn conclude(action: Uuid, outcome: ActOutcome, expected_version: Option<i64>) -> Command {
    Command::ConcludeAction(ConcludeAction {
        action_id: sid(action),
        outcome,
        rationale: RATIONALE.into(),
        expected_version,
    })
}

fn record_reflection() -> Command {
    Command::RecordReflection(RecordReflection {
        reflection_id: NEW,
        text: "We leerden dat scholen graag meewerken.".into(),
        about: vec![],
    })
}

fn define_indicator() -> Command {
    indicator(10.0, 25.0, Direction::Increase)
}

fn indicator(baseline: f64, norm: f64, direction: Direction) -> Command {
    Command::DefineIndicator(DefineIndicator {
        indicator_id: NEW,
        name: "Bereikte jongeren".into(),
        unit: "jongeren per maand".into(),
        baseline,
        norm,
        direction,
        goal_id: None,
        kind: crate::domain::IndicatorKind::Outcome,
    })
}

fn record_measurement() -> Command {
    Command::RecordMeasurement(RecordMeasurement {
        indicator_id: sid(INDICATOR),
        value: 12.0,
        measured_on: day(1),
        note: None,
    })
}

fn advance(expected_phase: i64) -> Command {
    Command::AdvancePhase(AdvancePhase {
        expected_phase,
        note: None,
    })
}

fn advance_phase() -> Command {
    advance(1)
}

/// The hash the application would read for the head of [`world`].
const HEAD_HASH: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn checkpoint(version: i64, hash: &str) -> Command {
    Command::RecordCheckpoint(RecordCheckpoint {
        version,
        hash: hash.to_owned(),
    })
}

fn record_checkpoint() -> Command {
    checkpoint(WORLD_VERSION, HEAD_HASH)
}

/// Every command a member may send, each valid against [`world`].
fn member_commands() -> Vec<Command> {
    vec![
        add_partner(),
        invite_member(),
        advance_phase(),
        define_indicator(),
        record_problem(),
        propose_solution(),
        record_reflection(),
        record_decision(),
        plan_action(),
        revise_action(),
        start(ACTION, Some(ACTION_PLANNED_AT)),
        check(DOING_ACTION, Some(DOING_ACTION_STARTED_AT)),
        conclude(
            CHECKING_ACTION,
            ActOutcome::Adopt,
            Some(CHECKING_ACTION_CHECKED_AT),
        ),
        record_measurement(),
        record_checkpoint(),
    ]
}

/// Checks that exactly `allowed` of all roles may send `command`.
#[track_caller]
fn only(allowed: &[Role], command: Command) {
    let world = given(world());
    for role in ALL_ROLES {
        let outcome = world.when(member(role), command.clone());
        if allowed.contains(&role) {
            outcome.then_ok();
        } else {
            outcome.then_error(DomainError::Forbidden);
        }
    }
}

// ---------------------------------------------------------------------------
// The fixtures fold as the tests assume
// ---------------------------------------------------------------------------

#[test]
fn every_event_is_one_version_and_actions_remember_their_last_change() {
    let state = State::from_events(&world());
    assert_eq!(state.version, WORLD_VERSION);
    assert_eq!(state.phase, 1);
    assert_eq!(state.members.len(), 5);
    let action = |id| state.actions[&id].clone();
    assert_eq!(
        action(ACTION),
        ActionState {
            status: ActionStatus::Planned,
            cycle: 1,
            version: ACTION_PLANNED_AT
        }
    );
    assert_eq!(action(DOING_ACTION).version, DOING_ACTION_STARTED_AT);
    assert_eq!(action(DOING_ACTION).status, ActionStatus::Doing);
    assert_eq!(action(CHECKING_ACTION).version, CHECKING_ACTION_CHECKED_AT);
    assert_eq!(action(CHECKING_ACTION).status, ActionStatus::Checking);
    for status in ALL_STATUSES {
        assert_eq!(
            State::from_events(&action_in(status)).actions[&ACTION].status,
            status
        );
    }
}

// ---------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------

#[test]
fn only_the_admin_creates_a_werkplaats() {
    given(vec![])
        .when(Actor::Admin, create_werkplaats())
        .then_ok();
    let world = given(world());
    for role in ALL_ROLES {
        world
            .when(member(role), create_werkplaats())
            .then_error(DomainError::Forbidden);
    }
    given(vec![])
        .when(Actor::Member(STRANGER), create_werkplaats())
        .then_error(DomainError::Forbidden);
}

#[test]
fn add_partner_invite_member_advance_phase_and_define_indicator_are_for_facilitators() {
    for command in [
        add_partner(),
        invite_member(),
        advance_phase(),
        define_indicator(),
    ] {
        only(&[Role::Facilitator], command);
    }
}

#[test]
fn problems_solutions_and_reflections_are_for_contributors_including_the_client_voice() {
    for command in [record_problem(), propose_solution(), record_reflection()] {
        only(
            &[Role::Facilitator, Role::Partner, Role::ClientVoice],
            command,
        );
    }
}

#[test]
fn decisions_actions_and_measurements_are_for_facilitators_and_partners() {
    for command in [
        record_decision(),
        plan_action(),
        revise_action(),
        start(ACTION, Some(ACTION_PLANNED_AT)),
        check(DOING_ACTION, Some(DOING_ACTION_STARTED_AT)),
        conclude(CHECKING_ACTION, ActOutcome::Adapt, None),
        record_measurement(),
    ] {
        only(&[Role::Facilitator, Role::Partner], command);
    }
}

#[test]
fn checkpoints_are_for_evaluators_and_facilitators() {
    only(&[Role::Evaluator, Role::Facilitator], record_checkpoint());
}

#[test]
fn observers_never_write_and_evaluators_only_record_checkpoints() {
    let world = given(world());
    for command in member_commands() {
        world
            .when(member(Role::Observer), command.clone())
            .then_error(DomainError::Forbidden);
        let evaluator = world.when(member(Role::Evaluator), command.clone());
        if matches!(command, Command::RecordCheckpoint(RecordCheckpoint { .. })) {
            evaluator.then_ok();
        } else {
            evaluator.then_error(DomainError::Forbidden);
        }
    }
}

#[test]
fn the_admin_may_not_send_member_commands() {
    let world = given(world());
    for command in member_commands() {
        world.when(facilitator(), command.clone()).then_ok();
        world
            .when(Actor::Admin, command)
            .then_error(DomainError::Forbidden);
    }
}

#[test]
fn a_member_id_the_werkplaats_does_not_know_is_forbidden() {
    let world = given(world());
    for command in member_commands() {
        world
            .when(Actor::Member(STRANGER), command)
            .then_error(DomainError::Forbidden);
    }
}

#[test]
fn a_later_invited_facilitator_has_the_facilitators_rights() {
    let mut events = world();
    events.push(invited(NEW, Role::Facilitator, None));
    given(events)
        .when(Actor::Member(NEW), advance(1))
        .then(vec![phase_advanced(1, 2)]);
}

// ---------------------------------------------------------------------------
// Creating a werkplaats, partners and members
// ---------------------------------------------------------------------------

#[test]
fn create_werkplaats_appends_created_and_invites_the_facilitator() {
    let command = with!(
        create_werkplaats(),
        CreateWerkplaats {
            name: "  Jongeren en schulden ".into(),
            methodology: Methodology::NjiZevenStappen,
            facilitator_name: " Fatima de Vries\n".into(),
        }
    );
    let decided = given(vec![])
        .when(Actor::Admin, command)
        .then(created(Methodology::NjiZevenStappen));
    assert_eq!(
        decided.profile,
        Some(MemberProfile {
            member_id: FACILITATOR,
            name: Name::parse("Fatima de Vries", "facilitatorName").unwrap(),
        })
    );
    let state = State::from_events(&decided.events);
    assert_eq!(state.version, 2);
    assert_eq!(state.phase, 1);
    assert_eq!(state.methodology, Some(Methodology::NjiZevenStappen));
    assert_eq!(state.members.get(&FACILITATOR), Some(&Role::Facilitator));
}

#[test]
fn creating_a_werkplaats_that_exists_is_invalid_state() {
    given(team())
        .when(Actor::Admin, create_werkplaats())
        .then_invalid_state();
}

#[test]
fn add_partner_appends_the_trimmed_partner() {
    let command = with!(
        add_partner(),
        AddPartner {
            name: "\tSchuldhulp Zwolle  ".into(),
            kind: PartnerKind::Schuldhulpverlening,
        }
    );
    given(team())
        .when(facilitator(), command)
        .then(vec![partner_added(NEW)]);
}

#[test]
fn invite_member_keeps_the_name_out_of_the_event_and_returns_it_as_profile() {
    let decided = given(world())
        .when(facilitator(), invite_member())
        .then(vec![invited(NEW, Role::Partner, Some(PARTNER))]);
    assert_eq!(
        decided.profile,
        Some(MemberProfile {
            member_id: NEW,
            name: Name::parse("Ahmed", "name").unwrap(),
        })
    );
    assert!(!serde_json::to_string(&decided.events)
        .unwrap()
        .contains("Ahmed"));
}

#[test]
fn every_role_may_be_invited_with_or_without_a_partner() {
    let world = given(world());
    for invited_role in ALL_ROLES {
        for partner_id in [None, Some(PARTNER)] {
            let command = with!(
                invite_member(),
                InviteMember {
                    role: invited_role,
                    partner_id: partner_id.map(sid),
                }
            );
            world
                .when(facilitator(), command)
                .then(vec![invited(NEW, invited_role, partner_id)]);
        }
    }
}

// ---------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------

#[test]
fn schouders_eronder_advances_through_three_phases_and_stops() {
    let m = Methodology::SchoudersEronder;
    for from in 1..3 {
        given(at_phase(m, from))
            .when(facilitator(), advance(i64::from(from)))
            .then(vec![phase_advanced(from, from + 1)]);
    }
    given(at_phase(m, 3))
        .when(facilitator(), advance(3))
        .then_invalid_state();
}

#[test]
fn movisie_advances_through_five_phases_and_stops() {
    let m = Methodology::MovisieVijfStappen;
    for from in 1..5 {
        given(at_phase(m, from))
            .when(facilitator(), advance(i64::from(from)))
            .then(vec![phase_advanced(from, from + 1)]);
    }
    given(at_phase(m, 5))
        .when(facilitator(), advance(5))
        .then_invalid_state();
}

#[test]
fn nji_advances_through_seven_phases_and_cycles_from_7_back_to_3() {
    let m = Methodology::NjiZevenStappen;
    for from in 1..7 {
        given(at_phase(m, from))
            .when(facilitator(), advance(i64::from(from)))
            .then(vec![phase_advanced(from, from + 1)]);
    }
    let mut events = at_phase(m, 7);
    events.extend(
        given(events.clone())
            .when(facilitator(), advance(7))
            .then(vec![phase_advanced(7, 3)])
            .events,
    );
    assert_eq!(State::from_events(&events).phase, 3);
    given(events.clone())
        .when(facilitator(), advance(7))
        .then_error(DomainError::Conflict(ConflictOn::Phase { current: 3 }));
    given(events)
        .when(facilitator(), advance(3))
        .then(vec![phase_advanced(3, 4)]);
}

#[test]
fn a_stale_expected_phase_conflicts_with_the_current_phase() {
    let at_two = given(at_phase(Methodology::MovisieVijfStappen, 2));
    for stale in [0, 1, 3, 5, -1] {
        at_two
            .when(facilitator(), advance(stale))
            .then_error(DomainError::Conflict(ConflictOn::Phase { current: 2 }));
    }
}

#[test]
fn conflict_wins_over_invalid_state_at_the_last_phase() {
    for (m, last) in [
        (Methodology::SchoudersEronder, 3),
        (Methodology::MovisieVijfStappen, 5),
    ] {
        given(at_phase(m, last))
            .when(facilitator(), advance(i64::from(last) - 1))
            .then_error(DomainError::Conflict(ConflictOn::Phase { current: last }));
    }
}

#[test]
fn advance_phase_keeps_a_trimmed_note_which_may_be_empty() {
    for (raw, stored) in [(" Door naar stap 2 ", "Door naar stap 2"), ("   ", "")] {
        let command = with!(
            advance(1),
            AdvancePhase {
                note: Some(raw.into()),
            }
        );
        given(created(Methodology::SchoudersEronder))
            .when(facilitator(), command)
            .then(vec![Event::PhaseAdvanced(PhaseAdvanced {
                from: 1,
                to: 2,
                note: Some(note(stored)),
            })]);
    }
}

#[test]
fn a_reflection_records_the_current_phase() {
    let command = with!(
        record_reflection(),
        RecordReflection {
            about: vec![sid(PROBLEM)],
        }
    );
    for phase in [1, 2, 3] {
        let mut events = world();
        events.extend((1..phase).map(|from| phase_advanced(from, from + 1)));
        given(events)
            .when(member(Role::ClientVoice), command.clone())
            .then(vec![reflection_recorded(NEW, vec![PROBLEM], phase)]);
    }
    let mut nji = at_phase(Methodology::NjiZevenStappen, 7);
    nji.extend([phase_advanced(7, 3), problem_recorded(PROBLEM)]);
    given(nji)
        .when(facilitator(), command)
        .then(vec![reflection_recorded(NEW, vec![PROBLEM], 3)]);
}

// ---------------------------------------------------------------------------
// PDCA
// ---------------------------------------------------------------------------

/// Decides `command` against `history`, expects `expected` and appends it.
#[track_caller]
fn step(history: &mut Vec<Event>, command: Command, expected: Vec<Event>) {
    let decided = given(history.clone())
        .when(partner(), command)
        .then(expected);
    history.extend(decided.events);
}

fn action_state(history: &[Event], action: Uuid) -> ActionState {
    State::from_events(history).actions[&action].clone()
}

#[test]
fn an_action_runs_plan_do_check_act_with_its_version_following_each_step() {
    let mut history = team();
    step(&mut history, plan(ACTION), vec![planned(ACTION)]);
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Planned,
            cycle: 1,
            version: 8
        }
    );
    step(
        &mut history,
        start(ACTION, Some(8)),
        vec![started(ACTION, 1)],
    );
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Doing,
            cycle: 1,
            version: 9
        }
    );
    let padded = with!(
        check(ACTION, Some(9)),
        CheckAction {
            findings: format!("  {FINDINGS}\n"),
        }
    );
    step(&mut history, padded, vec![checked(ACTION)]);
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Checking,
            cycle: 1,
            version: 10
        }
    );
    step(
        &mut history,
        conclude(ACTION, ActOutcome::Adopt, Some(10)),
        vec![concluded(ACTION, ActOutcome::Adopt)],
    );
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Adopted,
            cycle: 1,
            version: 11
        }
    );
}

#[test]
fn plan_action_keeps_its_solution_and_due_date() {
    let command = with!(
        plan(NEW),
        PlanAction {
            solution_id: Some(sid(SOLUTION)),
            due_date: Some(day(31)),
        }
    );
    given(world())
        .when(partner(), command)
        .then(vec![Event::ActionPlanned(ActionPlanned {
            action_id: NEW,
            title: name("Spreekuur op school"),
            goal: text("Tien jongeren per maand spreken"),
            owner_partner_id: PARTNER,
            solution_id: Some(SOLUTION),
            due_date: Some(day(31)),
            indicator_ids: Vec::new(),
        })]);
}

#[test]
fn a_checked_action_concludes_to_adopted_adapted_or_abandoned() {
    for outcome in [ActOutcome::Adopt, ActOutcome::Adapt, ActOutcome::Abandon] {
        let mut history = action_in(ActionStatus::Checking);
        step(
            &mut history,
            conclude(ACTION, outcome, None),
            vec![concluded(ACTION, outcome)],
        );
        assert_eq!(action_state(&history, ACTION).status, outcome.status());
        assert_eq!(action_state(&history, ACTION).cycle, 1);
    }
}

#[test]
fn starting_an_adapted_action_raises_its_cycle() {
    let mut history = action_in(ActionStatus::Adapted);
    step(&mut history, start(ACTION, None), vec![started(ACTION, 2)]);
    assert_eq!(action_state(&history, ACTION).cycle, 2);
    step(&mut history, check(ACTION, None), vec![checked(ACTION)]);
    step(
        &mut history,
        conclude(ACTION, ActOutcome::Adapt, None),
        vec![concluded(ACTION, ActOutcome::Adapt)],
    );
    assert_eq!(action_state(&history, ACTION).cycle, 2);
    step(&mut history, start(ACTION, None), vec![started(ACTION, 3)]);
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Doing,
            cycle: 3,
            version: 15
        }
    );
}

#[test]
fn every_transition_pdca_does_not_allow_is_invalid_state() {
    for status in ALL_STATUSES {
        let at = given(action_in(status));
        let may_start = matches!(status, ActionStatus::Planned | ActionStatus::Adapted);
        let tries = [
            (may_start, start(ACTION, None)),
            (status == ActionStatus::Doing, check(ACTION, None)),
            (
                status == ActionStatus::Checking,
                conclude(ACTION, ActOutcome::Adopt, None),
            ),
            (
                status == ActionStatus::Checking,
                conclude(ACTION, ActOutcome::Adapt, None),
            ),
            (
                status == ActionStatus::Checking,
                conclude(ACTION, ActOutcome::Abandon, None),
            ),
        ];
        for (allowed, command) in tries {
            let outcome = at.when(partner(), command);
            if allowed {
                outcome.then_ok();
            } else {
                outcome.then_invalid_state();
            }
        }
    }
}

#[test]
fn revise_action_works_in_every_status_but_the_final_ones() {
    for status in ALL_STATUSES {
        let history = action_in(status);
        let version = State::from_events(&history).version;
        let outcome = given(history).when(partner(), revise_title(ACTION, version));
        if status.is_final() {
            outcome.then_invalid_state();
        } else {
            outcome.then(vec![revised_title(ACTION)]);
        }
    }
    assert!(ActionStatus::Adopted.is_final());
    assert!(ActionStatus::Abandoned.is_final());
    assert!(!ActionStatus::Adapted.is_final());
}

#[test]
fn a_revision_changes_the_actions_version_but_not_its_status() {
    let mut history = action_in(ActionStatus::Doing);
    step(
        &mut history,
        revise_title(ACTION, 9),
        vec![revised_title(ACTION)],
    );
    assert_eq!(
        action_state(&history, ACTION),
        ActionState {
            status: ActionStatus::Doing,
            cycle: 1,
            version: 10
        }
    );
}

// ---------------------------------------------------------------------------
// Expected versions
// ---------------------------------------------------------------------------

#[test]
fn a_stale_expected_version_conflicts_with_the_actions_current_version() {
    let mut history = action_in(ActionStatus::Planned); // planned at 8
    history.push(revised_title(ACTION)); // 9
    let conflict = DomainError::Conflict(ConflictOn::Action {
        id: ACTION,
        current_version: 9,
    });
    let at = given(history);
    at.when(partner(), revise_title(ACTION, 8))
        .then_error(conflict.clone());
    at.when(partner(), revise_title(ACTION, 10))
        .then_error(conflict.clone());
    at.when(partner(), start(ACTION, Some(8)))
        .then_error(conflict.clone());
    at.when(partner(), start(ACTION, Some(9)))
        .then(vec![started(ACTION, 1)]);
    at.when(partner(), start(ACTION, None))
        .then(vec![started(ACTION, 1)]);

    let doing = given(action_in(ActionStatus::Doing)); // started at 9
    let conflict = DomainError::Conflict(ConflictOn::Action {
        id: ACTION,
        current_version: 9,
    });
    doing
        .when(partner(), check(ACTION, Some(8)))
        .then_error(conflict);
    let checking = given(action_in(ActionStatus::Checking)); // checked at 10
    checking
        .when(partner(), conclude(ACTION, ActOutcome::Adopt, Some(9)))
        .then_error(DomainError::Conflict(ConflictOn::Action {
            id: ACTION,
            current_version: 10,
        }));
}

#[test]
fn changes_to_other_items_in_between_never_conflict() {
    let mut history = team();
    history.extend([
        planned(ACTION),              // 8
        planned(OTHER_ACTION),        // 9
        revised_title(OTHER_ACTION),  // 10
        started(OTHER_ACTION, 1),     // 11
        problem_recorded(PROBLEM),    // 12
        phase_advanced(1, 2),         // 13
        indicator_defined(INDICATOR), // 14
        checked(OTHER_ACTION),        // 15
    ]);
    let at = given(history);
    at.when(partner(), revise_title(ACTION, 8))
        .then(vec![revised_title(ACTION)]);
    at.when(partner(), start(ACTION, Some(8)))
        .then(vec![started(ACTION, 1)]);
    // The werkplaats version is not the action's.
    at.when(partner(), revise_title(ACTION, 15))
        .then_error(DomainError::Conflict(ConflictOn::Action {
            id: ACTION,
            current_version: 8,
        }));
}

// ---------------------------------------------------------------------------
// Revising
// ---------------------------------------------------------------------------

#[test]
fn revise_action_without_any_field_is_bad_input() {
    given(world())
        .when(partner(), revise(ACTION, ACTION_PLANNED_AT))
        .then_bad_input("at least one field");
}

#[test]
fn revise_action_with_only_a_cleared_due_date_is_accepted() {
    let mut history = team();
    history.push(Event::ActionPlanned(ActionPlanned {
        due_date: Some(day(15)),
        ..match planned(ACTION) {
            Event::ActionPlanned(planned) => planned,
            other => unreachable!("{other:?}"),
        }
    }));
    let clear = with!(
        revise(ACTION, 8),
        ReviseAction {
            due_date: Some(None),
        }
    );
    given(history)
        .when(partner(), clear)
        .then(vec![Event::ActionRevised(ActionRevised {
            action_id: ACTION,
            title: None,
            goal: None,
            owner_partner_id: None,
            due_date: Some(None),
            indicator_ids: None,
        })]);
}

#[test]
fn revise_action_changes_only_the_fields_it_is_given_trimmed() {
    let mut history = world();
    history.push(partner_added(NEW));
    let command = with!(
        revise(ACTION, ACTION_PLANNED_AT),
        ReviseAction {
            goal: Some("  Twintig jongeren per maand ".into()),
            owner_partner_id: Some(sid(NEW)),
            due_date: Some(Some(day(20))),
        }
    );
    given(history)
        .when(facilitator(), command)
        .then(vec![Event::ActionRevised(ActionRevised {
            action_id: ACTION,
            title: None,
            goal: Some(text("Twintig jongeren per maand")),
            owner_partner_id: Some(NEW),
            due_date: Some(Some(day(20))),
            indicator_ids: None,
        })]);
}

// ---------------------------------------------------------------------------
// Text limits
// ---------------------------------------------------------------------------

/// One validated text field: the command it sits in, who sends it and to
/// which werkplaats.
struct Field {
    name: &'static str,
    at: Given,
    actor: Actor,
    command: Box<dyn Fn(String) -> Command>,
}

impl Field {
    fn new(
        name: &'static str,
        events: Vec<Event>,
        actor: Actor,
        command: impl Fn(String) -> Command + 'static,
    ) -> Field {
        Field {
            name,
            at: given(events),
            actor,
            command: Box::new(command),
        }
    }

    fn member(name: &'static str, command: impl Fn(String) -> Command + 'static) -> Field {
        Field::new(name, world(), facilitator(), command)
    }

    fn when(&self, value: String) -> Outcome {
        let mut outcome = self.at.when(self.actor, (self.command)(value));
        outcome.label = format!("{}: {}", self.name, outcome.label);
        outcome
    }

    /// Accepts `value` and stores it trimmed, as `stored`.
    #[track_caller]
    fn stores(&self, value: String, stored: &str) {
        let decided = self.when(value).then_ok();
        // Debug quotes a string: the quoted value proves nothing surrounds it.
        let quoted = format!("{stored:?}");
        assert!(
            format!("{decided:?}").contains(&quoted),
            "{}: the trimmed value is not what was decided",
            self.name
        );
    }
}

fn name_fields() -> Vec<Field> {
    vec![
        Field::new("name", vec![], Actor::Admin, |v| {
            with!(create_werkplaats(), CreateWerkplaats { name: v })
        }),
        Field::new("municipality", vec![], Actor::Admin, |v| {
            with!(create_werkplaats(), CreateWerkplaats { municipality: v })
        }),
        Field::new("facilitatorName", vec![], Actor::Admin, |v| {
            with!(
                create_werkplaats(),
                CreateWerkplaats {
                    facilitator_name: v
                }
            )
        }),
        Field::member("name", |v| with!(add_partner(), AddPartner { name: v })),
        Field::member("name", |v| with!(invite_member(), InviteMember { name: v })),
        Field::member("title", |v| {
            with!(record_problem(), RecordProblem { title: v })
        }),
        Field::member("title", |v| {
            with!(propose_solution(), ProposeSolution { title: v })
        }),
        Field::member("title", |v| {
            with!(record_decision(), RecordDecision { title: v })
        }),
        Field::member("optionsConsidered", |v| {
            with!(
                record_decision(),
                RecordDecision {
                    options_considered: vec!["Spreekuur".into(), v],
                }
            )
        }),
        Field::member("title", |v| with!(plan_action(), PlanAction { title: v })),
        Field::member("title", |v| {
            with!(
                revise(ACTION, ACTION_PLANNED_AT),
                ReviseAction { title: Some(v) }
            )
        }),
        Field::member("name", |v| {
            with!(define_indicator(), DefineIndicator { name: v })
        }),
        Field::member("unit", |v| {
            with!(define_indicator(), DefineIndicator { unit: v })
        }),
    ]
}

fn text_fields() -> Vec<Field> {
    vec![
        Field::new("question", vec![], Actor::Admin, |v| {
            with!(create_werkplaats(), CreateWerkplaats { question: v })
        }),
        Field::member("description", |v| {
            with!(record_problem(), RecordProblem { description: v })
        }),
        Field::member("description", |v| {
            with!(propose_solution(), ProposeSolution { description: v })
        }),
        Field::member("context", |v| {
            with!(record_decision(), RecordDecision { context: v })
        }),
        Field::member("decision", |v| {
            with!(record_decision(), RecordDecision { decision: v })
        }),
        Field::member("rationale", |v| {
            with!(record_decision(), RecordDecision { rationale: v })
        }),
        Field::member("goal", |v| with!(plan_action(), PlanAction { goal: v })),
        Field::member("goal", |v| {
            with!(
                revise(ACTION, ACTION_PLANNED_AT),
                ReviseAction { goal: Some(v) }
            )
        }),
        Field::member("findings", |v| {
            with!(check(DOING_ACTION, None), CheckAction { findings: v })
        }),
        Field::member("rationale", |v| {
            with!(
                conclude(CHECKING_ACTION, ActOutcome::Adopt, None),
                ConcludeAction { rationale: v }
            )
        }),
        Field::member("text", |v| {
            with!(record_reflection(), RecordReflection { text: v })
        }),
    ]
}

fn note_fields() -> Vec<Field> {
    vec![
        Field::member("note", |v| {
            with!(record_measurement(), RecordMeasurement { note: Some(v) })
        }),
        Field::member("note", |v| {
            with!(advance(1), AdvancePhase { note: Some(v) })
        }),
    ]
}

#[test]
fn names_take_1_to_200_characters_counted_in_characters_not_bytes() {
    let longest = "ë".repeat(200); // 400 bytes
    for field in name_fields() {
        field.stores(format!("  {longest}\n"), &longest);
        field.stores(" x ".into(), "x");
        field.when(format!("{longest}e")).then_bad_input(field.name);
        field.when(String::new()).then_bad_input(field.name);
        field.when(" \t\n ".into()).then_bad_input(field.name);
    }
}

#[test]
fn texts_take_1_to_10000_characters() {
    let longest = "ë".repeat(10_000);
    for field in text_fields() {
        field.stores(format!("\n{longest}  "), &longest);
        field.stores(" x ".into(), "x");
        field.when(format!("{longest}e")).then_bad_input(field.name);
        field.when(String::new()).then_bad_input(field.name);
        field.when("   ".into()).then_bad_input(field.name);
    }
}

#[test]
fn notes_take_0_to_10000_characters() {
    let longest = "ë".repeat(10_000);
    for field in note_fields() {
        field.stores(format!(" {longest} "), &longest);
        field.stores(String::new(), "");
        field.stores("  \n ".into(), "");
        field.when(format!("{longest}e")).then_bad_input(field.name);
    }
}

// ---------------------------------------------------------------------------
// Lists and referenced ids
// ---------------------------------------------------------------------------

#[test]
fn lists_take_at_most_50_items() {
    let problems = many(51);
    let mut events = team();
    events.extend(problems.iter().map(|&id| problem_recorded(id)));
    let at = given(events);
    let ids = |n: usize| problems[..n].iter().copied().map(sid).collect::<Vec<_>>();
    let lists: [(&str, &dyn Fn(usize) -> Command); 5] = [
        ("basedOn", &|n| {
            with!(record_decision(), RecordDecision { based_on: ids(n) })
        }),
        ("about", &|n| {
            with!(record_reflection(), RecordReflection { about: ids(n) })
        }),
        ("addressesProblemIds", &|n| {
            with!(
                propose_solution(),
                ProposeSolution {
                    addresses_problem_ids: ids(n)
                }
            )
        }),
        ("optionsConsidered", &|n| {
            with!(
                record_decision(),
                RecordDecision {
                    options_considered: (0..n).map(|i| format!("Optie {i}")).collect()
                }
            )
        }),
        ("basis", &|n| {
            with!(
                propose_solution(),
                ProposeSolution {
                    basis: vec![EvidenceBasis::Practice; n],
                    addresses_problem_ids: ids(1),
                }
            )
        }),
    ];
    for (field, command) in lists {
        at.when(facilitator(), command(50)).then_ok();
        at.when(facilitator(), command(51)).then_bad_input(field);
    }
}

#[test]
fn basis_needs_at_least_one_item() {
    let command = with!(propose_solution(), ProposeSolution { basis: vec![] });
    given(world())
        .when(partner(), command)
        .then_bad_input("basis");
}

#[test]
fn lists_of_ids_keep_their_order_and_may_be_empty() {
    let world = given(world());
    let order = vec![REFLECTION, DECISION, PROBLEM];
    let command = with!(
        record_reflection(),
        RecordReflection {
            about: order.iter().copied().map(sid).collect(),
        }
    );
    world
        .when(partner(), command)
        .then(vec![reflection_recorded(NEW, order, 1)]);
    world
        .when(partner(), record_reflection())
        .then(vec![reflection_recorded(NEW, vec![], 1)]);
    let second_problem = Uuid::from_u128(0x31);
    let mut events = team();
    events.extend([problem_recorded(PROBLEM), problem_recorded(second_problem)]);
    let command = with!(
        propose_solution(),
        ProposeSolution {
            addresses_problem_ids: vec![sid(second_problem), sid(PROBLEM)],
        }
    );
    let decided = given(events).when(partner(), command).then_ok();
    let [Event::SolutionProposed(solution)] = &decided.events[..] else {
        panic!("expected one SolutionProposed, got {:?}", decided.events);
    };
    assert_eq!(
        solution.addresses_problem_ids,
        vec![second_problem, PROBLEM]
    );
    assert_eq!(
        solution.basis,
        vec![EvidenceBasis::Casuistry, EvidenceBasis::Science]
    );
}

#[test]
fn a_list_of_ids_may_not_repeat_an_id() {
    let world = given(world());
    let upper = sid(PROBLEM).to_uppercase();
    for repeated in [
        vec![sid(PROBLEM), sid(SOLUTION), sid(PROBLEM)],
        vec![sid(PROBLEM), upper],
    ] {
        let commands = [
            with!(
                record_decision(),
                RecordDecision {
                    based_on: repeated.clone()
                }
            ),
            with!(
                record_reflection(),
                RecordReflection {
                    about: repeated.clone()
                }
            ),
        ];
        for command in commands {
            world.when(partner(), command).then_bad_input("repeats");
        }
    }
    let command = with!(
        propose_solution(),
        ProposeSolution {
            addresses_problem_ids: vec![sid(PROBLEM), sid(PROBLEM)],
        }
    );
    world.when(partner(), command).then_bad_input("repeats");
}

/// Every id a command refers to inside its input, set to `raw`.
fn referenced_ids(raw: &str) -> Vec<(&'static str, Command)> {
    let raw = raw.to_owned();
    vec![
        (
            "basedOn",
            with!(
                record_decision(),
                RecordDecision {
                    based_on: vec![sid(PROBLEM), raw.clone()]
                }
            ),
        ),
        (
            "supersedesDecisionId",
            with!(
                record_decision(),
                RecordDecision {
                    supersedes_decision_id: Some(raw.clone())
                }
            ),
        ),
        (
            "about",
            with!(
                record_reflection(),
                RecordReflection {
                    about: vec![raw.clone()]
                }
            ),
        ),
        (
            "addressesProblemIds",
            with!(
                propose_solution(),
                ProposeSolution {
                    addresses_problem_ids: vec![raw.clone()]
                }
            ),
        ),
        (
            "ownerPartnerId",
            with!(
                plan_action(),
                PlanAction {
                    owner_partner_id: raw.clone()
                }
            ),
        ),
        (
            "solutionId",
            with!(
                plan_action(),
                PlanAction {
                    solution_id: Some(raw.clone())
                }
            ),
        ),
        (
            "ownerPartnerId",
            with!(
                revise(ACTION, ACTION_PLANNED_AT),
                ReviseAction {
                    owner_partner_id: Some(raw.clone())
                }
            ),
        ),
        (
            "partnerId",
            with!(
                invite_member(),
                InviteMember {
                    partner_id: Some(raw)
                }
            ),
        ),
    ]
}

#[test]
fn referenced_ids_that_are_not_uuids_are_bad_input() {
    let world = given(world());
    for raw in [
        "",
        "not-a-uuid",
        "60",
        "00000000-0000-0000-0000-00000000006",
    ] {
        for (field, command) in referenced_ids(raw) {
            world.when(facilitator(), command).then_bad_input(field);
        }
    }
}

#[test]
fn unknown_referenced_ids_are_bad_input() {
    let world = given(world());
    for (field, command) in referenced_ids(&sid(UNKNOWN)) {
        world.when(facilitator(), command).then_bad_input(field);
    }
}

#[test]
fn referenced_ids_of_the_wrong_kind_are_bad_input() {
    let world = given(world());
    let wrong = [
        (
            "addressesProblemIds",
            with!(
                propose_solution(),
                ProposeSolution {
                    addresses_problem_ids: vec![sid(SOLUTION)]
                }
            ),
        ),
        (
            "ownerPartnerId",
            with!(
                plan_action(),
                PlanAction {
                    owner_partner_id: sid(PROBLEM)
                }
            ),
        ),
        (
            "solutionId",
            with!(
                plan_action(),
                PlanAction {
                    solution_id: Some(sid(PROBLEM))
                }
            ),
        ),
        (
            "supersedesDecisionId",
            with!(
                record_decision(),
                RecordDecision {
                    supersedes_decision_id: Some(sid(PROBLEM))
                }
            ),
        ),
        (
            "partnerId",
            with!(
                invite_member(),
                InviteMember {
                    partner_id: Some(sid(FACILITATOR))
                }
            ),
        ),
        // Partners and members are not what decisions and reflections rest on.
        (
            "basedOn",
            with!(
                record_decision(),
                RecordDecision {
                    based_on: vec![sid(PARTNER)]
                }
            ),
        ),
        (
            "about",
            with!(
                record_reflection(),
                RecordReflection {
                    about: vec![sid(FACILITATOR)]
                }
            ),
        ),
    ];
    for (field, command) in wrong {
        world.when(facilitator(), command).then_bad_input(field);
    }
}

#[test]
fn unknown_acted_on_ids_are_not_found() {
    let world = given(world());
    let not_found_action = DomainError::NotFound(ItemKind::Action);
    // An id of another kind of item names no action either.
    for raw in [
        sid(UNKNOWN),
        sid(PROBLEM),
        sid(INDICATOR),
        "not-a-uuid".into(),
    ] {
        let commands = [
            Command::ReviseAction(ReviseAction {
                action_id: raw.clone(),
                expected_version: 1,
                title: Some("Nieuw".into()),
                goal: None,
                owner_partner_id: None,
                due_date: None,
                indicator_ids: None,
            }),
            Command::StartAction(StartAction {
                action_id: raw.clone(),
                expected_version: Some(1),
            }),
            Command::CheckAction(CheckAction {
                action_id: raw.clone(),
                findings: FINDINGS.into(),
                expected_version: None,
            }),
            Command::ConcludeAction(ConcludeAction {
                action_id: raw.clone(),
                outcome: ActOutcome::Adopt,
                rationale: RATIONALE.into(),
                expected_version: None,
            }),
        ];
        for command in commands {
            world
                .when(partner(), command)
                .then_error(not_found_action.clone());
        }
    }
    for raw in [sid(UNKNOWN), sid(ACTION), "not-a-uuid".into()] {
        let command = with!(
            record_measurement(),
            RecordMeasurement { indicator_id: raw }
        );
        world
            .when(partner(), command)
            .then_error(DomainError::NotFound(ItemKind::Indicator));
    }
}

// ---------------------------------------------------------------------------
// Which error wins
// ---------------------------------------------------------------------------

#[test]
fn forbidden_wins_over_every_other_error() {
    let world = given(world());
    let everything_wrong = [
        with!(
            record_problem(),
            RecordProblem {
                title: String::new()
            }
        ),
        with!(
            record_decision(),
            RecordDecision {
                based_on: vec![sid(UNKNOWN)]
            }
        ),
        with!(
            check(UNKNOWN, Some(1)),
            CheckAction {
                findings: String::new()
            }
        ),
        revise(UNKNOWN, 1),
        start(CHECKING_ACTION, Some(1)),
        start(CHECKING_ACTION, None),
        advance(7),
        checkpoint(1, "not a hash"),
    ];
    for command in everything_wrong {
        world
            .when(member(Role::Observer), command.clone())
            .then_error(DomainError::Forbidden);
        world
            .when(Actor::Admin, command)
            .then_error(DomainError::Forbidden);
    }
    world
        .when(
            member(Role::ClientVoice),
            with!(
                plan_action(),
                PlanAction {
                    title: String::new()
                }
            ),
        )
        .then_error(DomainError::Forbidden);
    given(at_phase(Methodology::SchoudersEronder, 3))
        .when(Actor::Admin, advance(1))
        .then_error(DomainError::Forbidden);
}

#[test]
fn bad_input_wins_over_not_found_conflict_and_invalid_state() {
    let world = given(world());
    // The acted-on item does not exist, and the input is bad.
    world
        .when(
            partner(),
            with!(
                check(UNKNOWN, None),
                CheckAction {
                    findings: " ".into()
                }
            ),
        )
        .then_bad_input("findings");
    world
        .when(partner(), revise(UNKNOWN, 1))
        .then_bad_input("at least one field");
    world
        .when(
            partner(),
            with!(
                revise(UNKNOWN, 1),
                ReviseAction {
                    owner_partner_id: Some(sid(UNKNOWN))
                }
            ),
        )
        .then_bad_input("ownerPartnerId");
    world
        .when(
            partner(),
            with!(
                conclude(UNKNOWN, ActOutcome::Adopt, None),
                ConcludeAction {
                    rationale: String::new()
                }
            ),
        )
        .then_bad_input("rationale");
    world
        .when(
            partner(),
            with!(
                record_measurement(),
                RecordMeasurement {
                    indicator_id: sid(UNKNOWN),
                    note: Some("x".repeat(10_001)),
                }
            ),
        )
        .then_bad_input("note");
    world
        .when(
            partner(),
            with!(
                record_measurement(),
                RecordMeasurement {
                    indicator_id: sid(UNKNOWN),
                    value: f64::NAN,
                }
            ),
        )
        .then_bad_input("value");
    // The action exists, but the version is stale and the state refuses it.
    let adopted = given(action_in(ActionStatus::Adopted));
    adopted
        .when(
            partner(),
            with!(
                revise(ACTION, 1),
                ReviseAction {
                    title: Some("ë".repeat(201))
                }
            ),
        )
        .then_bad_input("title");
    adopted
        .when(
            partner(),
            with!(
                check(ACTION, Some(1)),
                CheckAction {
                    findings: String::new()
                }
            ),
        )
        .then_bad_input("findings");
    // The phase is stale and the last one.
    given(at_phase(Methodology::SchoudersEronder, 3))
        .when(
            facilitator(),
            with!(
                advance(1),
                AdvancePhase {
                    note: Some("x".repeat(10_001))
                }
            ),
        )
        .then_bad_input("note");
}

#[test]
fn not_found_wins_over_conflict() {
    given(world())
        .when(partner(), revise_title(UNKNOWN, 1))
        .then_error(DomainError::NotFound(ItemKind::Action));
    given(world())
        .when(partner(), start(UNKNOWN, Some(1)))
        .then_error(DomainError::NotFound(ItemKind::Action));
}

#[test]
fn conflict_wins_over_invalid_state() {
    for status in [ActionStatus::Adopted, ActionStatus::Abandoned] {
        let at = given(action_in(status)); // concluded at 11
        let conflict = DomainError::Conflict(ConflictOn::Action {
            id: ACTION,
            current_version: 11,
        });
        at.when(partner(), revise_title(ACTION, 10))
            .then_error(conflict.clone());
        at.when(partner(), start(ACTION, Some(10)))
            .then_error(conflict.clone());
        at.when(partner(), check(ACTION, Some(8)))
            .then_error(conflict.clone());
        at.when(partner(), conclude(ACTION, ActOutcome::Adapt, Some(9)))
            .then_error(conflict);
        at.when(partner(), revise_title(ACTION, 11))
            .then_invalid_state();
    }
    given(action_in(ActionStatus::Doing))
        .when(partner(), start(ACTION, Some(8)))
        .then_error(DomainError::Conflict(ConflictOn::Action {
            id: ACTION,
            current_version: 9,
        }));
    given(at_phase(Methodology::MovisieVijfStappen, 5))
        .when(facilitator(), advance(4))
        .then_error(DomainError::Conflict(ConflictOn::Phase { current: 5 }));
}

// ---------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------

#[test]
fn record_decision_appends_its_trimmed_fields() {
    let command = with!(
        record_decision(),
        RecordDecision {
            title: " We starten een spreekuur ".into(),
            options_considered: vec![" Spreekuur".into(), "Campagne ".into()],
            based_on: vec![sid(SOLUTION), sid(PROBLEM)],
        }
    );
    given(world())
        .when(partner(), command)
        .then(vec![decision_recorded(NEW, vec![SOLUTION, PROBLEM], None)]);
}

#[test]
fn based_on_may_be_empty() {
    given(team())
        .when(partner(), record_decision())
        .then(vec![decision_recorded(NEW, vec![], None)]);
}

#[test]
fn based_on_and_about_may_name_every_kind_of_item() {
    let every_kind = vec![PROBLEM, SOLUTION, ACTION, REFLECTION, INDICATOR, DECISION];
    let raw: Vec<String> = every_kind.iter().copied().map(sid).collect();
    let world = given(world());
    world
        .when(
            partner(),
            with!(
                record_decision(),
                RecordDecision {
                    based_on: raw.clone()
                }
            ),
        )
        .then(vec![decision_recorded(NEW, every_kind.clone(), None)]);
    world
        .when(
            member(Role::ClientVoice),
            with!(record_reflection(), RecordReflection { about: raw }),
        )
        .then(vec![reflection_recorded(NEW, every_kind, 1)]);
    for one in [PROBLEM, SOLUTION, ACTION, REFLECTION, INDICATOR, DECISION] {
        world
            .when(
                partner(),
                with!(
                    record_decision(),
                    RecordDecision {
                        based_on: vec![sid(one)]
                    }
                ),
            )
            .then(vec![decision_recorded(NEW, vec![one], None)]);
    }
}

#[test]
fn a_decision_can_be_superseded_once() {
    let superseding = with!(
        record_decision(),
        RecordDecision {
            supersedes_decision_id: Some(sid(DECISION)),
        }
    );
    let mut history = world();
    let decided = given(history.clone())
        .when(partner(), superseding.clone())
        .then(vec![decision_recorded(NEW, vec![], Some(DECISION))]);
    history.extend(decided.events);
    let state = State::from_events(&history);
    assert_eq!(state.decisions.get(&DECISION), Some(&true));
    assert_eq!(state.decisions.get(&NEW), Some(&false));

    let again = with!(
        superseding,
        RecordDecision {
            decision_id: Uuid::from_u128(0x51),
        }
    );
    given(history.clone())
        .when(facilitator(), again)
        .then_bad_input("superseded");
    // The decision that superseded it may itself be superseded.
    let next = with!(
        record_decision(),
        RecordDecision {
            decision_id: Uuid::from_u128(0x52),
            supersedes_decision_id: Some(sid(NEW)),
        }
    );
    let decided = given(history).when(partner(), next).then_ok();
    let [Event::DecisionRecorded(recorded)] = &decided.events[..] else {
        panic!("expected one DecisionRecorded, got {:?}", decided.events);
    };
    assert_eq!(recorded.supersedes_decision_id, Some(NEW));
}

#[test]
fn superseding_what_is_no_decision_is_bad_input() {
    let world = given(world());
    for raw in [sid(UNKNOWN), sid(PROBLEM), sid(ACTION), "besluit-1".into()] {
        world
            .when(
                partner(),
                with!(
                    record_decision(),
                    RecordDecision {
                        supersedes_decision_id: Some(raw)
                    }
                ),
            )
            .then_bad_input("supersedesDecisionId");
    }
}

// ---------------------------------------------------------------------------
// Indicators and measurements
// ---------------------------------------------------------------------------

#[test]
fn the_norm_lies_beyond_the_baseline_in_the_indicators_direction() {
    let at = given(team());
    let ok = [
        (10.0, 25.0, Direction::Increase),
        (-5.0, -4.5, Direction::Increase),
        (25.0, 10.0, Direction::Decrease),
        (0.0, -1.0, Direction::Decrease),
    ];
    for (baseline, norm, direction) in ok {
        at.when(facilitator(), indicator(baseline, norm, direction))
            .then(vec![Event::IndicatorDefined(IndicatorDefined {
                indicator_id: NEW,
                name: name("Bereikte jongeren"),
                unit: name("jongeren per maand"),
                baseline,
                norm,
                direction,
                goal_id: None,
                kind: crate::domain::IndicatorKind::Outcome,
                template: None,
            })]);
    }
    let wrong = [
        (10.0, 10.0, Direction::Increase),
        (10.0, 9.0, Direction::Increase),
        (10.0, 10.0, Direction::Decrease),
        (10.0, 11.0, Direction::Decrease),
    ];
    for (baseline, norm, direction) in wrong {
        at.when(facilitator(), indicator(baseline, norm, direction))
            .then_bad_input("norm");
    }
    for (baseline, norm) in [
        (f64::NAN, 25.0),
        (10.0, f64::INFINITY),
        (f64::NEG_INFINITY, 25.0),
    ] {
        at.when(
            facilitator(),
            indicator(baseline, norm, Direction::Increase),
        )
        .then_bad_input("finite");
    }
}

#[test]
fn record_measurement_appends_the_value_date_and_trimmed_note() {
    let command = with!(
        record_measurement(),
        RecordMeasurement {
            value: -3.5,
            measured_on: day(14),
            note: Some("  na de voorjaarsvakantie ".into()),
        }
    );
    given(world())
        .when(partner(), command)
        .then(vec![Event::MeasurementRecorded(MeasurementRecorded {
            indicator_id: INDICATOR,
            value: -3.5,
            measured_on: day(14),
            note: Some(note("na de voorjaarsvakantie")),
        })]);
    given(world())
        .when(facilitator(), record_measurement())
        .then(vec![Event::MeasurementRecorded(MeasurementRecorded {
            indicator_id: INDICATOR,
            value: 12.0,
            measured_on: day(1),
            note: None,
        })]);
    for infinite_or_nan in [f64::NAN, f64::INFINITY] {
        given(world())
            .when(
                partner(),
                with!(
                    record_measurement(),
                    RecordMeasurement {
                        value: infinite_or_nan
                    }
                ),
            )
            .then_bad_input("value");
    }
}

// ---------------------------------------------------------------------------
// Problems and solutions
// ---------------------------------------------------------------------------

#[test]
fn record_problem_and_propose_solution_append_their_items() {
    let world = given(world());
    world
        .when(
            member(Role::ClientVoice),
            with!(
                record_problem(),
                RecordProblem {
                    title: format!(" {TITLE} "),
                }
            ),
        )
        .then(vec![problem_recorded(NEW)]);
    world
        .when(
            member(Role::ClientVoice),
            with!(
                propose_solution(),
                ProposeSolution {
                    basis: vec![EvidenceBasis::Casuistry],
                }
            ),
        )
        .then(vec![solution_proposed(NEW, vec![PROBLEM])]);
    world
        .when(
            partner(),
            with!(
                propose_solution(),
                ProposeSolution {
                    basis: vec![EvidenceBasis::Casuistry],
                    addresses_problem_ids: vec![],
                }
            ),
        )
        .then(vec![solution_proposed(NEW, vec![])]);
}

// ---------------------------------------------------------------------------
// Checkpoints
// ---------------------------------------------------------------------------

#[test]
fn a_checkpoint_records_the_head_it_was_given_as_one_more_event() {
    let mut history = world();
    let checkpoint_event = Event::CheckpointRecorded(CheckpointRecorded {
        version: WORLD_VERSION,
        hash: HEAD_HASH.into(),
    });
    given(history.clone())
        .when(member(Role::Evaluator), record_checkpoint())
        .then(vec![checkpoint_event.clone()]);
    // It counts as a version like any event, and changes nothing else.
    let before = State::from_events(&history);
    history.push(checkpoint_event);
    let after = State::from_events(&history);
    assert_eq!(after.version, WORLD_VERSION + 1);
    assert_eq!(after.phase, before.phase);
    assert_eq!(after.members, before.members);
    given(history)
        .when(facilitator(), checkpoint(WORLD_VERSION + 1, HEAD_HASH))
        .then_ok();
}

#[test]
fn a_checkpoint_of_anything_but_the_head_is_invalid_state() {
    let world = given(world());
    for version in [0, 1, WORLD_VERSION - 1, WORLD_VERSION + 1] {
        world
            .when(member(Role::Evaluator), checkpoint(version, HEAD_HASH))
            .then_invalid_state();
    }
}

#[test]
fn a_checkpoint_hash_is_64_lowercase_hex_digits() {
    let world = given(world());
    for hash in [
        String::new(),
        HEAD_HASH[1..].to_owned(),
        format!("{HEAD_HASH}0"),
        HEAD_HASH.to_uppercase(),
        HEAD_HASH.replace('a', "g"),
    ] {
        world
            .when(member(Role::Evaluator), checkpoint(WORLD_VERSION, &hash))
            .then_bad_input("hash");
    }
    // Bad input is reported before a wrong version.
    world
        .when(member(Role::Evaluator), checkpoint(1, "x"))
        .then_bad_input("hash");
}

// ---------------------------------------------------------------------------
// Member lifecycle (trust.graphql)
// ---------------------------------------------------------------------------

fn remove(member_id: Uuid) -> Command {
    Command::RemoveMember(RemoveMember {
        member_id: sid(member_id),
    })
}

fn change_role(member_id: Uuid, role: Role) -> Command {
    Command::ChangeRole(ChangeRole {
        member_id: sid(member_id),
        role,
    })
}

fn forget(member_id: Uuid) -> Command {
    Command::ForgetMember(ForgetMember {
        member_id: sid(member_id),
    })
}

fn link(member_id: Uuid, subject: &str) -> Command {
    Command::LinkIdentity(LinkIdentity {
        member_id: sid(member_id),
        subject: subject.to_owned(),
    })
}

fn removed(member_id: Uuid) -> Event {
    Event::MemberRemoved(MemberRemoved { member_id })
}

#[test]
fn a_facilitator_removes_a_member_who_then_can_do_nothing() {
    let given_team = given(team());
    given_team
        .when(facilitator(), remove(PARTNER_MEMBER))
        .then(vec![removed(PARTNER_MEMBER)]);
    let mut events = team();
    events.push(removed(PARTNER_MEMBER));
    let after = given(events);
    after
        .when(partner(), record_problem())
        .then_error(DomainError::Forbidden);
    after
        .when(facilitator(), remove(PARTNER_MEMBER))
        .then_invalid_state();
    after
        .when(facilitator(), change_role(PARTNER_MEMBER, Role::Observer))
        .then_invalid_state();
    after
        .when(facilitator(), link(PARTNER_MEMBER, "petra@example.nl"))
        .then_invalid_state();
    // Forgetting a removed member is still possible.
    after
        .when(facilitator(), forget(PARTNER_MEMBER))
        .then(vec![Event::MemberForgotten(MemberForgotten {
            member_id: PARTNER_MEMBER,
        })]);
}

#[test]
fn only_a_facilitator_removes_or_changes_roles_and_the_admin_may_not() {
    let given_team = given(team());
    for role in ALL_ROLES.into_iter().filter(|r| *r != Role::Facilitator) {
        given_team
            .when(member(role), remove(OBSERVER_MEMBER))
            .then_error(DomainError::Forbidden);
        given_team
            .when(member(role), change_role(OBSERVER_MEMBER, Role::Partner))
            .then_error(DomainError::Forbidden);
        given_team
            .when(member(role), forget(OBSERVER_MEMBER))
            .then_error(DomainError::Forbidden);
        given_team
            .when(member(role), link(OBSERVER_MEMBER, "o@example.nl"))
            .then_error(DomainError::Forbidden);
    }
    given_team
        .when(Actor::Admin, remove(OBSERVER_MEMBER))
        .then_error(DomainError::Forbidden);
    given_team
        .when(Actor::Admin, change_role(OBSERVER_MEMBER, Role::Partner))
        .then_error(DomainError::Forbidden);
    // Erasure and sign-in links are the admin's too.
    given_team
        .when(Actor::Admin, forget(OBSERVER_MEMBER))
        .then_ok();
    given_team
        .when(Actor::Admin, link(OBSERVER_MEMBER, "o@example.nl"))
        .then_ok();
    given_team
        .when(
            member(Role::Observer),
            Command::RemoveMember(RemoveMember {
                member_id: "x".into(),
            }),
        )
        .then_error(DomainError::Forbidden);
}

#[test]
fn the_member_acted_on_must_exist_in_this_werkplaats() {
    let given_team = given(team());
    for raw in [
        sid(UNKNOWN),
        sid(STRANGER),
        sid(PARTNER),
        "lid-1".to_owned(),
        String::new(),
    ] {
        let member = ItemKind::Member;
        given_team
            .when(
                facilitator(),
                Command::RemoveMember(RemoveMember {
                    member_id: raw.clone(),
                }),
            )
            .then_error(DomainError::NotFound(member));
        given_team
            .when(
                facilitator(),
                Command::ChangeRole(ChangeRole {
                    member_id: raw.clone(),
                    role: Role::Observer,
                }),
            )
            .then_error(DomainError::NotFound(member));
        given_team
            .when(
                facilitator(),
                Command::ForgetMember(ForgetMember {
                    member_id: raw.clone(),
                }),
            )
            .then_error(DomainError::NotFound(member));
        given_team
            .when(
                facilitator(),
                Command::LinkIdentity(LinkIdentity {
                    member_id: raw,
                    subject: "s".into(),
                }),
            )
            .then_error(DomainError::NotFound(member));
    }
}

#[test]
fn a_werkplaats_keeps_an_active_facilitator() {
    let given_team = given(team());
    given_team
        .when(facilitator(), remove(FACILITATOR))
        .then_invalid_state();
    given_team
        .when(facilitator(), change_role(FACILITATOR, Role::Partner))
        .then_invalid_state();
    given_team
        .when(facilitator(), change_role(PARTNER_MEMBER, Role::Partner))
        .then_invalid_state();
    given_team
        .when(
            facilitator(),
            change_role(PARTNER_MEMBER, Role::Facilitator),
        )
        .then(vec![Event::RoleChanged(RoleChanged {
            member_id: PARTNER_MEMBER,
            from: Role::Partner,
            to: Role::Facilitator,
        })]);
    let mut events = team();
    events.push(Event::RoleChanged(RoleChanged {
        member_id: PARTNER_MEMBER,
        from: Role::Partner,
        to: Role::Facilitator,
    }));
    let two = given(events);
    two.when(facilitator(), change_role(FACILITATOR, Role::Observer))
        .then_ok();
    two.when(facilitator(), remove(FACILITATOR)).then_ok();
    // The promoted member acts as a facilitator at once.
    two.when(partner(), add_partner()).then_ok();
}

#[test]
fn forgetting_needs_no_input_beyond_the_member_and_happens_once() {
    let given_team = given(team());
    let decided = given_team
        .when(facilitator(), forget(FACILITATOR))
        .then_ok();
    assert_eq!(decided.profile, None, "forgetting stores no personal data");
    let mut events = team();
    events.push(Event::MemberForgotten(MemberForgotten {
        member_id: OBSERVER_MEMBER,
    }));
    let after = given(events);
    after
        .when(facilitator(), forget(OBSERVER_MEMBER))
        .then_invalid_state();
    after
        .when(
            member(Role::Observer),
            Command::AdvancePhase(AdvancePhase {
                expected_phase: 1,
                note: None,
            }),
        )
        .then_error(DomainError::Forbidden);
}

#[test]
fn a_sign_in_subject_is_a_name_kept_beside_the_event() {
    let given_team = given(team());
    let decided = given_team
        .when(facilitator(), link(PARTNER_MEMBER, "  petra@example.nl "))
        .then(vec![Event::IdentityLinked(IdentityLinked {
            member_id: PARTNER_MEMBER,
        })]);
    let identity = decided.identity.expect("the subject beside the event");
    assert_eq!(identity.subject.as_str(), "petra@example.nl");
    for bad in [" ", "a\0b", &"x".repeat(201)] {
        given_team
            .when(facilitator(), link(PARTNER_MEMBER, bad))
            .then_bad_input("subject");
    }
    // Bad input comes before an unknown member.
    given_team
        .when(facilitator(), link(UNKNOWN, ""))
        .then_bad_input("subject");
}

mod method;
