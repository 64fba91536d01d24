//! The state the rules need, folded from events.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{ActionStatus, Event, Methodology, Role};

/// Where one action stands: its PDCA status and cycle, and the werkplaats
/// version of the last event that changed it (what `expectedVersion` is
/// compared with).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionState {
    pub status: ActionStatus,
    pub cycle: u32,
    pub version: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// `None` until `WerkplaatsCreated`.
    pub methodology: Option<Methodology>,
    /// The current phase number (from 1).
    pub phase: u32,
    /// Number of events folded so far.
    pub version: i64,
    pub partners: HashSet<Uuid>,
    /// Active members and their roles; only they may act.
    pub members: HashMap<Uuid, Role>,
    /// Members removed or forgotten: still referred to by history, never
    /// acting again.
    pub departed: HashSet<Uuid>,
    pub forgotten: HashSet<Uuid>,
    pub problems: HashSet<Uuid>,
    pub solutions: HashSet<Uuid>,
    pub actions: HashMap<Uuid, ActionState>,
    /// Each decision, and whether a later one superseded it.
    pub decisions: HashMap<Uuid, bool>,
    pub reflections: HashSet<Uuid>,
    pub indicators: HashSet<Uuid>,
}

impl State {
    pub fn exists(&self) -> bool {
        self.methodology.is_some()
    }

    /// Folds a stream from its first event.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut state = State::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Whether `id` names a member, active or departed.
    pub fn is_member(&self, id: &Uuid) -> bool {
        self.members.contains_key(id) || self.departed.contains(id)
    }

    /// Active facilitators: a werkplaats keeps at least one.
    pub fn facilitators(&self) -> usize {
        self.members
            .values()
            .filter(|role| **role == Role::Facilitator)
            .count()
    }

    /// Whether `id` names any item a decision or reflection may refer to.
    pub fn is_referable(&self, id: &Uuid) -> bool {
        self.problems.contains(id)
            || self.solutions.contains(id)
            || self.actions.contains_key(id)
            || self.reflections.contains(id)
            || self.indicators.contains(id)
            || self.decisions.contains_key(id)
    }

    /// Folds the next event; its version is one more than the state's.
    /// How each event changes the state is said with the event, in
    /// `commands/`.
    pub fn apply(&mut self, event: &Event) {
        self.version += 1;
        event.evolve(self);
    }

    /// Changes an action and marks it as last changed by the event being
    /// folded.
    pub(super) fn touch(&mut self, action: Uuid, change: impl FnOnce(&mut ActionState)) {
        if let Some(state) = self.actions.get_mut(&action) {
            change(state);
            state.version = self.version;
        }
    }
}
