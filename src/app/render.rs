//! Every item of a werkplaats as JSON, the way the `werkplaats` query shows
//! it: the GraphQL field names, enums as their GraphQL names, times and dates
//! in the contract's formats.
//!
//! One rendering serves every place that hands an item out as JSON — the
//! `current` item of a `CONFLICT` error, the before/after of `changes`, a
//! decision's `provenance` — so a client sees the same shape everywhere and
//! two renderings of one item compare equal exactly when the query would
//! show the same thing.
//!
//! References the query resolves to objects (`Action.owner`,
//! `Member.partner`, `Problem.recordedBy`, `Solution.addresses`) are nested
//! objects; references that are ids in the query (`basedOn`, `about`) stay
//! ids. `supersedes` and `supersededBy` are `{"id": …}` only: nesting whole
//! decisions would recurse through the log. Links between the method's
//! items (an action's indicators, an indicator's goal) are `{"id": …}` too,
//! and a goal does not list its indicators: linking changes only the item
//! the event names, in `changes` as in the items' versions.

use serde_json::{json, Value};
use uuid::Uuid;

use super::{MemberInfo, WerkplaatsAt};
use crate::domain::Methodology;
use crate::projections::{
    ActionView, ChecklistItemView, DecisionView, GoalView, IndicatorView, JourneyStepView,
    JourneyView, PartnerView, ProblemView, ReflectionView, RiskView, SolutionView,
};
use crate::timestamp;

/// The kinds of item a werkplaats holds, in the order `changes` lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    Problem,
    Solution,
    Action,
    Decision,
    Reflection,
    Indicator,
    Partner,
    Member,
    Phase,
    Goal,
    Risk,
    Journey,
    ChecklistItem,
}

/// The id the werkplaats' phase goes by as an item: there is one phase at a
/// time, so advancing it changes this one item rather than replacing it.
pub const PHASE_ID: &str = "phase";

/// One item as the query shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderedItem {
    pub kind: ItemKind,
    pub id: String,
    pub json: Value,
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn phase(methodology: Methodology, number: u32) -> Value {
    match methodology.phase(number) {
        Some(p) => json!({"number": p.number, "key": p.key, "title": p.title}),
        None => json!({"number": number, "key": "", "title": ""}),
    }
}

pub fn partner(p: &PartnerView) -> Value {
    json!({"id": p.id, "name": p.name, "kind": p.kind})
}

pub fn member(m: &MemberInfo) -> Value {
    json!({
        "id": m.id,
        "name": m.name,
        "role": m.role,
        "partner": m.partner.as_ref().map(partner),
    })
}

/// The member who did something, `null` when unknown (as for the admin).
fn actor(wp: &WerkplaatsAt, who: Option<Uuid>) -> Value {
    who.and_then(|id| wp.member(&id))
        .map_or(Value::Null, |m| member(&m))
}

pub fn problem(wp: &WerkplaatsAt, p: &ProblemView) -> Value {
    json!({
        "id": p.id,
        "title": p.title,
        "description": p.description,
        "perspective": p.perspective,
        "recordedBy": actor(wp, p.recorded_by),
        "recordedAt": timestamp::format(p.recorded_at),
        "version": p.version,
    })
}

pub fn solution(wp: &WerkplaatsAt, s: &SolutionView) -> Value {
    let addresses: Vec<Value> = s
        .addresses
        .iter()
        .filter_map(|id| wp.view.problem(id))
        .map(|p| problem(wp, p))
        .collect();
    json!({
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "basis": s.basis,
        "addresses": addresses,
        "capitals": s.capitals,
        "recognition": s.recognition,
        "version": s.version,
    })
}

pub fn action(wp: &WerkplaatsAt, a: &ActionView) -> Value {
    let view = &wp.view;
    json!({
        "id": a.id,
        "title": a.title,
        "goal": a.goal,
        "status": a.status,
        "cycle": a.cycle,
        "owner": view.partner(&a.owner).map(partner),
        "dueDate": a.due_date.map(date),
        "solution": a.solution.and_then(|s| view.solution(&s)).map(|s| solution(wp, s)),
        "findings": a.findings,
        "indicators": ids(&a.indicators),
        "cycles": a.cycles.iter().map(|c| json!({
            "number": c.number,
            "startedAt": c.started_at.map(timestamp::format),
            "log": c.log.iter().map(|l| json!({
                "text": l.text,
                "occurredOn": date(l.occurred_on),
                "recordedBy": actor(wp, l.recorded_by),
                "recordedAt": timestamp::format(l.recorded_at),
            })).collect::<Vec<_>>(),
            "findings": c.findings,
            "outcome": c.outcome,
            "rationale": c.rationale,
            "concludedAt": c.concluded_at.map(timestamp::format),
        })).collect::<Vec<_>>(),
        "version": a.version,
    })
}

