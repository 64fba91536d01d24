//! The werkplaats as GraphQL objects. Each object holds the werkplaats as
//! of the version that was asked for, so nested fields (a solution's
//! problems, a decision's successor, an event's actor) resolve against that
//! same version: time travel holds all the way down.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Object, Result, SimpleObject, ID};
use uuid::Uuid;

use super::audit;
use super::checkpoint;
use super::enums::*;
use super::error::graphql_error;
use super::method;
use super::scalars::{Date, DateTime};
use crate::app::{App, EventRecord, MemberInfo, WerkplaatsAt};
use crate::domain::{self, Methodology as DomainMethodology};
use crate::projections::{
    ActionView, DecisionView, IndicatorView, PartnerView, ProblemView, ReflectionView, SolutionView,
};
use crate::store;

pub type Shared = Arc<WerkplaatsAt>;

pub(super) fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}

/// GraphQL's Int is 32 bits; versions and counts stay far below that.
pub fn int(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// One step of the werkplaats' methodology.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct Phase {
    /// Position in the step plan, from 1.
    pub number: i32,
    /// A short fixed name for the phase that never changes, e.g.
    /// `probleemanalyse`.
    pub key: String,
    /// The phase's name, to show.
    pub title: String,
    #[graphql(skip)]
    pub methodology: DomainMethodology,
}

impl Phase {
    fn of(methodology: DomainMethodology, phase: domain::Phase) -> Self {
        Phase {
            number: int(phase.number),
            key: phase.key.to_owned(),
            title: phase.title.to_owned(),
            methodology,
        }
    }
}

#[ComplexObject]
impl Phase {
    /// What this step is for, what it should deliver and which tools serve it.
    async fn guide(&self) -> method::StepGuide {
        let number = u32::try_from(self.number).unwrap_or_default();
        method::StepGuide::of(domain::guide(self.methodology, number))
    }
}

pub fn phase(methodology: DomainMethodology, number: u32) -> Phase {
    match methodology.phase(number) {
        Some(p) => Phase::of(methodology, p),
        None => Phase {
            number: int(number),
            key: String::new(),
            title: String::new(),
            methodology,
        },
    }
}

/// An organisation taking part: the municipality or a chain partner.
#[derive(SimpleObject, Clone)]
pub struct Partner {
    /// The partner's id.
    pub id: ID,
    /// The organisation's name.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: PartnerKind,
}

impl From<&PartnerView> for Partner {
    fn from(p: &PartnerView) -> Self {
        Partner {
            id: id(p.id),
            name: p.name.clone(),
            kind: p.kind.into(),
        }
    }
}

/// A person taking part, with their role in this werkplaats.
#[derive(SimpleObject, Clone)]
pub struct Member {
    /// The member's id.
    pub id: ID,
    /// The person's name; it reads "vergeten lid" once their personal data has
    /// been erased.
    pub name: String,
    /// What the member may do in this werkplaats.
    pub role: Role,
    /// The partner organisation the member takes part for, if any.
    pub partner: Option<Partner>,
    /// False once removed; removed members stay listed, as history refers to them.
    pub active: bool,
    /// True once forgotten; the name then reads "vergeten lid" everywhere.
    pub forgotten: bool,
}

impl From<MemberInfo> for Member {
    fn from(m: MemberInfo) -> Self {
        Member {
            id: id(m.id),
            name: m.name,
            role: m.role.into(),
            partner: m.partner.as_ref().map(Partner::from),
            active: m.active,
            forgotten: m.forgotten,
        }
    }
}

pub(super) fn member(wp: &WerkplaatsAt, who: Option<Uuid>) -> Result<Member> {
    who.and_then(|id| wp.member(&id))
        .map(Member::from)
        .ok_or_else(|| "the member who did this is unknown".into())
}

