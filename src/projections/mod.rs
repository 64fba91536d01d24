//! Read models: folds over a werkplaats stream.
//!
//! [`WerkplaatsView`] is the werkplaats as its members see it — partners,
//! members, problems, solutions, the plan, the decision log, reflections and
//! the evaluation. It is built by folding events one by one, so the
//! werkplaats at version *n* is simply the fold of its first *n* events: the
//! head and every earlier version come from the same code.

mod decision_log;
mod evaluation;
mod library;
mod method;
mod plan;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::{
    EmpowermentCapital, Event, EvidenceBasis, Methodology, Note, PartnerKind, Perspective,
    RecognitionLevel, Role,
};

pub use decision_log::{DecisionView, ReviewView};
pub use evaluation::{EvaluationSummary, IndicatorView, MeasurementView};
pub use library::{lessons, LessonIndicator, LessonSolution, LessonSource, LessonView};
pub use method::{
    ChecklistAnswerView, ChecklistItemView, GoalView, JourneyStepView, JourneyView, RiskView,
};
pub use plan::{ActionView, CycleView, LogEntryView};

/// The envelope a projection needs besides the payload.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<'a> {
    pub version: i64,
    pub recorded_at: DateTime<Utc>,
    pub actor: Option<Uuid>,
    pub event: &'a Event,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartnerView {
    pub id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
}