fn ids(ids: &[Uuid]) -> Vec<Value> {
    ids.iter().map(|id| json!({"id": id})).collect()
}

pub fn decision(wp: &WerkplaatsAt, d: &DecisionView) -> Value {
    let reference = |id: Option<Uuid>| id.map(|id| json!({"id": id}));
    json!({
        "id": d.id,
        "title": d.title,
        "context": d.context,
        "optionsConsidered": d.options_considered,
        "decision": d.decision,
        "rationale": d.rationale,
        "basedOn": d.based_on,
        "supersedes": reference(d.supersedes),
        "supersededBy": reference(d.superseded_by),
        "decidedBy": actor(wp, d.decided_by),
        "decidedAt": timestamp::format(d.decided_at),
        "atVersion": d.at_version,
        "reviewOn": d.review_on.map(date),
        "consequences": d.consequences,
        "retired": d.retired,
        "reviews": d.reviews.iter().map(|r| json!({
            "outcome": r.outcome,
            "note": r.note,
            "nextReviewOn": r.next_review_on.map(date),
            "reviewedBy": actor(wp, r.reviewed_by),
            "reviewedAt": timestamp::format(r.reviewed_at),
            "atVersion": r.at_version,
        })).collect::<Vec<_>>(),
    })
}

pub fn reflection(wp: &WerkplaatsAt, r: &ReflectionView) -> Value {
    json!({
        "id": r.id,
        "text": r.text,
        "about": r.about,
        "phase": phase(wp.view.methodology, r.phase),
        "recordedBy": actor(wp, r.recorded_by),
        "recordedAt": timestamp::format(r.recorded_at),
    })
}

pub fn indicator(i: &IndicatorView) -> Value {
    let measurements: Vec<Value> = i
        .measurements
        .iter()
        .map(|m| json!({"value": m.value, "measuredOn": date(m.measured_on), "note": m.note}))
        .collect();
    json!({
        "id": i.id,
        "name": i.name,
        "unit": i.unit,
        "baseline": i.baseline,
        "norm": i.norm,
        "direction": i.direction,
        "latest": i.latest(),
        "progress": i.progress(),
        "normMet": i.norm_met(),
        "measurements": measurements,
        "kind": i.kind,
        "template": i.template,
        "goal": i.goal.map(|id| json!({"id": id})),
        "version": i.version,
    })
}

pub fn goal(wp: &WerkplaatsAt, g: &GoalView) -> Value {
    json!({
        "id": g.id,
        "statement": g.statement,
        "targetYear": g.target_year,
        "recordedBy": actor(wp, g.recorded_by),
        "version": g.version,
    })
}

pub fn risk(wp: &WerkplaatsAt, r: &RiskView) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "likelihood": r.likelihood,
        "impact": r.impact,
        "mitigation": r.mitigation,
        "owner": r.owner.and_then(|p| wp.view.partner(&p)).map(partner),
        "status": r.status,
        "version": r.version,
    })
}

pub fn journey_step(wp: &WerkplaatsAt, s: &JourneyStepView) -> Value {
    json!({
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "partner": s.partner.and_then(|p| wp.view.partner(&p)).map(partner),
        "days": s.days,
        "knowledge": s.knowledge,
        "attitude": s.attitude,
        "skills": s.skills,
        "clientCentred": s.client_centred,
        "bottleneck": s.bottleneck,
        "version": s.version,
    })
}

pub fn journey(wp: &WerkplaatsAt, j: &JourneyView) -> Value {
    let steps: Vec<Value> = j.steps.iter().map(|s| journey_step(wp, s)).collect();
    json!({
        "id": j.id,
        "title": j.title,
        "situation": j.situation,
        "steps": steps,
        "totalDays": j.total_days(),
        "version": j.version,
    })
}

