//! `defineIndicator`: a facilitator defines an indicator with its baseline
//! and the norm it should reach.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, norm_beyond, reference, Allowed, Decided};
use crate::domain::{Direction, DomainError, IndicatorKind, IndicatorState, Name, State};

#[derive(Clone, Debug, PartialEq)]
pub struct DefineIndicator {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    pub kind: IndicatorKind,
    pub goal_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorDefined {
    pub indicator_id: Uuid,
    pub name: Name,
    pub unit: Name,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    /// Absent in events stored before indicators had kinds: an outcome.
    #[serde(default)]
    pub kind: IndicatorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_id: Option<Uuid>,
    /// The key of the template it was defined from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

impl Rule for DefineIndicator {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let name = name_of(&self.name, "name")?;
        let unit = name_of(&self.unit, "unit")?;
        norm_beyond(self.baseline, self.norm, self.direction)?;
        let goal_id = goal_reference(state, self.goal_id)?;
        Ok(IndicatorDefined {
            indicator_id: self.indicator_id,
            name,
            unit,
            baseline: self.baseline,
            norm: self.norm,
            direction: self.direction,
            kind: self.kind,
            goal_id,
            template: None,
        }
        .into())
    }
}

/// An optional goal an indicator belongs to: unknown is bad input.
pub(super) fn goal_reference(
    state: &State,
    raw: Option<String>,
) -> Result<Option<Uuid>, DomainError> {
    raw.map(|id| reference(&id, "goalId", |id| state.goals.contains_key(id)))
        .transpose()
}

impl Evolve for IndicatorDefined {
    fn evolve(&self, state: &mut State) {
        state.indicators.insert(
            self.indicator_id,
            IndicatorState {
                baseline: self.baseline,
                norm: self.norm,
                direction: self.direction,
                version: state.version,
            },
        );
    }
}
