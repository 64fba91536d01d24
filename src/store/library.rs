//! The library's table (`lessons`): written in the transaction of the append
//! that changes a werkplaats's lessons, read by `watWerkt` across
//! werkplaatsen, and rebuilt from the events in one transaction that holds
//! the table while it works.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::{EventStore, StoreError};

/// One lesson as stored: the columns it is found by, and the lesson itself.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRow {
    pub action_id: Uuid,
    pub concluded_at: DateTime<Utc>,
    pub outcome: String,
    pub methodology: String,
    pub capitals: Vec<String>,
    pub document: String,
    pub lesson: serde_json::Value,
}

/// A werkplaats's lessons after an append: they replace the ones stored.
#[derive(Clone, Debug, PartialEq)]
pub struct LibraryWrite {
    pub werkplaats_id: Uuid,
    pub rows: Vec<LessonRow>,
}

/// What `watWerkt` asks for. `after` is the last lesson of the page before.
#[derive(Clone, Debug, Default)]
pub struct LessonQuery {
    pub search: Option<String>,
    pub outcome: Option<String>,
    pub capital: Option<String>,
    pub methodology: Option<String>,
    pub after: Option<(DateTime<Utc>, Uuid)>,
    pub first: i64,
}

/// Replaces `write`'s werkplaats's lessons within `tx`, at `version`.
pub(super) async fn write_lessons(
    tx: &mut Transaction<'_, Postgres>,
    write: &LibraryWrite,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("delete from lessons where werkplaats_id = $1")
        .bind(write.werkplaats_id)
        .execute(&mut **tx)
        .await?;
    insert_lessons(tx, write.werkplaats_id, version, &write.rows).await
}

async fn insert_lessons(
    tx: &mut Transaction<'_, Postgres>,
    werkplaats_id: Uuid,
    version: i64,
    rows: &[LessonRow],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    // Capitals are a list per row, and arrays of arrays must be rectangular:
    // they travel as one text each and are split again in SQL.
    sqlx::query(
        "insert into lessons (action_id, werkplaats_id, version, concluded_at, outcome, \
         methodology, capitals, document, lesson) \
         select a, $2, $3, c, o, m, case when k = '' then '{}'::text[] else string_to_array(k, ',') end, d, l \
         from unnest($1::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], \
                     $8::text[], $9::jsonb[]) as t(a, c, o, m, k, d, l)",
    )
    .bind(rows.iter().map(|r| r.action_id).collect::<Vec<_>>())
    .bind(werkplaats_id)
    .bind(version)
    .bind(rows.iter().map(|r| r.concluded_at).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.methodology.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.capitals.join(",")).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.document.as_str()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| &r.lesson).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl EventStore {
    /// A page of lessons, newest conclusion first (ties by id), and whether
    /// more follow.
    pub async fn lessons(
        &self,
        query: &LessonQuery,
    ) -> Result<(Vec<serde_json::Value>, bool), StoreError> {
        let (after_at, after_id) = query.after.unzip();
        let mut rows: Vec<(serde_json::Value,)> = sqlx::query_as(
            "select lesson from lessons \
             where ($1::text is null or search @@ websearch_to_tsquery('dutch', $1)) \
               and ($2::text is null or outcome = $2) \
               and ($3::text is null or $3 = any(capitals)) \
               and ($4::text is null or methodology = $4) \
               and ($5::timestamptz is null \
                    or concluded_at < $5 or (concluded_at = $5 and action_id > $6)) \
             order by concluded_at desc, action_id \
             limit $7",
        )
        .bind(&query.search)
        .bind(&query.outcome)
        .bind(&query.capital)
        .bind(&query.methodology)
        .bind(after_at)
        .bind(after_id)
        .bind(query.first + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() as i64 > query.first;
        rows.truncate(usize::try_from(query.first).unwrap_or_default());
        Ok((rows.into_iter().map(|(lesson,)| lesson).collect(), more))
    }

    /// The ids of every werkplaats, oldest first, for a rebuild.
    pub async fn stream_ids(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(sqlx::query_scalar("select id from streams order by seq")
            .fetch_all(&self.pool)
            .await?)
    }

    /// Starts a rebuild: the library is emptied inside a transaction that
    /// holds the table, so appends that would write lessons wait for it
    /// and then write on top of the rebuilt library.
    pub async fn begin_library_rebuild(&self) -> Result<LibraryRebuild, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("lock table lessons in exclusive mode")
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from lessons").execute(&mut *tx).await?;
        Ok(LibraryRebuild { tx })
    }
}

/// A rebuild in progress; nothing of it is seen until [`LibraryRebuild::finish`].
pub struct LibraryRebuild {
    tx: Transaction<'static, Postgres>,
}

impl LibraryRebuild {
    pub async fn write(
        &mut self,
        werkplaats_id: Uuid,
        version: i64,
        rows: &[LessonRow],
    ) -> Result<(), StoreError> {
        Ok(insert_lessons(&mut self.tx, werkplaats_id, version, rows).await?)
    }

    pub async fn finish(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }
}
