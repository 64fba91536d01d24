//! A werkplaats's lessons for the library (wat werkt): each action that has
//! been concluded at least once, as it is now, with where it comes from.
//! Lessons name organisations, never members: the library is read across
//! werkplaatsen, by people who are not members of this one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::WerkplaatsView;
use crate::domain::{
    ActOutcome, Direction, EmpowermentCapital, EvidenceBasis, IndicatorKind, Methodology,
    RecognitionLevel,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonSource {
    pub werkplaats_id: Uuid,
    pub werkplaats_name: String,
    pub municipality: String,
    pub methodology: Methodology,
    pub question: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonSolution {
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub capitals: Vec<EmpowermentCapital>,
    pub recognition: RecognitionLevel,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonIndicator {
    pub name: String,
    pub unit: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub baseline: f64,
    pub norm: f64,
    pub latest: Option<f64>,
    pub norm_met: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LessonView {
    /// The action's id.
    pub id: Uuid,
    pub source: LessonSource,
    pub title: String,
    pub goal: String,
    /// The name of the partner that owns the action.
    pub owner: String,
    /// The last Act's outcome and rationale.
    pub outcome: ActOutcome,
    pub rationale: String,
    pub cycles: u32,
    pub findings: Vec<String>,
    pub solution: Option<LessonSolution>,
    pub indicators: Vec<LessonIndicator>,
    /// When the action was last concluded.
    pub concluded_at: DateTime<Utc>,
}

impl LessonView {
    /// The text Dutch full-text search looks in.
    pub fn document(&self) -> String {
        let mut parts = vec![self.title.as_str(), self.goal.as_str()];
        parts.extend(self.findings.iter().map(String::as_str));
        parts.push(&self.rationale);
        if let Some(solution) = &self.solution {
            parts.push(&solution.title);
            parts.push(&solution.description);
        }
        parts.join("\n")
    }
}

/// The lessons of the werkplaats, in plan order; none unless it shares.
pub fn lessons(view: &WerkplaatsView) -> Vec<LessonView> {
    if !view.shares_lessons {
        return Vec::new();
    }
    let source = LessonSource {
        werkplaats_id: view.id,
        werkplaats_name: view.name.clone(),
        municipality: view.municipality.clone(),
        methodology: view.methodology,
        question: view.question.clone(),
    };
    view.actions
        .iter()
        .filter_map(|action| {
            let last = action.cycles.iter().rev().find(|c| c.outcome.is_some())?;
            let solution = action.solution.and_then(|id| view.solution(&id));
            Some(LessonView {
                id: action.id,
                source: source.clone(),
                title: action.title.clone(),
                goal: action.goal.clone(),
                owner: view
                    .partner(&action.owner)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                outcome: last.outcome?,
                rationale: last.rationale.clone().unwrap_or_default(),
                cycles: action.cycle,
                findings: action.findings.clone(),
                solution: solution.map(|s| LessonSolution {
                    title: s.title.clone(),
                    description: s.description.clone(),
                    basis: s.basis.clone(),
                    capitals: s.capitals.clone(),
                    recognition: s.recognition,
                }),
                indicators: action
                    .indicators
                    .iter()
                    .filter_map(|id| view.indicator(id))
                    .map(|i| LessonIndicator {
                        name: i.name.clone(),
                        unit: i.unit.clone(),
                        kind: i.kind,
                        direction: i.direction,
                        baseline: i.baseline,
                        norm: i.norm,
                        latest: i.latest(),
                        norm_met: i.norm_met(),
                    })
                    .collect(),
                concluded_at: last.concluded_at?,
            })
        })
        .collect()
}