/// A GraphQL object for one item of a werkplaats reading. It holds the
/// reading and where the item sits in its list: borrowed, never copied, so a
/// large werkplaats costs no allocation per item served.
macro_rules! borrowed_item {
    ($(#[$doc:meta])* $name:ident, $view:ty, $list:ident, $lookup:ident) => {
        $(#[$doc])*
        pub struct $name {
            pub wp: Shared,
            idx: usize,
        }

        impl $name {
            pub fn at(wp: &Shared, id: &Uuid) -> Option<$name> {
                wp.view.$lookup(id)?;
                let idx = wp.view.position(id)?;
                Some($name {
                    wp: wp.clone(),
                    idx,
                })
            }

            fn item(&self) -> &$view {
                &self.wp.view.$list[self.idx]
            }
        }
    };
}
pub(super) use borrowed_item;

borrowed_item!(
    /// A problem as one of the partners sees it.
    Problem, ProblemView, problems, problem
);

/// A problem as one of the partners sees it.
#[Object]
impl Problem {
    /// The problem's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the problem.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// The problem in full: what goes wrong, and for whom.
    async fn description(&self) -> &str {
        &self.item().description
    }
    /// Whose perspective this is; the client's comes first in the method.
    async fn perspective(&self) -> Perspective {
        self.item().perspective.into()
    }
    /// Who recorded the problem.
    async fn recorded_by(&self) -> Result<Member> {
        member(&self.wp, self.item().recorded_by)
    }
    /// When the problem was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.item().recorded_at)
    }
    /// The werkplaats version of the last event that changed this problem.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
}

borrowed_item!(
    /// A proposed solution and the problems it addresses.
    Solution, SolutionView, solutions, solution
);

/// A proposed solution and the problems it addresses.
#[Object]
impl Solution {
    /// The solution's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the solution.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// The solution in full: what it is and how it would work.
    async fn description(&self) -> &str {
        &self.item().description
    }
    /// Where the idea comes from: cases, research or practice.
    async fn basis(&self) -> Vec<EvidenceBasis> {
        self.item().basis.iter().map(|&b| b.into()).collect()
    }
    /// The problems the solution addresses, in the order given.
    async fn addresses(&self) -> Vec<Problem> {
        self.item()
            .addresses
            .iter()
            .filter_map(|p| Problem::at(&self.wp, p))
            .collect()
    }
    /// The werkplaats version of the last event that changed this solution.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
    /// The empowerment capitals it invests in.
    async fn capitals(&self) -> Vec<EmpowermentCapital> {
        self.item().capitals.iter().map(|&c| c.into()).collect()
    }
    /// How far the approach is recognised as effective.
    async fn recognition(&self) -> RecognitionLevel {
        self.item().recognition.into()
    }
}

borrowed_item!(
    /// An action trialled in PDCA cycles.
    Action, ActionView, actions, action
);

/// An action the partners try out in PDCA cycles: Plan, Do, Check, Act.
#[Object]
impl Action {
    /// The action's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the action.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// What the action should achieve.
    async fn goal(&self) -> &str {
        &self.item().goal
    }
    /// Where the action stands: planned, being done, being checked, or
    /// concluded.
    async fn status(&self) -> ActionStatus {
        self.item().status.into()
    }
    /// The PDCA cycle, from 1; it goes up when an adapted action starts again.
    async fn cycle(&self) -> i32 {
        int(self.item().cycle)
    }
    /// The partner organisation responsible for the action.
    async fn owner(&self) -> Result<Partner> {
        self.wp
            .view
            .partner(&self.item().owner)
            .map(Partner::from)
            .ok_or_else(|| "the owner of this action is unknown".into())
    }
    /// The day the action should be done by; empty when no date is set.
    async fn due_date(&self) -> Option<Date> {
        self.item().due_date.map(Date)
    }
    /// The solution the action puts into practice, if any.
    async fn solution(&self) -> Option<Solution> {
        Solution::at(&self.wp, &self.item().solution?)
    }
    /// What each Check step found, oldest first.
    async fn findings(&self) -> &[String] {
        &self.item().findings
    }
    /// The werkplaats version of the last event that changed this action;
    /// send it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
    /// The PDCA form: one entry per cycle, from 1 to `cycle`.
    async fn cycles(&self) -> Vec<method::ActionCycle> {
        self.item()
            .cycles
            .iter()
            .map(|c| method::ActionCycle::of(&self.wp, c))
            .collect()
    }
    /// The indicators the action should move.
    async fn indicators(&self) -> Vec<Indicator> {
        self.item()
            .indicators
            .iter()
            .filter_map(|i| Indicator::at(&self.wp, i))
            .collect()
    }
}

/// The current plan.
pub struct Plan {
    pub wp: Shared,
}

/// The action plan of the werkplaats.
#[Object]
impl Plan {
    /// Every action, in the order they were planned.
    async fn actions(&self) -> Vec<Action> {
        self.wp
            .view
            .actions
            .iter()
            .filter_map(|a| Action::at(&self.wp, &a.id))
            .collect()
    }
}

borrowed_item!(
    /// A decision in the log, with what it was based on.
    Decision, DecisionView, decisions, decision
);

impl Decision {
    fn other(&self, other: Option<Uuid>) -> Option<Decision> {
        Decision::at(&self.wp, &other?)
    }
}

/// A decision in the decision log, with what it was based on.
#[Object]
impl Decision {
    /// The decision's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// A short name for the decision.
    async fn title(&self) -> &str {
        &self.item().title
    }
    /// The situation that called for a decision.
    async fn context(&self) -> &str {
        &self.item().context
    }
    /// The options the partners weighed, in the order given.
    async fn options_considered(&self) -> &[String] {
        &self.item().options_considered
    }
    /// What was decided.
    async fn decision(&self) -> &str {
        &self.item().decision
    }
    /// Why it was decided so.
    async fn rationale(&self) -> &str {
        &self.item().rationale
    }
    /// Ids of the problems, solutions, actions, reflections, indicators and
    /// decisions this decision rests on, in the order given.
    async fn based_on(&self) -> Vec<ID> {
        self.item().based_on.iter().copied().map(id).collect()
    }
    /// The earlier decision this one replaces.
    async fn supersedes(&self) -> Option<Decision> {
        self.other(self.item().supersedes)
    }
    /// The later decision that replaced this one.
    async fn superseded_by(&self) -> Option<Decision> {
        self.other(self.item().superseded_by)
    }
    /// Who recorded the decision.
    async fn decided_by(&self) -> Result<Member> {
        member(&self.wp, self.item().decided_by)
    }
    /// When the decision was recorded.
    async fn decided_at(&self) -> DateTime {
        DateTime(self.item().decided_at)
    }
    /// The werkplaats version at which the decision was recorded.
    async fn at_version(&self) -> i32 {
        int(self.item().at_version)
    }
    /// Each item the decision was based on, as it was when the decision was
    /// recorded, and whether it changed since.
    async fn provenance(&self, ctx: &Context<'_>) -> Result<Vec<audit::ProvenanceItem>> {
        audit::provenance(ctx, &self.wp, self.item()).await
    }
    /// Ids of the actions and decisions that later refer to this decision.
    async fn referenced_by(&self) -> Vec<ID> {
        audit::referenced_by(&self.wp, self.item())
    }
    /// When the partners mean to look at this decision again.
    async fn review_on(&self) -> Option<Date> {
        self.item().review_on.map(Date)
    }
    /// What the decision means for clients and partners.
    async fn consequences(&self) -> Option<&str> {
        self.item().consequences.as_deref()
    }
    /// True once a review retired it.
    async fn retired(&self) -> bool {
        self.item().retired
    }
    /// Its reviews, oldest first.
    async fn reviews(&self) -> Vec<method::DecisionReview> {
        self.item()
            .reviews
            .iter()
            .map(|r| method::DecisionReview::of(&self.wp, r))
            .collect()
    }
}

borrowed_item!(
    /// What someone learnt, in the phase they learnt it.
    Reflection, ReflectionView, reflections, reflection
);

/// What someone learnt, in the phase they learnt it.
#[Object]
impl Reflection {
    /// The reflection's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// What was learnt, in the words of whoever recorded it.
    async fn text(&self) -> &str {
        &self.item().text
    }
    /// Ids of the items the reflection is about (problems, solutions, actions,
    /// decisions, indicators, goals and so on), in the order given.
    async fn about(&self) -> Vec<ID> {
        self.item().about.iter().copied().map(id).collect()
    }
    /// The phase the werkplaats was in when this was recorded.
    async fn phase(&self) -> Phase {
        phase(self.wp.view.methodology, self.item().phase)
    }
    /// Who recorded the reflection.
    async fn recorded_by(&self) -> Result<Member> {
        member(&self.wp, self.item().recorded_by)
    }
    /// When the reflection was recorded.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.item().recorded_at)
    }
}

