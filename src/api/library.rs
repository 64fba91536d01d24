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
    /// The id of the werkplaats the lesson comes from.
    pub werkplaats_id: ID,
    /// The name of that werkplaats.
    pub werkplaats_name: String,
    /// The municipality it works in.
    pub municipality: String,
    /// The step plan it follows.
    pub methodology: Methodology,
    /// The werkplaats's question.
    pub question: String,
}

/// The solution the action tried out.
#[derive(SimpleObject)]
pub struct LessonSolution {
    /// A short name for the solution.
    pub title: String,
    /// The solution in full: what it is and how it works.
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
    /// What is measured.
    pub name: String,
    /// The unit it is measured in, e.g. `%` or `dagen`.
    pub unit: String,
    /// What it monitors: the process, its output or the outcome.
    pub kind: IndicatorKind,
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
    /// The value before the werkplaats started.
    pub baseline: f64,
    /// The value the partners want to reach.
    pub norm: f64,
    /// The value measured last.
    pub latest: Option<f64>,
    /// Whether the latest value reaches the norm; false without measurements.
    pub norm_met: bool,
}

/// What one werkplaats learnt from an action it tried: an action concluded
/// at least once, as it is now.
#[derive(SimpleObject)]
pub struct Lesson {
    /// The action's id.
    pub id: ID,
    /// The werkplaats the lesson comes from.
    pub source: LessonSource,
    /// The action's short name.
    pub title: String,
    /// What the action should achieve.
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
    /// The solution the action put into practice, if any.
    pub solution: Option<LessonSolution>,
    /// The indicators the action should move.
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
    /// The lessons of this page, most recently concluded first.
    pub lessons: Vec<Lesson>,
    /// Whether more lessons follow after this page.
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
        #[graphql(
            desc = "Words to look for, in Dutch; other forms of a word match too (huisbezoeken finds huisbezoek)."
        )]
        search: Option<String>,
        #[graphql(desc = "Only lessons whose last cycle ended so.")] outcome: Option<ActOutcome>,
        #[graphql(desc = "Only lessons whose solution invests in this empowerment capital.")]
        capital: Option<EmpowermentCapital>,
        #[graphql(desc = "Only lessons from this step plan.")] methodology: Option<Methodology>,
        #[graphql(
            default = 20,
            desc = "At most this many lessons, 1 to 100 (20 by default)."
        )]
        first: Option<i32>,
        #[graphql(desc = "The `cursor` of the page before.")] after: Option<String>,
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
