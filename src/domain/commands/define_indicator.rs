//! `defineIndicator`: a facilitator defines an indicator with its baseline
//! and the norm it should reach.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Evolve, Rule};
use crate::domain::decide::{bad, name_of, Allowed, Decided};
use crate::domain::{Direction, DomainError, Name, State};

#[derive(Clone, Debug, PartialEq)]
pub struct DefineIndicator {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
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
}

impl Rule for DefineIndicator {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, _: &State) -> Result<Decided, DomainError> {
        let name = name_of(&self.name, "name")?;
        let unit = name_of(&self.unit, "unit")?;
        let DefineIndicator {
            baseline,
            norm,
            direction,
            ..
        } = self;
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
        Ok(IndicatorDefined {
            indicator_id: self.indicator_id,
            name,
            unit,
            baseline,
            norm,
            direction,
        }
        .into())
    }
}

impl Evolve for IndicatorDefined {
    fn evolve(&self, state: &mut State) {
        state.indicators.insert(self.indicator_id);
    }
}
