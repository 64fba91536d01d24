//! Appending a command's events: atomic, optimistic, idempotent — and
//! grouped.
//!
//! A command is one call of the SQL function `append_commands` (see its
//! migration): it checks the command id, locks the stream's row, compares
//! the stream's version and head hash with the ones the command was decided
//! on, inserts the events with the hashes computed here, advances the head
//! and records the command id, in one round trip. The caller that knows the
//! head (the application keeps it cached) passes it to
//! [`EventStore::append_on`]; [`EventStore::append`] reads it first.
//!
//! Commands for different streams that arrive while an earlier group is
//! being written share one call, and so one transaction and one commit
//! ([`commit`](super::commit)). A command may carry its request's
//! rate-limit charge ([`BucketCharge`]): the same call takes it from the
//! caller's bucket before it appends, and a charge that does not fit
//! leaves the command unwritten. Commands that also write members or access
//! changes (invitations, removals, sign-in links), or the lessons of a
//! werkplaats that shares them, are rare and take a transaction of their
//! own.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::library::{write_lessons, LibraryWrite};
use super::members::{announce, insert_token, write_access, AccessChange};
use super::{chain, EventStore, StoreError};
use crate::timestamp;

/// One event to append: its type, payload schema version and payload.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub event_type: &'static str,
    pub schema_version: i32,
    pub payload: serde_json::Value,
}

/// A member's personal data and, when issued, the hash of their new token:
/// written in the same transaction as the events, outside the stream.
#[derive(Clone, Debug)]
pub struct MemberRecord {
    pub member_id: Uuid,
    pub name: String,
    pub token_hash: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct AppendRequest {
    pub stream_id: Uuid,
    /// The stream version the command was decided on; 0 creates the stream.
    pub expected_version: i64,
    /// Identifies the command: a second append with the same id appends nothing.
    pub command_id: Uuid,
    pub correlation_id: Uuid,
    /// The member who caused the events; `None` for the admin.
    pub actor: Option<Uuid>,
    pub events: Vec<NewEvent>,
    pub members: Vec<MemberRecord>,
    /// Changes to who may act as a member, e.g. a removed member's tokens.
    pub access: Vec<AccessChange>,
    /// When the events happen; `None` is now. The store moves it up to the
    /// head's time when that is later.
    pub recorded_at: Option<DateTime<Utc>>,
    /// The werkplaats's lessons after the events, when they change.
    pub library: Option<LibraryWrite>,
    /// What the command's request costs its caller, taken with the append.
    pub charge: Option<BucketCharge>,
}

/// A take from a caller's mutation bucket (the GCRA of
/// [`EventStore::take_from_bucket`]) that goes with an append: taken in
/// the same statement, before the command is checked, and all of the
/// append or none of it with it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BucketCharge {
    pub caller: Uuid,
    pub cost: Duration,
    pub capacity: Duration,
}

/// When events appended on `head` now are recorded: recordedAt never
/// decreases within a stream, even across instances whose clocks disagree
/// a little.
pub fn stamp(head: Option<&Head>) -> DateTime<Utc> {
    let now = timestamp::now();
    head.map_or(now, |h| h.recorded_at.max(now))
}

/// The last event of a stream as the command saw it: the next event chains
/// to its hash, and is never recorded before it.
#[derive(Clone, Debug, PartialEq)]
pub struct Head {
    pub hash: String,
    pub recorded_at: DateTime<Utc>,
}

