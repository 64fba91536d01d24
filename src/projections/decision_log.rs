//! The decision log: what was decided, on what basis, and what replaced it.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{DecisionRecorded, Name};

#[derive(Clone, Debug, PartialEq)]
pub struct DecisionView {
    pub id: Uuid,
    pub title: String,
    pub context: String,
    pub options_considered: Vec<String>,
    pub decision: String,
    pub rationale: String,
    pub based_on: Vec<Uuid>,
    pub supersedes: Option<Uuid>,
    /// Filled in when a later decision supersedes this one.
    pub superseded_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: DateTime<Utc>,
    /// Version of the `DecisionRecorded` event.
    pub at_version: i64,
}

pub(super) fn record(view: &mut WerkplaatsView, e: &DecisionRecorded, recorded: Recorded<'_>) {
    if let Some(earlier) = e.supersedes_decision_id {
        if let Some(i) = view.position(&earlier) {
            if let Some(d) = view.decisions.get_mut(i).filter(|d| d.id == earlier) {
                d.superseded_by = Some(e.decision_id);
            }
        }
    }
    view.index.insert(e.decision_id, view.decisions.len());
    view.decisions.push(DecisionView {
        id: e.decision_id,
        title: e.title.to_string(),
        context: e.context.to_string(),
        options_considered: e.options_considered.iter().map(Name::to_string).collect(),
        decision: e.decision.to_string(),
        rationale: e.rationale.to_string(),
        based_on: e.based_on.clone(),
        supersedes: e.supersedes_decision_id,
        superseded_by: None,
        decided_by: recorded.actor,
        decided_at: recorded.recorded_at,
        at_version: recorded.version,
    });
}
