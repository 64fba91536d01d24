//! The method's objects: step guides, the timeline of phases, goals,
//! indicator templates, risks, decision reviews, the PDCA form, client
//! journeys and the checklist. Like the rest of `types`, each object holds
//! the werkplaats as of the version asked for, so time travel reaches them.

use async_graphql::{Object, Result, SimpleObject, ID};
use uuid::Uuid;

use super::enums::*;
use super::scalars::{Date, DateTime};
use super::types::{
    borrowed_item, id, int, member, phase, Indicator, Member, Partner, Phase, Shared,
};
use crate::domain;
use crate::projections::{
    ChecklistAnswerView, ChecklistItemView, CycleView, GoalView, JourneyStepView, JourneyView,
    PhaseChange, ReviewView, RiskView,
};

/// What one step of the step plan is for.
#[derive(SimpleObject)]
pub struct StepGuide {
    /// What the partners have reached when the step is done (the step
    /// plan's "resultaat").
    pub result: String,
    /// What the step is about, in a few sentences.
    pub about: String,
    /// The questions that lead the step.
    pub questions: Vec<String>,
    /// The tools that serve this step.
    pub tools: Vec<MethodTool>,
    /// The step plan, and its step, this guide follows.
    pub source: String,
}

impl StepGuide {
    pub fn of(guide: Option<&'static domain::StepGuide>) -> StepGuide {
        match guide {
            Some(g) => StepGuide {
                result: g.result.to_owned(),
                about: g.about.to_owned(),
                questions: g.questions.iter().map(|&q| q.to_owned()).collect(),
                tools: g.tools.iter().map(|&t| t.into()).collect(),
                source: g.source.to_owned(),
            },
            None => StepGuide {
                result: String::new(),
                about: String::new(),
                questions: Vec::new(),
                tools: Vec::new(),
                source: String::new(),
            },
        }
    }
}

/// One step forward on the werkplaats' timeline of phases.
pub struct PhaseTransition {
    wp: Shared,
    change: PhaseChange,
}

impl PhaseTransition {
    pub fn of(wp: &Shared, change: &PhaseChange) -> Self {
        PhaseTransition {
            wp: wp.clone(),
            change: change.clone(),
        }
    }
}

/// One step forward on the werkplaats's timeline of phases.
#[Object]
impl PhaseTransition {
    /// The phase it left.
    async fn from(&self) -> Phase {
        phase(self.wp.view.methodology, self.change.from)
    }
    /// The phase it reached.
    async fn to(&self) -> Phase {
        phase(self.wp.view.methodology, self.change.to)
    }
    /// What the facilitator noted when moving on.
    async fn note(&self) -> Option<&str> {
        self.change.note.as_deref()
    }
    /// Who moved it on; `null` for the admin.
    async fn by(&self) -> Option<Member> {
        member(&self.wp, self.change.by).ok()
    }
    /// When the werkplaats moved on.
    async fn at(&self) -> DateTime {
        DateTime(self.change.at)
    }
    /// The werkplaats version at which the phase moved on.
    async fn at_version(&self) -> i32 {
        int(self.change.version)
    }
}

/// An indicator the server suggests, as the step plans name them.
#[derive(SimpleObject)]
pub struct IndicatorTemplate {
    /// The key to define an indicator from it with.
    pub key: String,
    /// The indicator's name.
    pub name: String,
    /// The unit it is measured in.
    pub unit: String,
    /// Which way it should move to get better.
    pub direction: Direction,
    /// What it monitors.
    pub kind: IndicatorKind,
    /// Why this indicator, and which step plan names it.
    pub about: String,
}

impl From<&domain::IndicatorTemplate> for IndicatorTemplate {
    fn from(t: &domain::IndicatorTemplate) -> Self {
        IndicatorTemplate {
            key: t.key.to_owned(),
            name: t.name.to_owned(),
            unit: t.unit.to_owned(),
            direction: t.direction.into(),
            kind: t.kind.into(),
            about: t.about.to_owned(),
        }
    }
}

borrowed_item!(
    /// A shared goal or societal result the partners work towards.
    Goal, GoalView, goals, goal
);

/// A shared goal or societal result the partners work towards.
#[Object]
impl Goal {
    /// The goal's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// The goal in the partners' words.
    async fn statement(&self) -> &str {
        &self.item().statement
    }
    /// The year it should be reached.
    async fn target_year(&self) -> Option<i32> {
        self.item().target_year
    }
    /// The indicators that measure this goal, in creation order.
    async fn indicators(&self) -> Vec<Indicator> {
        let goal = self.item().id;
        self.wp
            .view
            .indicators
            .iter()
            .filter(|i| i.goal == Some(goal))
            .filter_map(|i| Indicator::at(&self.wp, &i.id))
            .collect()
    }
    /// Who recorded it.
    async fn recorded_by(&self) -> Result<Member> {
        member(&self.wp, self.item().recorded_by)
    }
    /// The werkplaats version of the last event that recorded or revised it.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
}

