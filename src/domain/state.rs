//! The state the rules need, folded from events.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{ActionStatus, Direction, Event, Methodology, RiskStatus, Role};

/// Where one action stands: its PDCA status and cycle, and the werkplaats
/// version of the last event that changed it (what `expectedVersion` is
/// compared with).
#[derive(Clone, Debug, PartialEq)]
pub struct ActionState {
    pub status: ActionStatus,
    pub cycle: u32,
    pub version: i64,
}

/// What revising an indicator checks: the norm must stay beyond the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorState {
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RiskState {
    pub status: RiskStatus,
    pub version: i64,
}

/// A client journey's steps and the version each was last changed at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JourneyState {
    pub steps: HashMap<Uuid, i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// `None` until `WerkplaatsCreated`; the standard checklist items'
    /// ids derive from it.
    pub werkplaats_id: Option<Uuid>,
    /// `None` until `WerkplaatsCreated`.
    pub methodology: Option<Methodology>,
    /// The current phase number (from 1).
    pub phase: u32,
    /// Number of events folded so far.
    pub version: i64,
    pub partners: HashSet<Uuid>,
    /// Active members and their roles; only they may act.
    pub members: HashMap<Uuid, Role>,
    /// The partner each member speaks for, if any.
    pub member_partners: HashMap<Uuid, Uuid>,
    /// Members removed or forgotten: still referred to by history, never
    /// acting again.
    pub departed: HashSet<Uuid>,
    pub forgotten: HashSet<Uuid>,
    /// Problems and solutions by id, with the version of the last event
    /// that recorded or revised them.
    pub problems: HashMap<Uuid, i64>,
    pub solutions: HashMap<Uuid, i64>,
    pub actions: HashMap<Uuid, ActionState>,
    /// Each decision, and whether a later one superseded it.
    pub decisions: HashMap<Uuid, bool>,
    /// Decisions a review retired.
    pub retired: HashSet<Uuid>,
    pub reflections: HashSet<Uuid>,
    pub indicators: HashMap<Uuid, IndicatorState>,
    pub goals: HashMap<Uuid, i64>,
    pub risks: HashMap<Uuid, RiskState>,
    pub journeys: HashMap<Uuid, JourneyState>,
    /// The checklist: the standard items and the werkplaats's own.
    pub checklist: HashSet<Uuid>,
    /// Whether its lessons are in the library.
    pub shares_lessons: bool,
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
        self.problems.contains_key(id)
            || self.solutions.contains_key(id)
            || self.actions.contains_key(id)
            || self.reflections.contains(id)
            || self.indicators.contains_key(id)
            || self.decisions.contains_key(id)
            || self.goals.contains_key(id)
            || self.risks.contains_key(id)
            || self.journeys.contains_key(id)
            || self.checklist.contains(id)
    }

    /// The partner whose organisation a member speaks for.
    pub fn partner_of(&self, member: &Uuid) -> Option<Uuid> {
        self.member_partners.get(member).copied()
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

/// The ids of a werkplaats's standard checklist items, in order. They are
/// method data, not events, so their ids are derived from the werkplaats's
/// (name-based UUIDs): the same on every instance and at every version.
pub fn standard_checklist_ids(werkplaats_id: Uuid) -> impl Iterator<Item = Uuid> {
    (0..super::STANDARD_CHECKLIST.len())
        .map(move |n| Uuid::new_v5(&werkplaats_id, format!("checklist/{n}").as_bytes()))
}
