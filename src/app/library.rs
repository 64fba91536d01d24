//! The library (wat werkt) across werkplaatsen.
//!
//! A werkplaats's lessons are a fold of its stream
//! ([`crate::projections::lessons`]); the library is their union over every
//! werkplaats that shares, stored in one table. When a command changes
//! what a sharing werkplaats's lessons say, the new lessons travel with the
//! command's append and are written in its transaction, so the library is
//! up to date when the mutation answers, on every instance, with no
//! cross-stream reader to fall behind. A rebuild recomputes the table from
//! the events.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::heads::WriteHead;
use super::{App, AppError, Caller};
use crate::domain::{ActOutcome, Actor, EmpowermentCapital, Event, Methodology};
use crate::projections::{lessons, LessonView, Recorded};
use crate::store::{LessonQuery, LessonRow, LibraryWrite};

/// Most lessons one page holds.
const PAGE_MAX: i64 = 100;

/// What a `watWerkt` search asks for.
#[derive(Clone, Debug, Default)]
pub struct LessonFilter {
    pub search: Option<String>,
    pub outcome: Option<ActOutcome>,
    pub capital: Option<EmpowermentCapital>,
    pub methodology: Option<Methodology>,
    pub first: i64,
    pub after: Option<String>,
}

/// A page of lessons and the cursor of its last one, when more follow.
#[derive(Clone, Debug)]
pub struct LessonPage {
    pub lessons: Vec<LessonView>,
    pub has_more: bool,
    pub cursor: Option<String>,
}

/// The name an enum value is stored and served by.
fn spelled<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn cursor(lesson: &LessonView) -> String {
    format!("{}.{}", lesson.concluded_at.timestamp_micros(), lesson.id)
}

fn parse_cursor(raw: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (micros, id) = raw.split_once('.')?;
    let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
    Some((at, Uuid::parse_str(id).ok()?))
}

fn row(lesson: &LessonView) -> Result<LessonRow, AppError> {
    Ok(LessonRow {
        action_id: lesson.id,
        concluded_at: lesson.concluded_at,
        outcome: spelled(&lesson.outcome),
        methodology: spelled(&lesson.source.methodology),
        capitals: lesson
            .solution
            .iter()
            .flat_map(|s| s.capitals.iter().map(spelled))
            .collect(),
        document: lesson.document(),
        lesson: serde_json::to_value(lesson).map_err(|e| AppError::Internal(e.into()))?,
    })
}

/// The lessons a command's events leave the werkplaats with, when they
/// differ from those before; `None` when the library stays as it is.
pub(super) fn library_change(
    head: Option<&WriteHead>,
    events: &[Event],
    first_version: i64,
    actor: Actor,
    recorded_at: DateTime<Utc>,
) -> Result<Option<LibraryWrite>, AppError> {
    let Some(head) = head else {
        return Ok(None);
    };
    let before = &head.at.view;
    let toggles = events
        .iter()
        .any(|e| matches!(e, Event::LessonsShared(_) | Event::LessonsUnshared(_)));
    if !before.shares_lessons && !toggles {
        return Ok(None);
    }
    let mut after = before.clone();
    for (version, event) in (first_version..).zip(events) {
        after.apply(Recorded {
            version,
            recorded_at,
            actor: actor.member_id(),
            event,
        });
    }
    let (old, new) = (lessons(before), lessons(&after));
    if old == new {
        return Ok(None);
    }
    Ok(Some(LibraryWrite {
        werkplaats_id: before.id,
        rows: new.iter().map(row).collect::<Result<_, _>>()?,
    }))
}

impl App {
    /// A page of the library, for any caller with a valid token.
    pub async fn wat_werkt(
        &self,
        caller: Option<Caller>,
        filter: LessonFilter,
    ) -> Result<LessonPage, AppError> {
        caller.ok_or(AppError::Unauthenticated)?;
        if !(1..=PAGE_MAX).contains(&filter.first) {
            return Err(AppError::BadInput(format!(
                "first takes 1 to {PAGE_MAX}, got {}",
                filter.first
            )));
        }
        let after = filter
            .after
            .as_deref()
            .map(|raw| {
                parse_cursor(raw)
                    .ok_or_else(|| AppError::BadInput(format!("after: not a cursor: {raw}")))
            })
            .transpose()?;
        let query = LessonQuery {
            search: filter
                .search
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty()),
            outcome: filter.outcome.as_ref().map(spelled),
            capital: filter.capital.as_ref().map(spelled),
            methodology: filter.methodology.as_ref().map(spelled),
            after,
            first: filter.first,
        };
        let (rows, has_more) = self.store.lessons(&query).await?;
        let lessons: Vec<LessonView> = rows
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>()
            .map_err(|e| AppError::Internal(e.into()))?;
        let cursor = if has_more {
            lessons.last().map(cursor)
        } else {
            None
        };
        Ok(LessonPage {
            lessons,
            has_more,
            cursor,
        })
    }

    /// Recomputes the library from the events of every werkplaats, calling
    /// `progress(done, total)` after each; returns the number of lessons.
    pub async fn rebuild_library(
        &self,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<usize, AppError> {
        let mut rebuild = self.store.begin_library_rebuild().await?;
        let ids = self.store.stream_ids().await?;
        let mut count = 0;
        for (done, id) in ids.iter().enumerate() {
            if let Some(loaded) = self.load(*id, i64::MAX).await? {
                let view = &loaded.at.view;
                let rows = lessons(view)
                    .iter()
                    .map(row)
                    .collect::<Result<Vec<_>, _>>()?;
                count += rows.len();
                rebuild.write(*id, view.version, &rows).await?;
            }
            progress(done + 1, ids.len());
        }
        rebuild.finish().await?;
        Ok(count)
    }
}
