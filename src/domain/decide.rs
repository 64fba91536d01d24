//! The rules: what a command appends, or why it is refused.
//!
//! Each command is checked in the contract's order of errors: first whether
//! the actor's role may send it (`FORBIDDEN`), then its input, including ids
//! it refers to (`BAD_USER_INPUT`), then the item it acts on (`NOT_FOUND`),
//! then the version the client last saw (`CONFLICT`), and last whether the
//! item's state allows it (`INVALID_STATE`).

use std::collections::HashSet;

use uuid::Uuid;

use super::event::*;
use super::{
    ActionState, ActionStatus, Actor, Command, ConflictOn, Direction, DomainError, ItemKind,
    Limits, Name, Note, Role, State, Text,
};

/// A member's name as given at invitation. It is personal data, so it is
/// returned beside the events, never inside them: the caller keeps it where
/// it can be erased without touching the trail.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberProfile {
    pub member_id: Uuid,
    pub name: Name,
}

/// The identity-provider subject a member signs in as: personal data too,
/// kept beside the stream like the name.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberIdentity {
    pub member_id: Uuid,
    pub subject: Name,
}

/// What an accepted command produces.
#[derive(Clone, Debug, PartialEq)]
pub struct Decided {
    pub events: Vec<Event>,
    pub profile: Option<MemberProfile>,
    pub identity: Option<MemberIdentity>,
}

impl From<Event> for Decided {
    fn from(event: Event) -> Self {
        Decided {
            events: vec![event],
            profile: None,
            identity: None,
        }
    }
}

const FACILITATOR: &[Role] = &[Role::Facilitator];
const CONTRIBUTORS: &[Role] = &[Role::Facilitator, Role::Partner, Role::ClientVoice];
const PLANNERS: &[Role] = &[Role::Facilitator, Role::Partner];
/// Checkpoints are the auditors' write: evaluators audit, facilitators
/// answer for the trail.
const AUDITORS: &[Role] = &[Role::Evaluator, Role::Facilitator];

/// Who may send a command: the admin, and which roles of members.
struct Allowed {
    admin: bool,
    roles: &'static [Role],
}

const fn members(roles: &'static [Role]) -> Allowed {
    Allowed {
        admin: false,
        roles,
    }
}

fn allowed(command: &Command) -> Allowed {
    use Command::*;
    match command {
        CreateWerkplaats { .. } => Allowed {
            admin: true,
            roles: &[],
        },
        // Erasure and sign-in links may be needed where no facilitator is
        // left to ask, so the admin may do them too.
        ForgetMember { .. } | LinkIdentity { .. } => Allowed {
            admin: true,
            roles: FACILITATOR,
        },
        AddPartner { .. }
        | InviteMember { .. }
        | AdvancePhase { .. }
        | DefineIndicator { .. }
        | RemoveMember { .. }
        | ChangeRole { .. } => members(FACILITATOR),
        RecordProblem { .. } | ProposeSolution { .. } | RecordReflection { .. } => {
            members(CONTRIBUTORS)
        }
        RecordDecision { .. }
        | PlanAction { .. }
        | ReviseAction { .. }
        | StartAction { .. }
        | CheckAction { .. }
        | ConcludeAction { .. }
        | RecordMeasurement { .. } => members(PLANNERS),
        RecordCheckpoint { .. } => members(AUDITORS),
    }
}

fn authorise(state: &State, actor: Actor, command: &Command) -> Result<(), DomainError> {
    let allowed = allowed(command);
    let permitted = match actor {
        Actor::Admin => allowed.admin,
        Actor::Member(id) => state
            .members
            .get(&id)
            .is_some_and(|role| allowed.roles.contains(role)),
    };
    if permitted {
        Ok(())
    } else {
        Err(DomainError::Forbidden)
    }
}