/// One value of an indicator.
#[derive(SimpleObject, Clone)]
pub struct Measurement {
    /// The value measured, in the indicator's unit.
    pub value: f64,
    /// The day it was measured.
    pub measured_on: Date,
    /// A remark with the measurement, if any.
    pub note: Option<String>,
}

borrowed_item!(
    /// Something the werkplaats measures against a norm.
    Indicator, IndicatorView, indicators, indicator
);

/// Something the werkplaats measures, with a starting value (baseline) and a
/// value to reach (norm).
#[Object]
impl Indicator {
    /// The indicator's id.
    async fn id(&self) -> ID {
        id(self.item().id)
    }
    /// What is measured.
    async fn name(&self) -> &str {
        &self.item().name
    }
    /// The unit it is measured in, e.g. `%` or `dagen`.
    async fn unit(&self) -> &str {
        &self.item().unit
    }
    /// The value before the werkplaats started.
    async fn baseline(&self) -> f64 {
        self.item().baseline
    }
    /// The value the partners want to reach.
    async fn norm(&self) -> f64 {
        self.item().norm
    }
    /// Whether a higher or a lower value is better.
    async fn direction(&self) -> Direction {
        self.item().direction.into()
    }
    /// What it monitors: the process, its output or the outcome.
    async fn kind(&self) -> IndicatorKind {
        self.item().kind.into()
    }
    /// The key of the template it was defined from, if any.
    async fn template(&self) -> Option<&str> {
        self.item().template.as_deref()
    }
    /// The goal it measures, if any.
    async fn goal(&self) -> Option<method::Goal> {
        method::Goal::at(&self.wp, &self.item().goal?)
    }
    /// The werkplaats version of the last event that defined, revised or
    /// measured it.
    async fn version(&self) -> i32 {
        int(self.item().version)
    }
    /// The value measured on the latest day (of two on the same day, the one
    /// recorded last); empty without measurements.
    async fn latest(&self) -> Option<f64> {
        self.item().latest()
    }
    /// How far the latest value has come from the baseline to the norm: 0 at
    /// the baseline, 1 at the norm (`(latest - baseline) / (norm - baseline)`,
    /// not capped); empty without measurements.
    async fn progress(&self) -> Option<f64> {
        self.item().progress()
    }
    /// Whether the latest value reaches the norm; false without measurements.
    async fn norm_met(&self) -> bool {
        self.item().norm_met()
    }
    /// Every measurement, by the day it was measured.
    async fn measurements(&self) -> Vec<Measurement> {
        self.item()
            .measurements
            .iter()
            .map(|m| Measurement {
                value: m.value,
                measured_on: Date(m.measured_on),
                note: m.note.clone(),
            })
            .collect()
    }
}