borrowed_item!(
    /// A risk to the approach and what reduces it.
    Risk, RiskView, risks, risk
);

/// A risk to the approach, and what reduces it.
#[Object]
impl Risk {
    /// The risk's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the risk.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// The risk in full: what could go wrong, and what would follow.
    async fn description(&self) -> &str {
        &self.item().description
    }
    /// How likely it is to happen.
    async fn likelihood(&self) -> RiskLevel {
        self.item().likelihood.into()
    }
    /// How hard it would hit.
    async fn impact(&self) -> RiskLevel {
        self.item().impact.into()
    }
    /// What reduces it, if anything yet.
    async fn mitigation(&self) -> Option<&str> {
        self.item().mitigation.as_deref()
    }
    /// The partner that keeps an eye on it.
    async fn owner(&self) -> Option<Partner> {
        let owner = self.item().owner?;
        self.wp.view.partner(&owner).map(Partner::from)
    }
    /// Where the risk stands: open, mitigated, occurred or closed.
    async fn status(&self) -> RiskStatus {
        self.item().status.into()
    }
    /// The werkplaats version of the last event that recorded or revised it.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
}

/// A later look at a decision.
pub struct DecisionReview {
    wp: Shared,
    review: ReviewView,
}

impl DecisionReview {
    pub fn of(wp: &Shared, review: &ReviewView) -> Self {
        DecisionReview {
            wp: wp.clone(),
            review: review.clone(),
        }
    }
}

/// A later look at a decision: keep it, revise it or retire it.
#[Object]
impl DecisionReview {
    /// Keep, revise or retire.
    async fn outcome(&self) -> ReviewOutcome {
        self.review.outcome.into()
    }
    /// Why the review concluded so.
    async fn note(&self) -> &str {
        &self.review.note
    }
    /// When to look again, if the decision stays.
    async fn next_review_on(&self) -> Option<Date> {
        self.review.next_review_on.map(Date)
    }
    /// Who recorded the review.
    async fn reviewed_by(&self) -> Result<Member> {
        member(&self.wp, self.review.reviewed_by)
    }
    /// When the review was recorded.
    async fn reviewed_at(&self) -> DateTime {
        DateTime(self.review.reviewed_at)
    }
    /// The werkplaats version at which the review was recorded.
    async fn at_version(&self) -> i32 {
        int(self.review.at_version)
    }
}

/// What was done in a cycle, and when.
#[derive(SimpleObject)]
pub struct ActionLogEntry {
    /// What was done.
    pub text: String,
    /// The day it happened.
    pub occurred_on: Date,
    /// Who noted it.
    pub recorded_by: Member,
    /// When it was noted.
    pub recorded_at: DateTime,
}

/// One PDCA cycle of an action: its Do log, Check findings and Act outcome.
#[derive(SimpleObject)]
pub struct ActionCycle {
    /// The cycle's number, from 1.
    pub number: i32,
    /// When the cycle's Do began.
    pub started_at: Option<DateTime>,
    /// What was done, in the order it was noted.
    pub log: Vec<ActionLogEntry>,
    /// What the Check found.
    pub findings: Option<String>,
    /// What the Act concluded.
    pub outcome: Option<ActOutcome>,
    /// Why the Act concluded so.
    pub rationale: Option<String>,
    /// When the Act concluded.
    pub concluded_at: Option<DateTime>,
}

impl ActionCycle {
    pub fn of(wp: &Shared, c: &CycleView) -> Self {
        ActionCycle {
            number: int(c.number),
            started_at: c.started_at.map(DateTime),
            log: c
                .log
                .iter()
                .filter_map(|l| {
                    Some(ActionLogEntry {
                        text: l.text.clone(),
                        occurred_on: Date(l.occurred_on),
                        recorded_by: member(wp, l.recorded_by).ok()?,
                        recorded_at: DateTime(l.recorded_at),
                    })
                })
                .collect(),
            findings: c.findings.clone(),
            outcome: c.outcome.map(Into::into),
            rationale: c.rationale.clone(),
            concluded_at: c.concluded_at.map(DateTime),
        }
    }
}

/// One step of a client journey, with how it went.
pub struct JourneyStep {
    wp: Shared,
    journey: usize,
    step: usize,
}

