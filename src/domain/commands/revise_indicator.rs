//! `reviseIndicator`: a facilitator corrects an indicator's name, unit,
//! norm, kind or goal. The norm must still lie beyond the baseline.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::define_indicator::goal_reference;
use super::revise_action::present;
use super::{Actor, Evolve, Rule};
use crate::domain::decide::{
    acted_on, bad, name_of, norm_beyond, some_change, Allowed, Decided,
};
use crate::domain::{ConflictOn, DomainError, IndicatorKind, ItemKind, Name, State};

#[derive(Clone, Debug, PartialEq)]
pub struct ReviseIndicator {
    pub indicator_id: String,
    pub expected_version: i64,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub norm: Option<f64>,
    pub kind: Option<IndicatorKind>,
    /// `Some(None)` unlinks the indicator from its goal.
    pub goal_id: Option<Option<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorRevised {
    pub indicator_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub norm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<IndicatorKind>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub goal_id: Option<Option<Uuid>>,
}

impl Rule for ReviseIndicator {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let name = self.name.map(|n| name_of(&n, "name")).transpose()?;
        let unit = self.unit.map(|u| name_of(&u, "unit")).transpose()?;
        if self.norm.is_some_and(|norm| !norm.is_finite()) {
            return Err(bad("norm must be a finite number"));
        }
        let goal_id = self
            .goal_id
            .map(|goal| goal_reference(state, goal))
            .transpose()?;
        some_change(&[
            name.is_some(),
            unit.is_some(),
            self.norm.is_some(),
            self.kind.is_some(),
            goal_id.is_some(),
        ])?;
        let indicator_id = acted_on(&self.indicator_id, ItemKind::Indicator, |id| {
            state.indicators.contains_key(id)
        })?;
        let indicator = &state.indicators[&indicator_id];
        // The norm's place is bad input, which the contract ranks before a
        // stale version; it can only be judged once the indicator is known.
        if let Some(norm) = self.norm {
            norm_beyond(indicator.baseline, norm, indicator.direction)?;
        }
        if self.expected_version != indicator.version {
            return Err(DomainError::Conflict(ConflictOn::Item {
                kind: ItemKind::Indicator,
                id: indicator_id,
                current_version: indicator.version,
            }));
        }
        Ok(IndicatorRevised {
            indicator_id,
            name,
            unit,
            norm: self.norm,
            kind: self.kind,
            goal_id,
        }
        .into())
    }
}

impl Evolve for IndicatorRevised {
    fn evolve(&self, state: &mut State) {
        let version = state.version;
        if let Some(indicator) = state.indicators.get_mut(&self.indicator_id) {
            if let Some(norm) = self.norm {
                indicator.norm = norm;
            }
            indicator.version = version;
        }
    }
}