/// How the werkplaats is doing: indicators and PDCA outcomes.
pub struct Evaluation {
    pub wp: Shared,
}

/// How the werkplaats is doing: its indicators and the outcomes of its PDCA
/// cycles.
#[Object]
impl Evaluation {
    /// Every indicator, in the order they were defined.
    async fn indicators(&self) -> Vec<Indicator> {
        self.wp
            .view
            .indicators
            .iter()
            .filter_map(|i| Indicator::at(&self.wp, &i.id))
            .collect()
    }
    /// How many actions are now adopted.
    async fn actions_adopted(&self) -> i32 {
        int(self.wp.view.evaluation().actions_adopted)
    }
    /// How many actions are now adapted.
    async fn actions_adapted(&self) -> i32 {
        int(self.wp.view.evaluation().actions_adapted)
    }
    /// How many actions are now abandoned.
    async fn actions_abandoned(&self) -> i32 {
        int(self.wp.view.evaluation().actions_abandoned)
    }
    /// Number of concluded PDCA cycles.
    async fn cycles_completed(&self) -> i32 {
        int(self.wp.view.evaluation().cycles_completed)
    }
    /// How many reflections were recorded.
    async fn reflections(&self) -> i32 {
        int(self.wp.view.evaluation().reflections)
    }
}