/// Decides what `command`, sent by `actor`, appends to the werkplaats in
/// `state`. The caller has already established that the werkplaats exists
/// and that the actor may see it (except for `CreateWerkplaats`).
pub fn decide(state: &State, actor: Actor, command: Command) -> Result<Decided, DomainError> {
    authorise(state, actor, &command)?;
    use Command::*;
    match command {
        CreateWerkplaats {
            werkplaats_id,
            facilitator_id,
            name,
            municipality,
            question,
            methodology,
            facilitator_name,
        } => {
            let created = WerkplaatsCreated {
                werkplaats_id,
                name: name_of(&name, "name")?,
                municipality: name_of(&municipality, "municipality")?,
                question: text_of(&question, "question")?,
                methodology,
            };
            let facilitator_name =
                Name::parse(&facilitator_name, "facilitatorName").map_err(DomainError::BadInput)?;
            if state.exists() {
                return Err(DomainError::InvalidState(
                    "the werkplaats exists already".into(),
                ));
            }
            Ok(Decided {
                events: vec![
                    Event::WerkplaatsCreated(created),
                    Event::MemberInvited(MemberInvited {
                        member_id: facilitator_id,
                        role: Role::Facilitator,
                        partner_id: None,
                    }),
                ],
                profile: Some(MemberProfile {
                    member_id: facilitator_id,
                    name: facilitator_name,
                }),
                identity: None,
            })
        }
        AddPartner {
            partner_id,
            name,
            kind,
        } => Ok(Event::PartnerAdded(PartnerAdded {
            partner_id,
            name: name_of(&name, "name")?,
            kind,
        })
        .into()),
        InviteMember {
            member_id,
            name,
            role,
            partner_id,
        } => {
            let name = Name::parse(&name, "name").map_err(DomainError::BadInput)?;
            let partner_id = partner_id
                .map(|id| reference(&id, "partnerId", |id| state.partners.contains(id)))
                .transpose()?;
            Ok(Decided {
                events: vec![Event::MemberInvited(MemberInvited {
                    member_id,
                    role,
                    partner_id,
                })],
                profile: Some(MemberProfile { member_id, name }),
                identity: None,
            })
        }
        RecordProblem {
            problem_id,
            title,
            description,
            perspective,
        } => Ok(Event::ProblemRecorded(ProblemRecorded {
            problem_id,
            title: name_of(&title, "title")?,
            description: text_of(&description, "description")?,
            perspective,
        })
        .into()),
        ProposeSolution {
            solution_id,
            title,
            description,
            basis,
            addresses_problem_ids,
        } => {
            let title = name_of(&title, "title")?;
            let description = text_of(&description, "description")?;
            if basis.is_empty() || basis.len() > Limits::LIST_MAX {
                return Err(bad(format!("basis takes 1 to {} items", Limits::LIST_MAX)));
            }
            let addresses_problem_ids =
                references(&addresses_problem_ids, "addressesProblemIds", |id| {
                    state.problems.contains(id)
                })?;
            Ok(Event::SolutionProposed(SolutionProposed {
                solution_id,
                title,
                description,
                basis,
                addresses_problem_ids,
            })
            .into())
        }
        RecordDecision {
            decision_id,
            title,
            context,
            options_considered,
            decision,
            rationale,
            based_on,
            supersedes_decision_id,
        } => {
            let title = name_of(&title, "title")?;
            let context = text_of(&context, "context")?;
            check_list_len(options_considered.len(), "optionsConsidered")?;
            let options_considered = options_considered
                .iter()
                .map(|option| name_of(option, "optionsConsidered"))
                .collect::<Result<Vec<_>, _>>()?;
            let decision = text_of(&decision, "decision")?;
            let rationale = text_of(&rationale, "rationale")?;
            let based_on = references(&based_on, "basedOn", |id| state.is_referable(id))?;
            let supersedes_decision_id = supersedes_decision_id
                .map(|id| {
                    let id = reference(&id, "supersedesDecisionId", |id| {
                        state.decisions.contains_key(id)
                    })?;
                    if state.decisions.get(&id) == Some(&true) {
                        return Err(bad("that decision has been superseded already"));
                    }
                    Ok(id)
                })
                .transpose()?;
            Ok(Event::DecisionRecorded(DecisionRecorded {
                decision_id,
                title,
                context,
                options_considered,
                decision,
                rationale,
                based_on,
                supersedes_decision_id,
            })
            .into())
        }
        PlanAction {
            action_id,
            title,
            goal,
            owner_partner_id,
            solution_id,
            due_date,
        } => Ok(Event::ActionPlanned(ActionPlanned {
            action_id,
            title: name_of(&title, "title")?,
            goal: text_of(&goal, "goal")?,
            owner_partner_id: reference(&owner_partner_id, "ownerPartnerId", |id| {
                state.partners.contains(id)
            })?,
            solution_id: solution_id
                .map(|id| reference(&id, "solutionId", |id| state.solutions.contains(id)))
                .transpose()?,
            due_date,
        })
        .into()),
        ReviseAction {
            action_id,
            expected_version,
            title,
            goal,
            owner_partner_id,
            due_date,
        } => {
            let title = title.map(|t| name_of(&t, "title")).transpose()?;
            let goal = goal.map(|g| text_of(&g, "goal")).transpose()?;
            let owner_partner_id = owner_partner_id
                .map(|id| reference(&id, "ownerPartnerId", |id| state.partners.contains(id)))
                .transpose()?;
            if title.is_none() && goal.is_none() && owner_partner_id.is_none() && due_date.is_none()
            {
                return Err(bad("give at least one field to change"));
            }
            let (action_id, action) = acted_on_action(state, &action_id, Some(expected_version))?;
            not_final(action)?;
            Ok(Event::ActionRevised(ActionRevised {
                action_id,
                title,
                goal,
                owner_partner_id,
                due_date,
            })
            .into())
        }
        StartAction {
            action_id,
            expected_version,
        } => {
            let (action_id, action) = acted_on_action(state, &action_id, expected_version)?;
            let cycle = match action.status {
                ActionStatus::Planned => action.cycle,
                ActionStatus::Adapted => action.cycle + 1,
                other => return Err(transition("start", other)),
            };
            Ok(Event::ActionStarted(ActionStarted { action_id, cycle }).into())
        }
        CheckAction {
            action_id,
            findings,
            expected_version,
        } => {
            let findings = text_of(&findings, "findings")?;
            let (action_id, action) = acted_on_action(state, &action_id, expected_version)?;
            if action.status != ActionStatus::Doing {
                return Err(transition("check", action.status));
            }
            Ok(Event::ActionChecked(ActionChecked {
                action_id,
                findings,
            })
            .into())
        }
        ConcludeAction {
            action_id,
            outcome,
            rationale,
            expected_version,
        } => {
            let rationale = text_of(&rationale, "rationale")?;
            let (action_id, action) = acted_on_action(state, &action_id, expected_version)?;
            if action.status != ActionStatus::Checking {
                return Err(transition("conclude", action.status));
            }
            Ok(Event::ActionConcluded(ActionConcluded {
                action_id,
                outcome,
                rationale,
            })
            .into())
        }
        RecordReflection {
            reflection_id,
            text,
            about,
        } => Ok(Event::ReflectionRecorded(ReflectionRecorded {
            reflection_id,
            text: text_of(&text, "text")?,
            about: references(&about, "about", |id| state.is_referable(id))?,
            phase: state.phase,
        })
        .into()),
        DefineIndicator {
            indicator_id,
            name,
            unit,
            baseline,
            norm,
            direction,
        } => {
            let name = name_of(&name, "name")?;
            let unit = name_of(&unit, "unit")?;
            if !baseline.is_finite() || !norm.is_finite() {
                return Err(bad("baseline and norm must be finite numbers"));
            }
            let beyond = match direction {
                Direction::Increase => norm > baseline,
                Direction::Decrease => norm < baseline,
            };
            if !beyond {
                return Err(bad(
                    "the norm must lie beyond the baseline in the indicator's direction",
                ));
            }
            Ok(Event::IndicatorDefined(IndicatorDefined {
                indicator_id,
                name,
                unit,
                baseline,
                norm,
                direction,
            })
            .into())
        }
        RecordMeasurement {
            indicator_id,
            value,
            measured_on,
            note,
        } => {
            if !value.is_finite() {
                return Err(bad("value must be a finite number"));
            }
            let note = note.map(|n| note_of(&n)).transpose()?;
            let indicator_id = acted_on(&indicator_id, ItemKind::Indicator, |id| {
                state.indicators.contains(id)
            })?;
            Ok(Event::MeasurementRecorded(MeasurementRecorded {
                indicator_id,
                value,
                measured_on,
                note,
            })
            .into())
        }
        AdvancePhase {
            expected_phase,
            note,
        } => {
            let note = note.map(|n| note_of(&n)).transpose()?;
            if expected_phase != i64::from(state.phase) {
                return Err(DomainError::Conflict(ConflictOn::Phase {
                    current: state.phase,
                }));
            }
            let methodology = state
                .methodology
                .ok_or(DomainError::NotFound(ItemKind::Werkplaats))?;
            let to = methodology.next_phase(state.phase).ok_or_else(|| {
                DomainError::InvalidState("this is the last phase of the step plan".into())
            })?;
            Ok(Event::PhaseAdvanced(PhaseAdvanced {
                from: state.phase,
                to,
                note,
            })
            .into())
        }
        RemoveMember { member_id } => {
            let (member_id, role) = active_member(state, &member_id, "remove")?;
            last_facilitator(state, role, "remove")?;
            Ok(Event::MemberRemoved(MemberRemoved { member_id }).into())
        }
        ChangeRole { member_id, role } => {
            let (member_id, from) = active_member(state, &member_id, "change the role of")?;
            if from == role {
                return Err(DomainError::InvalidState(format!(
                    "the member is {role:?} already"
                )));
            }
            last_facilitator(state, from, "demote")?;
            Ok(Event::RoleChanged(RoleChanged {
                member_id,
                from,
                to: role,
            })
            .into())
        }
        ForgetMember { member_id } => {
            // Erasure is a right the member has whatever their role: even the
            // last facilitator can be forgotten (the admin may invite anew).
            let member_id = acted_on(&member_id, ItemKind::Member, |id| state.is_member(id))?;
            if state.forgotten.contains(&member_id) {
                return Err(DomainError::InvalidState(
                    "the member is forgotten already".into(),
                ));
            }
            Ok(Event::MemberForgotten(MemberForgotten { member_id }).into())
        }
        LinkIdentity { member_id, subject } => {
            let subject = Name::parse(&subject, "subject").map_err(bad)?;
            let (member_id, _) = active_member(state, &member_id, "link")?;
            Ok(Decided {
                events: vec![Event::IdentityLinked(IdentityLinked { member_id })],
                profile: None,
                identity: Some(MemberIdentity { member_id, subject }),
            })
        }
        RecordCheckpoint { version, hash } => {
            let is_hash =
                hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !is_hash {
                return Err(bad("hash must be 64 lowercase hex digits"));
            }
            // A checkpoint of anything but the current head would vouch
            // for a version the caller did not look at.
            if version != state.version {
                return Err(DomainError::InvalidState(format!(
                    "a checkpoint records the head, version {}",
                    state.version
                )));
            }
            Ok(Event::CheckpointRecorded(CheckpointRecorded { version, hash }).into())
        }
    }
}

