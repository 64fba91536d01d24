//! The method's own items: goals, risks, client journeys and the checklist
//! kennis, houding en vaardigheden. Like every read model they are folds,
//! so a reading at an earlier version shows them as they were then.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{
    ChecklistAnswerValue, Competence, Event, Note, Quality, RiskLevel, RiskStatus,
    STANDARD_CHECKLIST,
};

#[derive(Clone, Debug, PartialEq)]
pub struct GoalView {
    pub id: Uuid,
    pub statement: String,
    pub target_year: Option<i32>,
    pub recorded_by: Option<Uuid>,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RiskView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub likelihood: RiskLevel,
    pub impact: RiskLevel,
    pub mitigation: Option<String>,
    pub owner: Option<Uuid>,
    pub status: RiskStatus,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JourneyStepView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub partner: Option<Uuid>,
    pub days: Option<i32>,
    pub knowledge: Option<Quality>,
    pub attitude: Option<Quality>,
    pub skills: Option<Quality>,
    pub client_centred: Option<Quality>,
    pub bottleneck: Option<String>,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct JourneyView {
    pub id: Uuid,
    pub title: String,
    pub situation: String,
    pub steps: Vec<JourneyStepView>,
    /// The version of the last event that changed the journey or a step.
    pub version: i64,
}

impl JourneyView {
    /// The sum of the steps' days; `None` when no step has days.
    pub fn total_days(&self) -> Option<i32> {
        self.steps
            .iter()
            .filter_map(|s| s.days)
            .fold(None, |sum, days| Some(sum.unwrap_or(0) + days))
    }

    pub fn step(&self, id: &Uuid) -> Option<&JourneyStepView> {
        self.steps.iter().find(|s| s.id == *id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChecklistAnswerView {
    pub partner: Uuid,
    pub answer: ChecklistAnswerValue,
    pub note: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChecklistItemView {
    pub id: Uuid,
    pub competence: Competence,
    pub statement: String,
    pub standard: bool,
    /// One per partner, in the order partners first answered.
    pub answers: Vec<ChecklistAnswerView>,
}

/// The nine standard statements every werkplaats starts with.
pub(super) fn standard_checklist(werkplaats_id: Uuid) -> Vec<ChecklistItemView> {
    crate::domain::standard_checklist_ids(werkplaats_id)
        .zip(&STANDARD_CHECKLIST)
        .map(|(id, item)| ChecklistItemView {
            id,
            competence: item.competence,
            statement: item.statement.to_owned(),
            standard: true,
            answers: Vec::new(),
        })
        .collect()
}

fn note(n: &Option<Note>) -> Option<String> {
    n.as_ref().map(Note::to_string)
}

pub(super) fn apply(view: &mut WerkplaatsView, recorded: Recorded<'_>) {
    let version = recorded.version;
    match recorded.event {
        Event::GoalRecorded(e) => {
            view.index.insert(e.goal_id, view.goals.len());
            view.goals.push(GoalView {
                id: e.goal_id,
                statement: e.statement.to_string(),
                target_year: e.target_year,
                recorded_by: recorded.actor,
                version,
            });
        }
        Event::GoalRevised(e) => {
            if let Some(goal) = find(&view.index, &mut view.goals, &e.goal_id, |g| g.id) {
                if let Some(statement) = &e.statement {
                    goal.statement = statement.to_string();
                }
                if let Some(year) = e.target_year {
                    goal.target_year = year;
                }
                goal.version = version;
            }
        }
        Event::RiskRecorded(e) => {
            view.index.insert(e.risk_id, view.risks.len());
            view.risks.push(RiskView {
                id: e.risk_id,
                title: e.title.to_string(),
                description: e.description.to_string(),
                likelihood: e.likelihood,
                impact: e.impact,
                mitigation: note(&e.mitigation),
                owner: e.owner_partner_id,
                status: RiskStatus::Open,
                version,
            });
        }
        Event::RiskRevised(e) => {
            if let Some(risk) = find(&view.index, &mut view.risks, &e.risk_id, |r| r.id) {
                if let Some(title) = &e.title {
                    risk.title = title.to_string();
                }
                if let Some(description) = &e.description {
                    risk.description = description.to_string();
                }
                if let Some(likelihood) = e.likelihood {
                    risk.likelihood = likelihood;
                }
                if let Some(impact) = e.impact {
                    risk.impact = impact;
                }
                if let Some(mitigation) = &e.mitigation {
                    risk.mitigation = note(mitigation);
                }
                if let Some(owner) = e.owner_partner_id {
                    risk.owner = owner;
                }
                if let Some(status) = e.status {
                    risk.status = status;
                }
                risk.version = version;
            }
        }
        Event::ClientJourneyStarted(e) => {
            view.index.insert(e.journey_id, view.journeys.len());
            view.journeys.push(JourneyView {
                id: e.journey_id,
                title: e.title.to_string(),
                situation: e.situation.to_string(),
                steps: Vec::new(),
                version,
            });
        }
        Event::JourneyStepAdded(e) => {
            if let Some(journey) = find(&view.index, &mut view.journeys, &e.journey_id, |j| j.id) {
                journey.steps.push(JourneyStepView {
                    id: e.step_id,
                    title: e.title.to_string(),
                    description: e.description.to_string(),
                    partner: e.partner_id,
                    days: e.days,
                    knowledge: None,
                    attitude: None,
                    skills: None,
                    client_centred: None,
                    bottleneck: None,
                    version,
                });
                journey.version = version;
            }
        }
        Event::JourneyStepAssessed(e) => {
            if let Some(journey) = find(&view.index, &mut view.journeys, &e.journey_id, |j| j.id) {
                if let Some(step) = journey.steps.iter_mut().find(|s| s.id == e.step_id) {
                    let judge = |field: &mut Option<Quality>, change: Option<Option<Quality>>| {
                        if let Some(value) = change {
                            *field = value;
                        }
                    };
                    judge(&mut step.knowledge, e.knowledge);
                    judge(&mut step.attitude, e.attitude);
                    judge(&mut step.skills, e.skills);
                    judge(&mut step.client_centred, e.client_centred);
                    if let Some(bottleneck) = &e.bottleneck {
                        step.bottleneck = note(bottleneck);
                    }
                    step.version = version;
                }
                journey.version = version;
            }
        }
        Event::ChecklistItemAdded(e) => {
            view.index.insert(e.item_id, view.checklist.len());
            view.checklist.push(ChecklistItemView {
                id: e.item_id,
                competence: e.competence,
                statement: e.statement.to_string(),
                standard: false,
                answers: Vec::new(),
            });
        }
        Event::ChecklistItemAnswered(e) => {
            if let Some(item) = find(&view.index, &mut view.checklist, &e.item_id, |i| i.id) {
                let answer = ChecklistAnswerView {
                    partner: e.partner_id,
                    answer: e.answer,
                    note: note(&e.note),
                    answered_by: recorded.actor,
                    answered_at: recorded.recorded_at,
                };
                match item.answers.iter_mut().find(|a| a.partner == e.partner_id) {
                    Some(earlier) => *earlier = answer,
                    None => item.answers.push(answer),
                }
            }
        }
        _ => {}
    }
}

/// The item with this id in its list, through the view's index.
pub(super) fn find<'a, T>(
    index: &std::collections::HashMap<Uuid, usize>,
    list: &'a mut [T],
    id: &Uuid,
    id_of: impl Fn(&T) -> Uuid,
) -> Option<&'a mut T> {
    let i = *index.get(id)?;
    list.get_mut(i).filter(|item| id_of(item) == *id)
}
