//! One module per command, the way mini-redis has one per command.
//!
//! Each module holds a whole command: its struct (the input as the client
//! sent it), who may send it ([`Rule::ALLOWED`]), its rule
//! ([`Rule::decide`]), the event it appends and how that event changes the
//! [`State`] ([`Evolve`]). The input stays raw inside the command because the
//! contract reports a refused role before bad input: [`super::decide`] checks
//! the role first, and only then does the command's `decide` parse its texts
//! and ids into [`super::Name`], [`super::Text`], [`super::Note`] and
//! [`uuid::Uuid`], in the contract's order of errors.
//!
//! The list below is the only place that knows all commands. From it the
//! `registry!` macro generates the [`Command`] enum and its dispatch, the
//! [`Event`] enum with its stored type names, the fold's dispatch for
//! [`State::apply`], and the conversions between an event struct and
//! [`Event`]. A macro rather than a table of trait objects keeps `Command`
//! and `Event` plain enums: cloneable, comparable in tests, and (for
//! `Event`) serialised by serde with the variant name as the stored type.
//! Adding a command is a new module and one line here.

use serde::{Deserialize, Serialize};

use super::decide::{Allowed, Decided};
use super::{Actor, DomainError, State};

/// A command's rule.
pub(super) trait Rule {
    /// Who may send the command.
    const ALLOWED: Allowed;

    /// What the command appends to the werkplaats in `state`, or why it is
    /// refused. The role has been checked already; the rest is checked in
    /// the contract's order: input, the item acted on, its version, its state.
    /// `by` is who sends it, for the few rules that depend on whose
    /// organisation a member speaks for.
    fn decide(self, state: &State, by: Actor) -> Result<Decided, DomainError>;
}

/// How an event changes the state the rules need.
pub(super) trait Evolve {
    /// Folds the event into `state`, whose `version` is already the event's.
    fn evolve(&self, state: &mut State);
}

/// `module: Command => Event, …;` for each command: the events listed are
/// the ones the module declares (a command may also append another
/// command's event, as `CreateWerkplaats` appends `MemberInvited`, and may
/// declare none, as `DefineIndicatorFromTemplate` appends `IndicatorDefined`).
macro_rules! registry {
    ($($module:ident: $command:ident => $($event:ident),*;)+) => {
        $(mod $module;)+
        $(pub use $module::{$command, $($event),*};)+

        /// What members ask of a werkplaats, one variant per contract mutation.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Command {
            $($command($command),)+
        }

        impl Command {
            pub(in crate::domain) fn allowed(&self) -> Allowed {
                match self {
                    $(Command::$command(_) => <$command as Rule>::ALLOWED,)+
                }
            }

            pub(in crate::domain) fn decide(self, state: &State, by: Actor) -> Result<Decided, DomainError> {
                match self {
                    $(Command::$command(command) => command.decide(state, by),)+
                }
            }
        }

        $(
            impl From<$command> for Command {
                fn from(command: $command) -> Self {
                    Command::$command(command)
                }
            }
        )+

        /// Every event a werkplaats stream can hold. The variant name is the
        /// stored event type.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", content = "data")]
        pub enum Event {
            $($($event($event),)*)+
        }

        impl Event {
            pub fn event_type(&self) -> &'static str {
                match self {
                    $($(Event::$event(_) => stringify!($event),)*)+
                }
            }

            pub(in crate::domain) fn evolve(&self, state: &mut State) {
                match self {
                    $($(Event::$event(event) => event.evolve(state),)*)+
                }
            }
        }

        $($(
            impl From<$event> for Event {
                fn from(event: $event) -> Self {
                    Event::$event(event)
                }
            }

            impl From<$event> for Decided {
                fn from(event: $event) -> Self {
                    Event::$event(event).into()
                }
            }

            /// Finds the event struct in its variant, e.g. to show the item
            /// an accepted command is about.
            impl<'a> TryFrom<&'a Event> for &'a $event {
                type Error = ();

                fn try_from(event: &'a Event) -> Result<Self, ()> {
                    match event {
                        Event::$event(event) => Ok(event),
                        _ => Err(()),
                    }
                }
            }
        )*)+
    };
}

registry! {
    create_werkplaats: CreateWerkplaats => WerkplaatsCreated;
    add_partner: AddPartner => PartnerAdded;
    invite_member: InviteMember => MemberInvited;
    record_problem: RecordProblem => ProblemRecorded;
    propose_solution: ProposeSolution => SolutionProposed;
    record_decision: RecordDecision => DecisionRecorded;
    plan_action: PlanAction => ActionPlanned;
    revise_action: ReviseAction => ActionRevised;
    start_action: StartAction => ActionStarted;
    check_action: CheckAction => ActionChecked;
    conclude_action: ConcludeAction => ActionConcluded;
    record_reflection: RecordReflection => ReflectionRecorded;
    define_indicator: DefineIndicator => IndicatorDefined;
    record_measurement: RecordMeasurement => MeasurementRecorded;
    advance_phase: AdvancePhase => PhaseAdvanced;
    remove_member: RemoveMember => MemberRemoved;
    change_role: ChangeRole => RoleChanged;
    forget_member: ForgetMember => MemberForgotten;
    link_identity: LinkIdentity => IdentityLinked;
    record_checkpoint: RecordCheckpoint => CheckpointRecorded;
    revise_problem: ReviseProblem => ProblemRevised;
    revise_solution: ReviseSolution => SolutionRevised;
    define_indicator_from_template: DefineIndicatorFromTemplate => ;
    revise_indicator: ReviseIndicator => IndicatorRevised;
    record_goal: RecordGoal => GoalRecorded;
    revise_goal: ReviseGoal => GoalRevised;
    record_risk: RecordRisk => RiskRecorded;
    revise_risk: ReviseRisk => RiskRevised;
    review_decision: ReviewDecision => DecisionReviewed;
    log_action_progress: LogActionProgress => ActionProgressLogged;
    start_client_journey: StartClientJourney => ClientJourneyStarted;
    add_journey_step: AddJourneyStep => JourneyStepAdded;
    assess_journey_step: AssessJourneyStep => JourneyStepAssessed;
    add_checklist_item: AddChecklistItem => ChecklistItemAdded;
    answer_checklist_item: AnswerChecklistItem => ChecklistItemAnswered;
    share_lessons: ShareLessons => LessonsShared, LessonsUnshared;
    reissue_invitation: ReissueInvitation => InvitationReissued;
}