/// What an append did.
#[derive(Clone, Debug, PartialEq)]
pub enum Appended {
    /// The events were stored with versions `first..=last`, each recorded at
    /// `recorded_at`; `hash` is the hash of the last one, the new head.
    Committed {
        first_version: i64,
        last_version: i64,
        recorded_at: DateTime<Utc>,
        hash: String,
    },
    /// This command id was appended before, as these versions of that stream.
    Duplicate {
        stream_id: Uuid,
        first_version: i64,
        last_version: i64,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// Another command was appended since the caller read the stream, or
    /// the stream's head is not the one the caller saw.
    #[error("the stream is at version {current}, not the expected one")]
    WrongExpectedVersion { current: i64 },
    /// The command's charge did not fit in its caller's bucket; nothing
    /// was written. It would fit after `retry_after`.
    #[error("the caller's mutation budget is spent for now")]
    RateLimited { retry_after: Duration },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AppendError {
    fn from(error: sqlx::Error) -> Self {
        AppendError::Store(StoreError::Database(error))
    }
}

/// A request with its events' hashes and time, ready to be written.
pub(super) struct Prepared {
    pub request: AppendRequest,
    head_hash: Option<String>,
    recorded_at: DateTime<Utc>,
    event_ids: Vec<Uuid>,
    hashes: Vec<String>,
}

impl Prepared {
    fn new(request: AppendRequest, head: Option<Head>) -> Prepared {
        let recorded_at = match request.recorded_at {
            Some(at) => head.as_ref().map_or(at, |h| h.recorded_at.max(at)),
            None => stamp(head.as_ref()),
        };
        let head_hash = head.map(|h| h.hash);
        let mut prev = head_hash.clone();
        let hashes = (request.expected_version + 1..)
            .zip(&request.events)
            .map(|(version, event)| {
                let hash = chain::event_hash(
                    prev.as_deref(),
                    request.stream_id,
                    version,
                    event.event_type,
                    request.actor,
                    recorded_at,
                    &event.payload,
                );
                prev = Some(hash.clone());
                hash
            })
            .collect();
        Prepared {
            event_ids: request.events.iter().map(|_| Uuid::new_v4()).collect(),
            request,
            head_hash,
            recorded_at,
            hashes,
        }
    }

    /// Whether it writes more than events, and so needs a transaction of
    /// its own.
    fn writes_more(&self) -> bool {
        !self.request.members.is_empty()
            || !self.request.access.is_empty()
            || self.request.library.is_some()
    }

    pub(super) fn outcome(&self, row: &Outcome) -> Result<Appended, AppendError> {
        match row.status {
            0 => {
                crate::ops::metrics::appended(self.request.events.len() as i64);
                Ok(Appended::Committed {
                    first_version: row.first_version.unwrap_or_default(),
                    last_version: row.last_version,
                    recorded_at: self.recorded_at,
                    hash: self.hashes.last().cloned().unwrap_or_default(),
                })
            }
            1 => Ok(Appended::Duplicate {
                stream_id: row.stream_id,
                first_version: row.first_version.unwrap_or_default(),
                last_version: row.last_version,
            }),
            3 => Err(AppendError::RateLimited {
                retry_after: Duration::from_micros(
                    row.wait_micros.unwrap_or(1).max(1).unsigned_abs(),
                ),
            }),
            _ => Err(AppendError::WrongExpectedVersion {
                current: row.last_version,
            }),
        }
    }
}

/// One row of `append_commands`: what became of one command.
#[derive(sqlx::FromRow)]
pub(super) struct Outcome {
    status: i16,
    stream_id: Uuid,
    first_version: Option<i64>,
    last_version: i64,
    wait_micros: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StoredHead {
    head_hash: Option<String>,
    head_recorded_at: Option<DateTime<Utc>>,
}

impl EventStore {
    /// Appends all events of one command atomically, or nothing, reading
    /// the stream's head first. For callers that do not keep the head.
    #[tracing::instrument(skip_all, fields(stream = %request.stream_id, expected = request.expected_version))]
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, AppendError> {
        let stored = sqlx::query_as::<_, StoredHead>(
            "select head_hash, head_recorded_at from streams where id = $1 and version = $2",
        )
        .bind(request.stream_id)
        .bind(request.expected_version)
        .fetch_optional(&self.pool)
        .await?;
        let head = stored.and_then(|s| {
            Some(Head {
                hash: s.head_hash?,
                recorded_at: s.head_recorded_at?,
            })
        });
        self.append_on(request, head).await
    }

    /// Appends all events of one command atomically, or nothing, decided on
    /// `head` (the stream's last event; `None` for a new stream). When the
    /// stream's head is another, the append is refused with its version.
    #[tracing::instrument(skip_all, fields(stream = %request.stream_id, expected = request.expected_version))]
    pub async fn append_on(
        &self,
        request: AppendRequest,
        head: Option<Head>,
    ) -> Result<Appended, AppendError> {
        let mut prepared = Prepared::new(request, head);
        if prepared.writes_more() {
            // Rare commands, a transaction of their own: the charge is taken
            // first, on its own.
            if let Some(charge) = prepared.request.charge.take() {
                self.take_from_bucket(charge.caller, charge.cost, charge.capacity)
                    .await?
                    .map_err(|retry_after| AppendError::RateLimited { retry_after })?;
            }
            let appended = self.append_in_transaction(&prepared).await;
            duplicate_or(&self.pool, &prepared, appended).await
        } else {
            self.committer().submit(prepared).await
        }
    }

    /// Events with members, access changes or lessons, in one transaction.
    /// Revocations are announced inside it, so that the announcement cannot
    /// get lost after the commit.
    async fn append_in_transaction(&self, prepared: &Prepared) -> Result<Appended, AppendError> {
        let mut tx = self.pool.begin().await?;
        let rows = write_group(&mut *tx, &[prepared], true).await?;
        let row = rows
            .first()
            .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))?;
        let appended = prepared.outcome(row)?;
        if !matches!(appended, Appended::Committed { .. }) {
            return Ok(appended);
        }
        let request = &prepared.request;
        for member in &request.members {
            sqlx::query(
                "insert into member_profiles (member_id, werkplaats_id, name) values ($1, $2, $3)",
            )
            .bind(member.member_id)
            .bind(request.stream_id)
            .bind(&member.name)
            .execute(&mut *tx)
            .await?;
            insert_token(
                &mut tx,
                &member.token_hash,
                member.member_id,
                request.stream_id,
            )
            .await?;
        }
        for change in &request.access {
            write_access(&mut tx, request.stream_id, change).await?;
            if let Some(member_id) = change.revoked() {
                announce(&mut tx, member_id).await?;
            }
        }
        if let (Some(library), Appended::Committed { last_version, .. }) =
            (&request.library, &appended)
        {
            write_lessons(&mut tx, library, *last_version).await?;
        }
        tx.commit().await?;
        Ok(appended)
    }

    /// Where an earlier command with this id went: `(stream, first version,
    /// last version)`.
    pub async fn command(&self, command_id: Uuid) -> Result<Option<(Uuid, i64, i64)>, StoreError> {
        Ok(prior_command(&self.pool, command_id).await?)
    }
}

async fn prior_command(
    pool: &PgPool,
    command_id: Uuid,
) -> Result<Option<(Uuid, i64, i64)>, sqlx::Error> {
    sqlx::query_as::<_, (Uuid, i64, i64)>(
        "select stream_id, first_version, last_version from commands where command_id = $1",
    )
    .bind(command_id)
    .fetch_optional(pool)
    .await
}

/// A failed append of a command that meanwhile committed through a twin
/// with the same command id (which made it fail) is that twin's result.
pub(super) async fn duplicate_or(
    pool: &PgPool,
    prepared: &Prepared,
    appended: Result<Appended, AppendError>,
) -> Result<Appended, AppendError> {
    let Err(error) = appended else {
        return appended;
    };
    match prior_command(pool, prepared.request.command_id).await? {
        Some((stream_id, first_version, last_version)) => Ok(Appended::Duplicate {
            stream_id,
            first_version,
            last_version,
        }),
        None => Err(error),
    }
}

/// Writes a group of commands, ordered by stream, in one statement; one
/// outcome per command, in the group's order.
pub(super) async fn write_group<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    group: &[&Prepared],
    notify: bool,
) -> Result<Vec<Outcome>, sqlx::Error> {
    let events: usize = group.iter().map(|p| p.request.events.len()).sum();
    let mut e_id = Vec::with_capacity(events);
    let mut e_type = Vec::with_capacity(events);
    let mut e_schema = Vec::with_capacity(events);
    let mut e_payload = Vec::with_capacity(events);
    let mut e_hash = Vec::with_capacity(events);
    for prepared in group {
        e_id.extend_from_slice(&prepared.event_ids);
        e_hash.extend(prepared.hashes.iter().map(String::as_str));
        for event in &prepared.request.events {
            e_type.push(event.event_type);
            e_schema.push(event.schema_version);
            e_payload.push(&event.payload);
        }
    }
    let column = |f: fn(&AppendRequest) -> Uuid| group.iter().map(|p| f(&p.request)).collect();
    let c_stream: Vec<Uuid> = column(|r| r.stream_id);
    let c_command: Vec<Uuid> = column(|r| r.command_id);
    let c_correlation: Vec<Uuid> = column(|r| r.correlation_id);
    // Empty when nothing is charged: the function then skips the buckets.
    let charges: Vec<Option<BucketCharge>> = match group.iter().any(|p| p.request.charge.is_some())
    {
        true => group.iter().map(|p| p.request.charge).collect(),
        false => Vec::new(),
    };
    sqlx::query_as::<_, Outcome>(
        "select status, stream_id, first_version, last_version, wait_micros from append_commands(\
         $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(c_stream)
    .bind(
        group
            .iter()
            .map(|p| p.request.expected_version)
            .collect::<Vec<_>>(),
    )
    .bind(
        group
            .iter()
            .map(|p| p.head_hash.as_deref())
            .collect::<Vec<_>>(),
    )
    .bind(c_command)
    .bind(c_correlation)
    .bind(group.iter().map(|p| p.request.actor).collect::<Vec<_>>())
    .bind(group.iter().map(|p| p.recorded_at).collect::<Vec<_>>())
    .bind(
        group
            .iter()
            .map(|p| i32::try_from(p.request.events.len()).unwrap_or(i32::MAX))
            .collect::<Vec<_>>(),
    )
    .bind(e_id)
    .bind(e_type)
    .bind(e_schema)
    .bind(e_payload)
    .bind(e_hash)
    .bind(notify)
    .bind(
        charges
            .iter()
            .map(|c| c.map(|c| c.caller))
            .collect::<Vec<_>>(),
    )
    .bind(
        charges
            .iter()
            .map(|c| c.map(|c| c.cost))
            .collect::<Vec<_>>(),
    )
    .bind(
        charges
            .iter()
            .map(|c| c.map(|c| c.capacity))
            .collect::<Vec<_>>(),
    )
    .fetch_all(executor)
    .await
}