fn bad(message: impl Into<String>) -> DomainError {
    DomainError::BadInput(message.into())
}

fn name_of(raw: &str, field: &str) -> Result<String, DomainError> {
    Name::parse(raw, field).map(Name::into_inner).map_err(bad)
}

fn text_of(raw: &str, field: &str) -> Result<String, DomainError> {
    Text::parse(raw, field).map(Text::into_inner).map_err(bad)
}

fn note_of(raw: &str) -> Result<String, DomainError> {
    Note::parse(raw, "note").map(Note::into_inner).map_err(bad)
}

fn check_list_len(len: usize, field: &str) -> Result<(), DomainError> {
    if len > Limits::LIST_MAX {
        return Err(bad(format!(
            "{field} takes at most {} items, got {len}",
            Limits::LIST_MAX
        )));
    }
    Ok(())
}

/// An id referred to inside the input: unknown (or not an id at all) is bad input.
fn reference(raw: &str, field: &str, exists: impl Fn(&Uuid) -> bool) -> Result<Uuid, DomainError> {
    Uuid::parse_str(raw)
        .ok()
        .filter(|id| exists(id))
        .ok_or_else(|| bad(format!("{field}: unknown id {raw}")))
}

/// A list of referenced ids: at most 50, each known, none repeated.
fn references(
    raw: &[String],
    field: &str,
    exists: impl Fn(&Uuid) -> bool,
) -> Result<Vec<Uuid>, DomainError> {
    check_list_len(raw.len(), field)?;
    let mut seen = HashSet::with_capacity(raw.len());
    raw.iter()
        .map(|id| {
            let id = reference(id, field, &exists)?;
            if !seen.insert(id) {
                return Err(bad(format!("{field} repeats id {id}")));
            }
            Ok(id)
        })
        .collect()
}