pub fn checklist_item(wp: &WerkplaatsAt, c: &ChecklistItemView) -> Value {
    let answers: Vec<Value> = c
        .answers
        .iter()
        .map(|a| {
            json!({
                "partner": wp.view.partner(&a.partner).map(partner),
                "answer": a.answer,
                "note": a.note,
                "answeredBy": actor(wp, a.answered_by),
                "answeredAt": timestamp::format(a.answered_at),
            })
        })
        .collect();
    json!({
        "id": c.id,
        "competence": c.competence,
        "statement": c.statement,
        "standard": c.standard,
        "answers": answers,
    })
}

/// The item with this id, whatever its kind.
pub fn item(wp: &WerkplaatsAt, id: &Uuid) -> Option<RenderedItem> {
    let view = &wp.view;
    let (kind, json) = if let Some(p) = view.problem(id) {
        (ItemKind::Problem, problem(wp, p))
    } else if let Some(s) = view.solution(id) {
        (ItemKind::Solution, solution(wp, s))
    } else if let Some(a) = view.action(id) {
        (ItemKind::Action, action(wp, a))
    } else if let Some(d) = view.decision(id) {
        (ItemKind::Decision, decision(wp, d))
    } else if let Some(r) = view.reflection(id) {
        (ItemKind::Reflection, reflection(wp, r))
    } else if let Some(i) = view.indicator(id) {
        (ItemKind::Indicator, indicator(i))
    } else if let Some(g) = view.goal(id) {
        (ItemKind::Goal, goal(wp, g))
    } else if let Some(r) = view.risk(id) {
        (ItemKind::Risk, risk(wp, r))
    } else if let Some(j) = view.journey(id) {
        (ItemKind::Journey, journey(wp, j))
    } else if let Some(c) = view.checklist_item(id) {
        (ItemKind::ChecklistItem, checklist_item(wp, c))
    } else if let Some(p) = view.partner(id) {
        (ItemKind::Partner, partner(p))
    } else if let Some(m) = wp.member(id) {
        (ItemKind::Member, member(&m))
    } else {
        return None;
    };
    Some(RenderedItem {
        kind,
        id: id.to_string(),
        json,
    })
}

/// Every item of the werkplaats, by kind and, within a kind, in the order
/// the items were created; the phase last.
pub fn items(wp: &WerkplaatsAt) -> Vec<RenderedItem> {
    let view = &wp.view;
    let mut all = Vec::new();
    let mut push = |kind, id: Uuid, json| {
        all.push(RenderedItem {
            kind,
            id: id.to_string(),
            json,
        })
    };
    for p in &view.problems {
        push(ItemKind::Problem, p.id, problem(wp, p));
    }
    for s in &view.solutions {
        push(ItemKind::Solution, s.id, solution(wp, s));
    }
    for a in &view.actions {
        push(ItemKind::Action, a.id, action(wp, a));
    }
    for d in &view.decisions {
        push(ItemKind::Decision, d.id, decision(wp, d));
    }
    for r in &view.reflections {
        push(ItemKind::Reflection, r.id, reflection(wp, r));
    }
    for i in &view.indicators {
        push(ItemKind::Indicator, i.id, indicator(i));
    }
    for p in &view.partners {
        push(ItemKind::Partner, p.id, partner(p));
    }
    for m in wp.members() {
        push(ItemKind::Member, m.id, member(&m));
    }
    all.push(RenderedItem {
        kind: ItemKind::Phase,
        id: PHASE_ID.to_owned(),
        json: phase(view.methodology, view.phase),
    });
    let mut push = |kind, id: Uuid, json| {
        all.push(RenderedItem {
            kind,
            id: id.to_string(),
            json,
        })
    };
    for g in &view.goals {
        push(ItemKind::Goal, g.id, goal(wp, g));
    }
    for r in &view.risks {
        push(ItemKind::Risk, r.id, risk(wp, r));
    }
    for j in &view.journeys {
        push(ItemKind::Journey, j.id, journey(wp, j));
    }
    for c in &view.checklist {
        push(ItemKind::ChecklistItem, c.id, checklist_item(wp, c));
    }
    all
}