/// A member as the stream knows it. Names are not in the stream; the
/// application attaches them from the member profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberView {
    pub id: Uuid,
    pub role: Role,
    pub partner_id: Option<Uuid>,
    /// False once removed (or forgotten); history still refers to them.
    pub active: bool,
    pub forgotten: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProblemView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub perspective: Perspective,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SolutionView {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses: Vec<Uuid>,
    pub capitals: Vec<EmpowermentCapital>,
    pub recognition: RecognitionLevel,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReflectionView {
    pub id: Uuid,
    pub text: String,
    pub about: Vec<Uuid>,
    pub phase: u32,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// A head an evaluator recorded (`CheckpointRecorded`).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckpointView {
    pub version: i64,
    pub hash: String,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// One step on the werkplaats' timeline of phases.
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseChange {
    pub from: u32,
    pub to: u32,
    pub note: Option<String>,
    /// `None` for the admin.
    pub by: Option<Uuid>,
    pub version: i64,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WerkplaatsView {
    pub id: Uuid,
    pub name: String,
    pub municipality: String,
    pub question: String,
    pub methodology: Methodology,
    pub phase: u32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// `recordedAt` of the last event folded.
    pub updated_at: DateTime<Utc>,
    pub partners: Vec<PartnerView>,
    pub members: Vec<MemberView>,
    pub problems: Vec<ProblemView>,
    pub solutions: Vec<SolutionView>,
    pub actions: Vec<ActionView>,
    pub decisions: Vec<DecisionView>,
    pub reflections: Vec<ReflectionView>,
    pub indicators: Vec<IndicatorView>,
    /// Number of `ActionConcluded` events: finished PDCA cycles.
    pub cycles_completed: u32,
    pub phase_history: Vec<PhaseChange>,
    pub checkpoints: Vec<CheckpointView>,
    pub goals: Vec<GoalView>,
    pub risks: Vec<RiskView>,
    pub journeys: Vec<JourneyView>,
    /// The standard checklist items first, then the werkplaats's own.
    pub checklist: Vec<ChecklistItemView>,
    /// Whether its lessons are in the library.
    pub shares_lessons: bool,
    /// Where each item sits in its list, by id.
    index: HashMap<Uuid, usize>,
}

impl WerkplaatsView {
    /// Folds a stream from its first event. `None` when the stream does not
    /// start with `WerkplaatsCreated`.
    pub fn fold<'a>(events: impl IntoIterator<Item = Recorded<'a>>) -> Option<WerkplaatsView> {
        let mut events = events.into_iter();
        let mut view = WerkplaatsView::start(events.next()?)?;
        for recorded in events {
            view.apply(recorded);
        }
        Some(view)
    }

    /// A view from the stream's first event.
    pub fn start(first: Recorded<'_>) -> Option<WerkplaatsView> {
        let Event::WerkplaatsCreated(created) = first.event else {
            return None;
        };
        let checklist = method::standard_checklist(created.werkplaats_id);
        let index = checklist
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .collect();
        Some(WerkplaatsView {
            id: created.werkplaats_id,
            name: created.name.to_string(),
            municipality: created.municipality.to_string(),
            question: created.question.to_string(),
            methodology: created.methodology,
            phase: 1,
            version: first.version,
            created_at: first.recorded_at,
            updated_at: first.recorded_at,
            partners: Vec::new(),
            members: Vec::new(),
            problems: Vec::new(),
            solutions: Vec::new(),
            actions: Vec::new(),
            decisions: Vec::new(),
            reflections: Vec::new(),
            indicators: Vec::new(),
            cycles_completed: 0,
            phase_history: Vec::new(),
            checkpoints: Vec::new(),
            goals: Vec::new(),
            risks: Vec::new(),
            journeys: Vec::new(),
            checklist,
            shares_lessons: false,
            index,
        })
    }

    /// Folds the next event.
    pub fn apply(&mut self, recorded: Recorded<'_>) {
        self.version = recorded.version;
        self.updated_at = recorded.recorded_at;
        let Recorded {
            version,
            recorded_at,
            actor,
            event,
        } = recorded;
        match event {
            Event::WerkplaatsCreated(_) => {}
            Event::PartnerAdded(e) => {
                self.index.insert(e.partner_id, self.partners.len());
                self.partners.push(PartnerView {
                    id: e.partner_id,
                    name: e.name.to_string(),
                    kind: e.kind,
                });
            }
            Event::MemberInvited(e) => {
                self.index.insert(e.member_id, self.members.len());
                self.members.push(MemberView {
                    id: e.member_id,
                    role: e.role,
                    partner_id: e.partner_id,
                    active: true,
                    forgotten: false,
                });
            }
            Event::MemberRemoved(e) => self.change_member(&e.member_id, |m| m.active = false),
            Event::RoleChanged(e) => self.change_member(&e.member_id, |m| m.role = e.to),
            Event::MemberForgotten(e) => self.change_member(&e.member_id, |m| {
                m.active = false;
                m.forgotten = true;
            }),
            Event::IdentityLinked(_) | Event::InvitationReissued(_) => {}
            Event::ProblemRecorded(e) => {
                self.index.insert(e.problem_id, self.problems.len());
                self.problems.push(ProblemView {
                    id: e.problem_id,
                    title: e.title.to_string(),
                    description: e.description.to_string(),
                    perspective: e.perspective,
                    recorded_by: actor,
                    recorded_at,
                    version,
                });
            }
            Event::SolutionProposed(e) => {
                self.index.insert(e.solution_id, self.solutions.len());
                self.solutions.push(SolutionView {
                    id: e.solution_id,
                    title: e.title.to_string(),
                    description: e.description.to_string(),
                    basis: e.basis.clone(),
                    addresses: e.addresses_problem_ids.clone(),
                    capitals: e.capitals.clone(),
                    recognition: e.recognition,
                    version,
                });
            }
            Event::ProblemRevised(e) => {
                if let Some(p) =
                    method::find(&self.index, &mut self.problems, &e.problem_id, |p| p.id)
                {
                    if let Some(title) = &e.title {
                        p.title = title.to_string();
                    }
                    if let Some(description) = &e.description {
                        p.description = description.to_string();
                    }
                    if let Some(perspective) = e.perspective {
                        p.perspective = perspective;
                    }
                    p.version = version;
                }
            }
            Event::SolutionRevised(e) => {
                if let Some(s) =
                    method::find(&self.index, &mut self.solutions, &e.solution_id, |s| s.id)
                {
                    if let Some(title) = &e.title {
                        s.title = title.to_string();
                    }
                    if let Some(description) = &e.description {
                        s.description = description.to_string();
                    }
                    if let Some(basis) = &e.basis {
                        s.basis.clone_from(basis);
                    }
                    if let Some(addresses) = &e.addresses_problem_ids {
                        s.addresses.clone_from(addresses);
                    }
                    if let Some(capitals) = &e.capitals {
                        s.capitals.clone_from(capitals);
                    }
                    if let Some(recognition) = e.recognition {
                        s.recognition = recognition;
                    }
                    s.version = version;
                }
            }
            Event::DecisionReviewed(e) => decision_log::review(self, e, recorded),
            Event::LessonsShared(_) => self.shares_lessons = true,
            Event::LessonsUnshared(_) => self.shares_lessons = false,
            Event::GoalRecorded(_)
            | Event::GoalRevised(_)
            | Event::RiskRecorded(_)
            | Event::RiskRevised(_)
            | Event::ClientJourneyStarted(_)
            | Event::JourneyStepAdded(_)
            | Event::JourneyStepAssessed(_)
            | Event::ChecklistItemAdded(_)
            | Event::ChecklistItemAnswered(_) => method::apply(self, recorded),
            Event::DecisionRecorded(e) => {
                decision_log::record(self, e, recorded);
            }
            Event::ActionPlanned(_)
            | Event::ActionRevised(_)
            | Event::ActionStarted(_)
            | Event::ActionChecked(_)
            | Event::ActionConcluded(_)
            | Event::ActionProgressLogged(_) => plan::apply(self, recorded),
            Event::ReflectionRecorded(e) => {
                self.index.insert(e.reflection_id, self.reflections.len());
                self.reflections.push(ReflectionView {
                    id: e.reflection_id,
                    text: e.text.to_string(),
                    about: e.about.clone(),
                    phase: e.phase,
                    recorded_by: actor,
                    recorded_at,
                });
            }
            Event::IndicatorDefined(_)
            | Event::IndicatorRevised(_)
            | Event::MeasurementRecorded(_) => evaluation::apply(self, recorded),
            Event::CheckpointRecorded(e) => self.checkpoints.push(CheckpointView {
                version: e.version,
                hash: e.hash.clone(),
                recorded_by: actor,
                recorded_at,
            }),
            Event::PhaseAdvanced(e) => {
                self.phase = e.to;
                self.phase_history.push(PhaseChange {
                    from: e.from,
                    to: e.to,
                    note: e.note.as_ref().map(Note::to_string),
                    by: actor,
                    version,
                    at: recorded_at,
                });
            }
        }
    }

    fn change_member(&mut self, id: &Uuid, change: impl FnOnce(&mut MemberView)) {
        if let Some(member) = self.index.get(id).and_then(|i| self.members.get_mut(*i)) {
            change(member);
        }
    }

    /// Whether `id` names any item of this werkplaats.
    pub fn contains(&self, id: &Uuid) -> bool {
        self.index.contains_key(id)
    }

    /// Where the item with this id sits in its list.
    pub fn position(&self, id: &Uuid) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn partner(&self, id: &Uuid) -> Option<&PartnerView> {
        self.position(id)
            .and_then(|i| self.partners.get(i))
            .filter(|p| p.id == *id)
    }

    pub fn member(&self, id: &Uuid) -> Option<&MemberView> {
        self.position(id)
            .and_then(|i| self.members.get(i))
            .filter(|m| m.id == *id)
    }

    pub fn problem(&self, id: &Uuid) -> Option<&ProblemView> {
        self.position(id)
            .and_then(|i| self.problems.get(i))
            .filter(|p| p.id == *id)
    }

    pub fn solution(&self, id: &Uuid) -> Option<&SolutionView> {
        self.position(id)
            .and_then(|i| self.solutions.get(i))
            .filter(|s| s.id == *id)
    }

    pub fn action(&self, id: &Uuid) -> Option<&ActionView> {
        self.position(id)
            .and_then(|i| self.actions.get(i))
            .filter(|a| a.id == *id)
    }

    pub fn decision(&self, id: &Uuid) -> Option<&DecisionView> {
        self.position(id)
            .and_then(|i| self.decisions.get(i))
            .filter(|d| d.id == *id)
    }

    pub fn reflection(&self, id: &Uuid) -> Option<&ReflectionView> {
        self.position(id)
            .and_then(|i| self.reflections.get(i))
            .filter(|r| r.id == *id)
    }

    pub fn indicator(&self, id: &Uuid) -> Option<&IndicatorView> {
        self.position(id)
            .and_then(|i| self.indicators.get(i))
            .filter(|ind| ind.id == *id)
    }

    pub fn goal(&self, id: &Uuid) -> Option<&GoalView> {
        self.position(id)
            .and_then(|i| self.goals.get(i))
            .filter(|g| g.id == *id)
    }

    pub fn risk(&self, id: &Uuid) -> Option<&RiskView> {
        self.position(id)
            .and_then(|i| self.risks.get(i))
            .filter(|r| r.id == *id)
    }

    pub fn journey(&self, id: &Uuid) -> Option<&JourneyView> {
        self.position(id)
            .and_then(|i| self.journeys.get(i))
            .filter(|j| j.id == *id)
    }

    /// The journey a step belongs to, and the step.
    pub fn journey_step(&self, id: &Uuid) -> Option<(&JourneyView, &JourneyStepView)> {
        self.journeys
            .iter()
            .find_map(|j| j.step(id).map(|s| (j, s)))
    }

    pub fn checklist_item(&self, id: &Uuid) -> Option<&ChecklistItemView> {
        self.position(id)
            .and_then(|i| self.checklist.get(i))
            .filter(|c| c.id == *id)
    }

    pub fn evaluation(&self) -> EvaluationSummary {
        evaluation::summary(self)
    }
}