/// The id of the item a command acts on: unknown is `NOT_FOUND`.
fn acted_on(
    raw: &str,
    kind: ItemKind,
    exists: impl Fn(&Uuid) -> bool,
) -> Result<Uuid, DomainError> {
    Uuid::parse_str(raw)
        .ok()
        .filter(|id| exists(id))
        .ok_or(DomainError::NotFound(kind))
}

/// The action a command acts on, checked against the version the client saw.
fn acted_on_action<'s>(
    state: &'s State,
    raw: &str,
    expected_version: Option<i64>,
) -> Result<(Uuid, &'s ActionState), DomainError> {
    let id = acted_on(raw, ItemKind::Action, |id| state.actions.contains_key(id))?;
    let action = &state.actions[&id];
    if let Some(expected) = expected_version {
        if expected != action.version {
            return Err(DomainError::Conflict(ConflictOn::Action {
                id,
                current_version: action.version,
            }));
        }
    }
    Ok((id, action))
}

/// The member a command acts on, who must still be active.
fn active_member(state: &State, raw: &str, what: &str) -> Result<(Uuid, Role), DomainError> {
    let id = acted_on(raw, ItemKind::Member, |id| state.is_member(id))?;
    let role = state.members.get(&id).copied().ok_or_else(|| {
        DomainError::InvalidState(format!("cannot {what} a member who was removed"))
    })?;
    Ok((id, role))
}

/// A werkplaats without an active facilitator could never invite, decide
/// on roles or advance again.
fn last_facilitator(state: &State, role: Role, what: &str) -> Result<(), DomainError> {
    if role == Role::Facilitator && state.facilitators() == 1 {
        return Err(DomainError::InvalidState(format!(
            "cannot {what} the last facilitator"
        )));
    }
    Ok(())
}

fn not_final(action: &ActionState) -> Result<(), DomainError> {
    if action.status.is_final() {
        return Err(transition("revise", action.status));
    }
    Ok(())
}

fn transition(what: &str, from: ActionStatus) -> DomainError {
    DomainError::InvalidState(format!("cannot {what} an action that is {from:?}"))
}
