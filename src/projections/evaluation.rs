//! The evaluation: indicators measured against their norm, and how the PDCA
//! cycles ended.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{ActionStatus, Direction, Event, IndicatorKind, Note};

#[derive(Clone, Debug, PartialEq)]
pub struct MeasurementView {
    pub value: f64,
    pub measured_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorView {
    pub id: Uuid,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    pub kind: IndicatorKind,
    /// The key of the template it was defined from.
    pub template: Option<String>,
    pub goal: Option<Uuid>,
    /// The version of the last event that defined, revised or measured it.
    pub version: i64,
    /// In `measuredOn` order; measurements of the same day in the order
    /// they were recorded.
    pub measurements: Vec<MeasurementView>,
}

impl IndicatorView {
    /// The value measured last in time (ties: recorded last).
    pub fn latest(&self) -> Option<f64> {
        self.measurements.last().map(|m| m.value)
    }

    /// How far from baseline to norm the latest value got; not clamped.
    pub fn progress(&self) -> Option<f64> {
        self.latest()
            .map(|latest| (latest - self.baseline) / (self.norm - self.baseline))
    }

    pub fn norm_met(&self) -> bool {
        self.latest().is_some_and(|latest| match self.direction {
            Direction::Increase => latest >= self.norm,
            Direction::Decrease => latest <= self.norm,
        })
    }
}

/// Counts over the whole werkplaats.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationSummary {
    pub actions_adopted: usize,
    pub actions_adapted: usize,
    pub actions_abandoned: usize,
    pub cycles_completed: u32,
    pub reflections: usize,
}

pub(super) fn apply(view: &mut WerkplaatsView, recorded: Recorded<'_>) {
    match recorded.event {
        Event::IndicatorDefined(e) => {
            view.index.insert(e.indicator_id, view.indicators.len());
            view.indicators.push(IndicatorView {
                id: e.indicator_id,
                name: e.name.to_string(),
                unit: e.unit.to_string(),
                baseline: e.baseline,
                norm: e.norm,
                direction: e.direction,
                kind: e.kind,
                template: e.template.clone(),
                goal: e.goal_id,
                version: recorded.version,
                measurements: Vec::new(),
            });
        }
        Event::IndicatorRevised(e) => {
            let Some(indicator) = view
                .position(&e.indicator_id)
                .and_then(|i| view.indicators.get_mut(i))
                .filter(|ind| ind.id == e.indicator_id)
            else {
                return;
            };
            if let Some(name) = &e.name {
                indicator.name = name.to_string();
            }
            if let Some(unit) = &e.unit {
                indicator.unit = unit.to_string();
            }
            if let Some(norm) = e.norm {
                indicator.norm = norm;
            }
            if let Some(kind) = e.kind {
                indicator.kind = kind;
            }
            if let Some(goal) = e.goal_id {
                indicator.goal = goal;
            }
            indicator.version = recorded.version;
        }
        Event::MeasurementRecorded(e) => {
            let Some(indicator) = view
                .position(&e.indicator_id)
                .and_then(|i| view.indicators.get_mut(i))
                .filter(|ind| ind.id == e.indicator_id)
            else {
                return;
            };
            indicator.version = recorded.version;
            // After every measurement of the same day or earlier, so that
            // among equal days the one recorded last comes last.
            let at = indicator
                .measurements
                .partition_point(|m| m.measured_on <= e.measured_on);
            indicator.measurements.insert(
                at,
                MeasurementView {
                    value: e.value,
                    measured_on: e.measured_on,
                    note: e.note.as_ref().map(Note::to_string),
                },
            );
        }
        _ => {}
    }
}

pub(super) fn summary(view: &WerkplaatsView) -> EvaluationSummary {
    let count = |status| view.actions.iter().filter(|a| a.status == status).count();
    EvaluationSummary {
        actions_adopted: count(ActionStatus::Adopted),
        actions_adapted: count(ActionStatus::Adapted),
        actions_abandoned: count(ActionStatus::Abandoned),
        cycles_completed: view.cycles_completed,
        reflections: view.reflections.len(),
    }
}
