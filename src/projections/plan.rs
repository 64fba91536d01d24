//! The plan: actions and where each stands in its PDCA cycle.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Recorded, WerkplaatsView};
use crate::domain::{ActOutcome, ActionStatus, Event};

/// One entry of an action's progress log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntryView {
    pub text: String,
    pub occurred_on: NaiveDate,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// One PDCA cycle of an action, as its PDCA form shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CycleView {
    pub number: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub log: Vec<LogEntryView>,
    pub findings: Option<String>,
    pub outcome: Option<ActOutcome>,
    pub rationale: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
}

impl CycleView {
    fn new(number: u32) -> CycleView {
        CycleView {
            number,
            started_at: None,
            log: Vec::new(),
            findings: None,
            outcome: None,
            rationale: None,
            concluded_at: None,
        }
    }
}

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
    /// The indicators the action should move.
    pub indicators: Vec<Uuid>,
    /// Cycles 1 to `cycle`.
    pub cycles: Vec<CycleView>,
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
            indicators: e.indicator_ids.clone(),
            cycles: vec![CycleView::new(1)],
            version,
        });
        return;
    }
    let id = match recorded.event {
        Event::ActionRevised(e) => e.action_id,
        Event::ActionStarted(e) => e.action_id,
        Event::ActionChecked(e) => e.action_id,
        Event::ActionConcluded(e) => e.action_id,
        Event::ActionProgressLogged(e) => e.action_id,
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
            if let Some(indicators) = &e.indicator_ids {
                action.indicators.clone_from(indicators);
            }
        }
        Event::ActionStarted(e) => {
            action.status = ActionStatus::Doing;
            action.cycle = e.cycle;
            cycle(action, e.cycle).started_at = Some(recorded.recorded_at);
        }
        Event::ActionChecked(e) => {
            action.status = ActionStatus::Checking;
            action.findings.push(e.findings.to_string());
            let number = action.cycle;
            cycle(action, number).findings = Some(e.findings.to_string());
        }
        Event::ActionConcluded(e) => {
            action.status = e.outcome.status();
            view.cycles_completed += 1;
            let number = action.cycle;
            let concluded = cycle(action, number);
            concluded.outcome = Some(e.outcome);
            concluded.rationale = Some(e.rationale.to_string());
            concluded.concluded_at = Some(recorded.recorded_at);
        }
        Event::ActionProgressLogged(e) => {
            cycle(action, e.cycle).log.push(LogEntryView {
                text: e.text.to_string(),
                occurred_on: e.occurred_on,
                recorded_by: recorded.actor,
                recorded_at: recorded.recorded_at,
            });
        }
        _ => {}
    }
}

/// The action's cycle with this number, added when the action first
/// reaches it.
fn cycle(action: &mut ActionView, number: u32) -> &mut CycleView {
    while action.cycles.len() < number as usize {
        let next = action.cycles.len() as u32 + 1;
        action.cycles.push(CycleView::new(next));
    }
    let at = (number.max(1) - 1) as usize;
    &mut action.cycles[at]
}