impl JourneyStep {
    pub fn at(wp: &Shared, journey_id: &Uuid, step_id: &Uuid) -> Option<JourneyStep> {
        let journey = wp.view.position(journey_id)?;
        let step = wp
            .view
            .journeys
            .get(journey)
            .filter(|j| j.id == *journey_id)?
            .steps
            .iter()
            .position(|s| s.id == *step_id)?;
        Some(JourneyStep {
            wp: wp.clone(),
            journey,
            step,
        })
    }

    fn item(&self) -> &JourneyStepView {
        &self.wp.view.journeys[self.journey].steps[self.step]
    }
}

/// One step of a client journey, with how it went.
#[Object]
impl JourneyStep {
    /// The step's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// What happened.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// What happened in this step, in full.
    async fn description(&self) -> &str {
        &self.item().description
    }
    /// The partner the client met in this step.
    async fn partner(&self) -> Option<Partner> {
        let partner = self.item().partner?;
        self.wp.view.partner(&partner).map(Partner::from)
    }
    /// How many days the step took.
    async fn days(&self) -> Option<i32> {
        self.item().days
    }
    /// The knowledge the professionals showed.
    async fn knowledge(&self) -> Option<Quality> {
        self.item().knowledge.map(Into::into)
    }
    /// The attitude the professionals showed.
    async fn attitude(&self) -> Option<Quality> {
        self.item().attitude.map(Into::into)
    }
    /// The skills the professionals showed.
    async fn skills(&self) -> Option<Quality> {
        self.item().skills.map(Into::into)
    }
    /// How far the client's own view and needs led the step.
    async fn client_centred(&self) -> Option<Quality> {
        self.item().client_centred.map(Into::into)
    }
    /// What got stuck here.
    async fn bottleneck(&self) -> Option<&str> {
        self.item().bottleneck.as_deref()
    }
    /// The werkplaats version of the last event that added or assessed it.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
}

borrowed_item!(
    /// A client journey (klantreis): the route one household takes past the
    /// partners.
    ClientJourney, JourneyView, journeys, journey
);

/// A client journey (klantreis): the route one household takes past the
/// partners.
#[Object]
impl ClientJourney {
    /// The journey's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the journey.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// A pseudonymised situation, never a real client's name.
    async fn situation(&self) -> &str {
        &self.item().situation
    }
    /// The steps, in the order they were added.
    async fn steps(&self) -> Vec<JourneyStep> {
        let journey = self.item().id;
        self.item()
            .steps
            .iter()
            .filter_map(|s| JourneyStep::at(&self.wp, &journey, &s.id))
            .collect()
    }
    /// The sum of the steps' days; `null` when no step has days.
    async fn total_days(&self) -> Option<i32> {
        self.item().total_days()
    }
    /// The version of the last event that changed the journey or a step.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
}

/// A partner's answer to a checklist statement.
pub struct ChecklistAnswer {
    wp: Shared,
    answer: ChecklistAnswerView,
}

/// A partner's answer to a checklist statement.
#[Object]
impl ChecklistAnswer {
    /// The organisation the answer is for.
    async fn partner(&self) -> Result<Partner> {
        self.wp
            .view
            .partner(&self.answer.partner)
            .map(Partner::from)
            .ok_or_else(|| "the partner of this answer is unknown".into())
    }
    /// Yes, partly or no.
    async fn answer(&self) -> ChecklistAnswerValue {
        self.answer.answer.into()
    }
    /// A remark with the answer, if any.
    async fn note(&self) -> Option<&str> {
        self.answer.note.as_deref()
    }
    /// Who gave the answer.
    async fn answered_by(&self) -> Result<Member> {
        member(&self.wp, self.answer.answered_by)
    }
    /// When the answer was given.
    async fn answered_at(&self) -> DateTime {
        DateTime(self.answer.answered_at)
    }
}

borrowed_item!(
    /// A statement of the checklist kennis, houding en vaardigheden, with
    /// each partner's answer.
    ChecklistItem, ChecklistItemView, checklist, checklist_item
);

/// A statement of the checklist kennis, houding en vaardigheden, with each
/// partner's answer.
#[Object]
impl ChecklistItem {
    /// The statement's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// Whether the statement is about knowledge, attitude or skills.
    async fn competence(&self) -> Competence {
        self.item().competence.into()
    }
    /// The statement partners answer with yes, partly or no.
    async fn statement(&self) -> &str {
        &self.item().statement
    }
    /// True for the server's standard items, false for the werkplaats's own.
    async fn standard(&self) -> bool {
        self.item().standard
    }
    /// One per partner, in the order partners first answered.
    async fn answers(&self) -> Vec<ChecklistAnswer> {
        self.item()
            .answers
            .iter()
            .map(|a| ChecklistAnswer {
                wp: self.wp.clone(),
                answer: a.clone(),
            })
            .collect()
    }
}
