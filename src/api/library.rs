//! The library (wat werkt) as GraphQL objects: lessons from every werkplaats
//! that shares them.

use async_graphql::{Context, Object, Result, SimpleObject, ID};

use super::caller;
use super::enums::*;
use super::error::graphql_error;
use super::scalars::DateTime;
use crate::app::{App, LessonFilter};
use crate::projections::{LessonIndicator as IndicatorView, LessonView};

/// Where a lesson comes from: the werkplaats, never a member.
#[derive(SimpleObject)]
pub struct LessonSource {
    pub werkplaats_id: ID,
    pub werkplaats_name: String,
    pub municipality: String,
    pub methodology: Methodology,
    /// The werkplaats's question.
    pub question: String,
}

/// The solution the action tried out.
#[derive(SimpleObject)]
pub struct LessonSolution {
    pub title: String,
    pub description: String,
    /// Where the idea comes from.
    pub basis: Vec<EvidenceBasis>,
    /// The empowerment capitals it invests in.
    pub capitals: Vec<EmpowermentCapital>,
    /// How far it is recognised as effective.
    pub recognition: RecognitionLevel,
}

/// An indicator the action should move, as the werkplaats's evaluation
/// shows it.
#[derive(SimpleObject)]
pub struct LessonIndicator {
    pub name: String,
    pub unit: String,
    pub kind: IndicatorKind,
    pub direction: Direction,
    pub baseline: f64,
    pub norm: f64,
    /// The value measured last.
    pub latest: Option<f64>,
    pub norm_met: bool,
}

/// What one werkplaats learnt from an action it tried: an action concluded
/// at least once, as it is now.
#[derive(SimpleObject)]
pub struct Lesson {
    /// The action's id.
    pub id: ID,
    pub source: LessonSource,
    pub title: String,
    pub goal: String,
    /// The partner organisation that owns the action.
    pub owner: String,
    /// How its last cycle ended.
    pub outcome: ActOutcome,
    /// Why it ended so.
    pub rationale: String,
    /// How many PDCA cycles it went through.
    pub cycles: i32,
    /// What each Check found, oldest first.
    pub findings: Vec<String>,
    pub solution: Option<LessonSolution>,
    pub indicators: Vec<LessonIndicator>,
    /// When it was last concluded.
    pub concluded_at: DateTime,
}

impl From<IndicatorView> for LessonIndicator {
    fn from(i: IndicatorView) -> Self {
        LessonIndicator {
            name: i.name,
            unit: i.unit,
            kind: i.kind.into(),
            direction: i.direction.into(),
            baseline: i.baseline,
            norm: i.norm,
            latest: i.latest,
            norm_met: i.norm_met,
        }
    }
}

impl From<LessonView> for Lesson {
    fn from(l: LessonView) -> Self {
        Lesson {
            id: ID(l.id.to_string()),
            source: LessonSource {
                werkplaats_id: ID(l.source.werkplaats_id.to_string()),
                werkplaats_name: l.source.werkplaats_name,
                municipality: l.source.municipality,
                methodology: l.source.methodology.into(),
                question: l.source.question,
            },
            title: l.title,
            goal: l.goal,
            owner: l.owner,
            outcome: l.outcome.into(),
            rationale: l.rationale,
            cycles: super::types::int(l.cycles),
            findings: l.findings,
            solution: l.solution.map(|s| LessonSolution {
                title: s.title,
                description: s.description,
                basis: s.basis.into_iter().map(Into::into).collect(),
                capitals: s.capitals.into_iter().map(Into::into).collect(),
                recognition: s.recognition.into(),
            }),
            indicators: l.indicators.into_iter().map(Into::into).collect(),
            concluded_at: DateTime(l.concluded_at),
        }
    }
}

/// One page of the library.
#[derive(SimpleObject)]
pub struct LessonPage {
    pub lessons: Vec<Lesson>,
    pub has_more: bool,
    /// Pass as `after` for the next page; null when there is none.
    pub cursor: Option<String>,
}

#[derive(Default)]
pub struct LibraryQuery;

#[Object]
impl LibraryQuery {
    /// Lessons from every werkplaats that shares them, newest conclusion
    /// first: `search` finds Dutch words with their inflections in the
    /// title, goal, findings, rationale and solution; the other arguments
    /// filter exactly; `first` is 1 to 100.
    #[allow(clippy::too_many_arguments)]
    async fn wat_werkt(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        outcome: Option<ActOutcome>,
        capital: Option<EmpowermentCapital>,
        methodology: Option<Methodology>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<LessonPage> {
        let app = ctx.data::<App>()?;
        let filter = LessonFilter {
            search,
            outcome: outcome.map(Into::into),
            capital: capital.map(Into::into),
            methodology: methodology.map(Into::into),
            first: i64::from(first.unwrap_or(20)),
            after,
        };
        let page = app
            .wat_werkt(caller(ctx), filter)
            .await
            .map_err(graphql_error)?;
        Ok(LessonPage {
            lessons: page.lessons.into_iter().map(Lesson::from).collect(),
            has_more: page.has_more,
            cursor: page.cursor,
        })
    }
}
