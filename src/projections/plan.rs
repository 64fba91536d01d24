//! The plan: actions and where each stands in its PDCA cycle.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{ActionStatus, Event};

#[derive(Clone, Debug, PartialEq)]
pub struct ActionView {
    pub id: Uuid,
    pub title: String,
    pub goal: String,
    pub status: ActionStatus,
    pub cycle: u32,
    pub owner: Uuid,
    pub due_date: Option<NaiveDate>,
    pub solution: Option<Uuid>,
    /// Findings of every Check step, oldest first.
    pub findings: Vec<String>,
    /// The werkplaats version of the last event that changed this action.
    pub version: i64,
}

pub(super) fn apply(view: &mut WerkplaatsView, recorded: Recorded<'_>) {
    let version = recorded.version;
    if let Event::ActionPlanned(e) = recorded.event {
        view.index.insert(e.action_id, view.actions.len());
        view.actions.push(ActionView {
            id: e.action_id,
            title: e.title.to_string(),
            goal: e.goal.to_string(),
            status: ActionStatus::Planned,
            cycle: 1,
            owner: e.owner_partner_id,
            due_date: e.due_date,
            solution: e.solution_id,
            findings: Vec::new(),
            version,
        });
        return;
    }
    let id = match recorded.event {
        Event::ActionRevised(e) => e.action_id,
        Event::ActionStarted(e) => e.action_id,
        Event::ActionChecked(e) => e.action_id,
        Event::ActionConcluded(e) => e.action_id,
        _ => return,
    };
    let Some(action) = view
        .position(&id)
        .and_then(|i| view.actions.get_mut(i))
        .filter(|a| a.id == id)
    else {
        return;
    };
    action.version = version;
    match recorded.event {
        Event::ActionRevised(e) => {
            if let Some(title) = &e.title {
                action.title = title.to_string();
            }
            if let Some(goal) = &e.goal {
                action.goal = goal.to_string();
            }
            if let Some(owner) = e.owner_partner_id {
                action.owner = owner;
            }
            if let Some(due_date) = e.due_date {
                action.due_date = due_date;
            }
        }
        Event::ActionStarted(e) => {
            action.status = ActionStatus::Doing;
            action.cycle = e.cycle;
        }
        Event::ActionChecked(e) => {
            action.status = ActionStatus::Checking;
            action.findings.push(e.findings.to_string());
        }
        Event::ActionConcluded(e) => {
            action.status = e.outcome.status();
            view.cycles_completed += 1;
        }
        _ => {}
    }
}