/// One event of the trail, as stored.
pub struct Event(pub Arc<EventRecord>);

impl From<EventRecord> for Event {
    fn from(record: EventRecord) -> Event {
        Event(Arc::new(record))
    }
}

/// One event of the audit trail: one recorded change to the werkplaats, exactly
/// as stored.
#[Object]
impl Event {
    /// The event's place in the werkplaats's history, from 1.
    async fn version(&self) -> i32 {
        int(self.0.stored.version)
    }
    /// What happened, e.g. `ProblemRecorded`.
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.stored.event_type
    }
    /// When the event was stored.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.0.stored.recorded_at)
    }
    /// The member who caused the event; `null` for the admin.
    async fn actor(&self) -> Option<Member> {
        self.0.actor.clone().map(Member::from)
    }
    /// What the event recorded, exactly as stored.
    async fn data(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.stored.payload.clone())
    }
    /// A fingerprint of this event and every event before it (lowercase hex
    /// SHA-256; the README says how to compute it): if an earlier event were
    /// changed, it would no longer match.
    async fn hash(&self) -> &str {
        &self.0.stored.hash
    }
    /// The `hash` of the event before; empty for the first event.
    async fn prev_hash(&self) -> Option<&str> {
        self.0.stored.prev_hash.as_deref()
    }
}

/// One page of the audit trail.
#[derive(SimpleObject)]
pub struct EventPage {
    /// The events of this page, in version order.
    pub events: Vec<Event>,
    /// Whether later events follow after this page.
    pub has_more: bool,
}

/// The outcome of checking the audit trail: whether any stored event was
/// changed or lost.
#[derive(SimpleObject)]
pub struct Verification {
    /// True when every event's stored hash and link match (and, when checking
    /// checkpoints, each given hash is found at its version).
    pub valid: bool,
    /// How many events were read.
    pub checked_events: i32,
    /// The stored hash of the last event read; empty when there is none.
    pub head_hash: Option<String>,
    /// The first version whose hash or link does not match, or that is missing;
    /// empty when the trail is valid.
    pub first_invalid_version: Option<i32>,
}

impl From<store::Verification> for Verification {
    fn from(v: store::Verification) -> Self {
        Verification {
            valid: v.valid,
            checked_events: int(v.checked_events),
            head_hash: v.head_hash,
            first_invalid_version: v.first_invalid_version.map(int),
        }
    }
}

/// A werkplaats: one question, its partners and the whole action-research
/// trail, as of one version.
pub struct Werkplaats(pub Shared);

