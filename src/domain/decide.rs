//! The rules' frame: what a command appends, or why it is refused.
//!
//! Each command's own rule lives in its module under `commands/`; here is
//! what they share. Each command is checked in the contract's order of
//! errors: first whether the actor's role may send it (`FORBIDDEN`, checked
//! here for all), then its input, including ids it refers to
//! (`BAD_USER_INPUT`), then the item it acts on (`NOT_FOUND`), then the
//! version the client last saw (`CONFLICT`), and last whether the item's
//! state allows it (`INVALID_STATE`).

use std::collections::HashSet;

use uuid::Uuid;

use super::{
    ActionState, ActionStatus, Actor, Command, ConflictOn, DomainError, Event, ItemKind, Limits,
    Name, Note, Role, State, Text,
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

impl Decided {
    /// A command that changes nothing: it is answered with the current state.
    pub fn nothing() -> Decided {
        Decided {
            events: Vec::new(),
            profile: None,
            identity: None,
        }
    }
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

/// Who may send a command: the admin, and which roles of members.
pub struct Allowed {
    admin: bool,
    roles: &'static [Role],
}

impl Allowed {
    /// Only the server's bootstrap administrator.
    pub const ADMIN: Allowed = Allowed {
        admin: true,
        roles: &[],
    };
    pub const FACILITATORS: Allowed = members(&[Role::Facilitator]);
    /// Erasure and sign-in links may be needed where no facilitator is
    /// left to ask, so the admin may do them too.
    pub const FACILITATORS_OR_ADMIN: Allowed = Allowed {
        admin: true,
        roles: &[Role::Facilitator],
    };
    pub const CONTRIBUTORS: Allowed =
        members(&[Role::Facilitator, Role::Partner, Role::ClientVoice]);
    pub const PLANNERS: Allowed = members(&[Role::Facilitator, Role::Partner]);
    /// Checkpoints are the auditors' write: evaluators audit, facilitators
    /// answer for the trail.
    pub const AUDITORS: Allowed = members(&[Role::Evaluator, Role::Facilitator]);
}

const fn members(roles: &'static [Role]) -> Allowed {
    Allowed {
        admin: false,
        roles,
    }
}

fn authorise(state: &State, actor: Actor, allowed: Allowed) -> Result<(), DomainError> {
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
    authorise(state, actor, command.allowed())?;
    command.decide(state, actor)
}

// The checks several commands share, each raising the error its place in
// the contract's order calls for.

pub(super) fn bad(message: impl Into<String>) -> DomainError {
    DomainError::BadInput(message.into())
}

pub(super) fn name_of(raw: &str, field: &str) -> Result<Name, DomainError> {
    Name::parse(raw, field).map_err(bad)
}

pub(super) fn text_of(raw: &str, field: &str) -> Result<Text, DomainError> {
    Text::parse(raw, field).map_err(bad)
}

pub(super) fn note_of(raw: &str) -> Result<Note, DomainError> {
    note_named(raw, "note")
}

pub(super) fn note_named(raw: &str, field: &str) -> Result<Note, DomainError> {
    Note::parse(raw, field).map_err(bad)
}

/// A note where empty means none, as a risk's mitigation or a step's
/// bottleneck.
pub(super) fn optional_note(raw: &str, field: &str) -> Result<Option<Note>, DomainError> {
    let note = note_named(raw, field)?;
    Ok((!note.as_str().is_empty()).then_some(note))
}

/// A list of values that may not repeat one.
pub(super) fn distinct<T: PartialEq + Copy>(values: &[T], field: &str) -> Result<(), DomainError> {
    check_list_len(values.len(), field)?;
    for (i, value) in values.iter().enumerate() {
        if values[..i].contains(value) {
            return Err(bad(format!("{field} repeats a value")));
        }
    }
    Ok(())
}

/// Fails when a revision names no field to change.
pub(super) fn some_change(changes: &[bool]) -> Result<(), DomainError> {
    if changes.iter().any(|&changed| changed) {
        Ok(())
    } else {
        Err(bad("give at least one field to change"))
    }
}

/// An item a revision acts on, checked against the version the client saw.
pub(super) fn acted_on_version(
    raw: &str,
    kind: ItemKind,
    expected: i64,
    version_of: impl Fn(&Uuid) -> Option<i64>,
) -> Result<Uuid, DomainError> {
    let id = acted_on(raw, kind, |id| version_of(id).is_some())?;
    let current_version = version_of(&id).unwrap_or_default();
    if expected != current_version {
        return Err(DomainError::Conflict(ConflictOn::Item {
            kind,
            id,
            current_version,
        }));
    }
    Ok(id)
}

/// The norm must lie beyond the baseline in the indicator's direction.
pub(super) fn norm_beyond(
    baseline: f64,
    norm: f64,
    direction: super::Direction,
) -> Result<(), DomainError> {
    if !baseline.is_finite() || !norm.is_finite() {
        return Err(bad("baseline and norm must be finite numbers"));
    }
    let beyond = match direction {
        super::Direction::Increase => norm > baseline,
        super::Direction::Decrease => norm < baseline,
    };
    if !beyond {
        return Err(bad(
            "the norm must lie beyond the baseline in the indicator's direction",
        ));
    }
    Ok(())
}

pub(super) fn check_list_len(len: usize, field: &str) -> Result<(), DomainError> {
    if len > Limits::LIST_MAX {
        return Err(bad(format!(
            "{field} takes at most {} items, got {len}",
            Limits::LIST_MAX
        )));
    }
    Ok(())
}

/// An id referred to inside the input: unknown (or not an id at all) is bad input.
pub(super) fn reference(
    raw: &str,
    field: &str,
    exists: impl Fn(&Uuid) -> bool,
) -> Result<Uuid, DomainError> {
    Uuid::parse_str(raw)
        .ok()
        .filter(|id| exists(id))
        .ok_or_else(|| bad(format!("{field}: unknown id {raw}")))
}

/// A list of referenced ids: at most 50, each known, none repeated.
pub(super) fn references(
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
pub(super) fn acted_on(
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
pub(super) fn acted_on_action<'s>(
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
pub(super) fn active_member(
    state: &State,
    raw: &str,
    what: &str,
) -> Result<(Uuid, Role), DomainError> {
    let id = acted_on(raw, ItemKind::Member, |id| state.is_member(id))?;
    let role = state.members.get(&id).copied().ok_or_else(|| {
        DomainError::InvalidState(format!("cannot {what} a member who was removed"))
    })?;
    Ok((id, role))
}

/// A werkplaats without an active facilitator could never invite, decide
/// on roles or advance again.
pub(super) fn last_facilitator(state: &State, role: Role, what: &str) -> Result<(), DomainError> {
    if role == Role::Facilitator && state.facilitators() == 1 {
        return Err(DomainError::InvalidState(format!(
            "cannot {what} the last facilitator"
        )));
    }
    Ok(())
}

pub(super) fn transition(what: &str, from: ActionStatus) -> DomainError {
    DomainError::InvalidState(format!("cannot {what} an action that is {from:?}"))
}
