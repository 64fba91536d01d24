//! The decision log: what was decided, on what basis, and what replaced it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{DecisionRecorded, DecisionReviewed, Name, Note, ReviewOutcome};

/// A later look at a decision.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewView {
    pub outcome: ReviewOutcome,
    pub note: String,
    pub next_review_on: Option<NaiveDate>,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: DateTime<Utc>,
    pub at_version: i64,
}

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
    /// When it is due for review; reviews move it.
    pub review_on: Option<NaiveDate>,
    pub consequences: Option<String>,
    pub retired: bool,
    pub reviews: Vec<ReviewView>,
}

impl DecisionView {
    /// Whether a review of it is due on `on`.
    pub fn due_on(&self, on: NaiveDate) -> bool {
        self.review_on.is_some_and(|date| date <= on)
            && self.superseded_by.is_none()
            && !self.retired
    }
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
        review_on: e.review_on,
        consequences: e.consequences.as_ref().map(Note::to_string),
        retired: false,
        reviews: Vec::new(),
    });
}

pub(super) fn review(view: &mut WerkplaatsView, e: &DecisionReviewed, recorded: Recorded<'_>) {
    let Some(decision) = view
        .position(&e.decision_id)
        .and_then(|i| view.decisions.get_mut(i))
        .filter(|d| d.id == e.decision_id)
    else {
        return;
    };
    if e.outcome == ReviewOutcome::Retire {
        decision.retired = true;
        decision.review_on = None;
    } else {
        decision.review_on = e.next_review_on;
    }
    decision.reviews.push(ReviewView {
        outcome: e.outcome,
        note: e.note.to_string(),
        next_review_on: e.next_review_on,
        reviewed_by: recorded.actor,
        reviewed_at: recorded.recorded_at,
        at_version: recorded.version,
    });
}
