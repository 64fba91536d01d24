//! `recordMeasurement`: a planner records a measured value of an indicator.
//! It changes the indicator's version; the values are the evaluation's.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on, bad, note_of, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, Note, State};

#[derive(Clone, Debug, PartialEq)]
pub struct RecordMeasurement {
    pub indicator_id: String,
    pub value: f64,
    pub measured_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementRecorded {
    pub indicator_id: Uuid,
    pub value: f64,
    pub measured_on: NaiveDate,
    pub note: Option<Note>,
}

impl Rule for RecordMeasurement {
    const ALLOWED: Allowed = Allowed::PLANNERS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        if !self.value.is_finite() {
            return Err(bad("value must be a finite number"));
        }
        let note = self.note.map(|n| note_of(&n)).transpose()?;
        let indicator_id = acted_on(&self.indicator_id, ItemKind::Indicator, |id| {
            state.indicators.contains_key(id)
        })?;
        Ok(MeasurementRecorded {
            indicator_id,
            value: self.value,
            measured_on: self.measured_on,
            note,
        }
        .into())
    }
}

impl Evolve for MeasurementRecorded {
    fn evolve(&self, state: &mut State) {
        let version = state.version;
        if let Some(indicator) = state.indicators.get_mut(&self.indicator_id) {
            indicator.version = version;
        }
    }
}