impl Werkplaats {
    pub fn problem(&self, id: Uuid) -> Option<Problem> {
        Problem::at(&self.0, &id)
    }
    pub fn solution(&self, id: Uuid) -> Option<Solution> {
        Solution::at(&self.0, &id)
    }
    pub fn action(&self, id: Uuid) -> Option<Action> {
        Action::at(&self.0, &id)
    }
    pub fn decision(&self, id: Uuid) -> Option<Decision> {
        Decision::at(&self.0, &id)
    }
    pub fn reflection(&self, id: Uuid) -> Option<Reflection> {
        Reflection::at(&self.0, &id)
    }
}

/// A werkplaats: partners working together on one question, with its whole
/// trail of problems, solutions, actions, decisions and reflections, as of one
/// version.
#[Object]
impl Werkplaats {
    /// The werkplaats's id.
    async fn id(&self) -> ID {
        id(self.0.view.id)
    }
    /// The werkplaats's name.
    async fn name(&self) -> &str {
        &self.0.view.name
    }
    /// The municipality the werkplaats works in.
    async fn municipality(&self) -> &str {
        &self.0.view.municipality
    }
    /// The one question the partners work on.
    async fn question(&self) -> &str {
        &self.0.view.question
    }
    /// The step plan the werkplaats follows.
    async fn methodology(&self) -> Methodology {
        self.0.view.methodology.into()
    }
    /// The current phase of the step plan.
    async fn phase(&self) -> Phase {
        phase(self.0.view.methodology, self.0.view.phase)
    }
    /// Every phase of the step plan.
    async fn phases(&self) -> Vec<Phase> {
        self.0
            .view
            .methodology
            .phases()
            .into_iter()
            .map(|p| Phase::of(self.0.view.methodology, p))
            .collect()
    }
    /// How many changes (events) the werkplaats has had, as of this reading;
    /// every change adds one.
    async fn version(&self) -> i32 {
        int(self.0.view.version)
    }
    /// When the werkplaats was opened.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.view.created_at)
    }
    /// The partner organisations taking part, in the order they were added.
    async fn partners(&self) -> Vec<Partner> {
        self.0.view.partners.iter().map(Partner::from).collect()
    }
    /// The people taking part, in the order they were invited; removed and
    /// forgotten members stay listed.
    async fn members(&self) -> Vec<Member> {
        self.0.members().into_iter().map(Member::from).collect()
    }
    /// The problems recorded, in the order they were recorded.
    async fn problems(&self) -> Vec<Problem> {
        self.0
            .view
            .problems
            .iter()
            .filter_map(|p| self.problem(p.id))
            .collect()
    }
    /// The solutions proposed, in the order they were proposed.
    async fn solutions(&self) -> Vec<Solution> {
        self.0
            .view
            .solutions
            .iter()
            .filter_map(|s| self.solution(s.id))
            .collect()
    }
    /// The action plan.
    async fn plan(&self) -> Plan {
        Plan { wp: self.0.clone() }
    }
    /// Every decision, in the order they were recorded.
    async fn decision_log(&self) -> Vec<Decision> {
        self.0
            .view
            .decisions
            .iter()
            .filter_map(|d| self.decision(d.id))
            .collect()
    }
    /// Every reflection, in the order they were recorded.
    async fn reflections(&self) -> Vec<Reflection> {
        self.0
            .view
            .reflections
            .iter()
            .filter_map(|r| self.reflection(r.id))
            .collect()
    }
    /// How the werkplaats is doing: its indicators and PDCA outcomes.
    async fn evaluation(&self) -> Evaluation {
        Evaluation { wp: self.0.clone() }
    }
    /// The audit trail, a page at a time: events after `afterVersion`, at
    /// most `first` (1 to 1000).
    async fn events(
        &self,
        ctx: &Context<'_>,
        // Nullable with a default, as the contract has them; an explicit
        // null means the default.
        #[graphql(
            default = 0,
            desc = "Start after this version; 0, the default, starts at the first event."
        )]
        after_version: Option<i32>,
        #[graphql(
            default = 100,
            desc = "At most this many events, 1 to 1000 (100 by default)."
        )]
        first: Option<i32>,
    ) -> Result<EventPage> {
        let app = ctx.data::<App>()?;
        let after_version = after_version.unwrap_or(0);
        let first = first.unwrap_or(100);
        let page = app
            .events(&self.0, i64::from(after_version), i64::from(first))
            .await
            .map_err(graphql_error)?;
        Ok(EventPage {
            events: page.events.into_iter().map(Event::from).collect(),
            has_more: page.has_more,
        })
    }
    /// What changed after `fromVersion` up to and including `toVersion`
    /// (default: this version).
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Show what changed after this version.")] from_version: i32,
        #[graphql(desc = "Up to and including this version; by default the version shown.")]
        to_version: Option<i32>,
    ) -> Result<audit::Changes> {
        audit::changes(ctx, &self.0, from_version, to_version).await
    }
    /// The checkpoints recorded up to this version.
    async fn checkpoints(&self) -> Result<Vec<checkpoint::Checkpoint>> {
        checkpoint::checkpoints(&self.0)
    }
    /// Checks the trail against checkpoints recorded earlier: valid only if the
    /// trail is intact and has each given hash at its version.
    async fn verify_checkpoints(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The versions and hashes recorded earlier, to check the trail against.")]
        checkpoints: Vec<checkpoint::CheckpointInput>,
    ) -> Result<Verification> {
        checkpoint::verify_checkpoints(ctx, &self.0, checkpoints).await
    }
    /// Whether its lessons are shared with every werkplaats (wat werkt).
    async fn shares_lessons(&self) -> bool {
        self.0.view.shares_lessons
    }
    /// One entry per step forward, in order.
    async fn phase_history(&self) -> Vec<method::PhaseTransition> {
        self.0
            .view
            .phase_history
            .iter()
            .map(|t| method::PhaseTransition::of(&self.0, t))
            .collect()
    }
    /// Shared goals and societal results.
    async fn goals(&self) -> Vec<method::Goal> {
        self.0
            .view
            .goals
            .iter()
            .filter_map(|g| method::Goal::at(&self.0, &g.id))
            .collect()
    }
    /// The risk register.
    async fn risks(&self) -> Vec<method::Risk> {
        self.0
            .view
            .risks
            .iter()
            .filter_map(|r| method::Risk::at(&self.0, &r.id))
            .collect()
    }
    /// Client journeys (klantreizen).
    async fn journeys(&self) -> Vec<method::ClientJourney> {
        self.0
            .view
            .journeys
            .iter()
            .filter_map(|j| method::ClientJourney::at(&self.0, &j.id))
            .collect()
    }
    /// The checklist kennis, houding en vaardigheden: the nine standard
    /// statements, then the werkplaats's own.
    async fn checklist(&self) -> Vec<method::ChecklistItem> {
        self.0
            .view
            .checklist
            .iter()
            .filter_map(|c| method::ChecklistItem::at(&self.0, &c.id))
            .collect()
    }
    /// Decisions with a review date on or before `on`, neither superseded
    /// nor retired, by review date (ties in decision-log order).
    async fn reviews_due(
        &self,
        #[graphql(
            desc = "The day to look at: decisions due for review on or before it are listed."
        )]
        on: Date,
    ) -> Vec<Decision> {
        let mut due: Vec<_> = self
            .0
            .view
            .decisions
            .iter()
            .filter(|d| d.due_on(on.0))
            .collect();
        due.sort_by_key(|d| d.review_on);
        due.into_iter()
            .filter_map(|d| self.decision(d.id))
            .collect()
    }
    /// Checks, up to this version, that no stored event was changed or lost.
    async fn verify_trail(&self, ctx: &Context<'_>) -> Result<Verification> {
        let app = ctx.data::<App>()?;
        let verification = app.verify_trail(&self.0).await.map_err(graphql_error)?;
        Ok(verification.into())
    }
}
