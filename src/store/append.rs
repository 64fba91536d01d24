//! Appending a command's events: atomic, optimistic, idempotent.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::members::{write_access, AccessChange};
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
}

/// What an append did.
#[derive(Clone, Debug, PartialEq)]
pub enum Appended {
    /// The events were stored with versions `first..=last`, each recorded at
    /// `recorded_at`.
    Committed {
        first_version: i64,
        last_version: i64,
        recorded_at: DateTime<Utc>,
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
    /// Another command was appended since the caller read the stream.
    #[error("the stream is at version {current}, not the expected one")]
    WrongExpectedVersion { current: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AppendError {
    fn from(error: sqlx::Error) -> Self {
        AppendError::Store(StoreError::Database(error))
    }
}

#[derive(sqlx::FromRow)]
struct Head {
    version: i64,
    head_hash: Option<String>,
    head_recorded_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct PriorCommand {
    stream_id: Uuid,
    first_version: i64,
    last_version: i64,
}

impl From<PriorCommand> for Appended {
    fn from(prior: PriorCommand) -> Self {
        Appended::Duplicate {
            stream_id: prior.stream_id,
            first_version: prior.first_version,
            last_version: prior.last_version,
        }
    }
}

impl EventStore {
    /// Appends all events of one command in one transaction, or nothing.
    #[tracing::instrument(skip_all, fields(stream = %request.stream_id, expected = request.expected_version))]
    pub async fn append(&self, request: AppendRequest) -> Result<Appended, AppendError> {
        if let Some(prior) = self.prior_command(request.command_id).await? {
            return Ok(prior.into());
        }
        let mut tx = self.pool.begin().await?;
        match write(&mut tx, &request, self.notify_in_transaction).await {
            Ok(appended) => match tx.commit().await {
                Ok(()) => {
                    if let Appended::Committed {
                        first_version,
                        last_version,
                        ..
                    } = appended
                    {
                        crate::ops::metrics::appended(last_version - first_version + 1);
                    }
                    if !self.notify_in_transaction {
                        self.notify_after_commit(&request, &appended).await;
                    }
                    self.announce_revocations(&request).await;
                    Ok(appended)
                }
                Err(error) => self.duplicate_or(request.command_id, error.into()).await,
            },
            Err(error) => {
                // Rolls back; a concurrent twin of this command may have won.
                drop(tx);
                self.duplicate_or(request.command_id, error).await
            }
        }
    }

    /// Outside the transaction, so writers do not queue on the global lock
    /// NOTIFY takes at commit. Should the process die right here, followers
    /// find the events on their next poll.
    async fn notify_after_commit(&self, request: &AppendRequest, appended: &Appended) {
        let Appended::Committed { last_version, .. } = appended else {
            return;
        };
        if let Err(error) = notify(&self.pool, request.stream_id, *last_version).await {
            tracing::warn!(%error, "NOTIFY after an append failed; followers will poll");
        }
    }

    /// The revocation itself is committed; telling open connections is a
    /// wake-up only (they also check their credentials every ping), so a
    /// failure here delays the closing, never undoes the revocation.
    async fn announce_revocations(&self, request: &AppendRequest) {
        for member_id in request.access.iter().filter_map(AccessChange::revoked) {
            if let Err(error) = self.announce_access_change(member_id).await {
                tracing::warn!(%error, "announcing a revoked member failed");
            }
        }
    }

    /// Where an earlier command with this id went: `(stream, first version,
    /// last version)`.
    pub async fn command(&self, command_id: Uuid) -> Result<Option<(Uuid, i64, i64)>, StoreError> {
        Ok(self
            .prior_command(command_id)
            .await?
            .map(|p| (p.stream_id, p.first_version, p.last_version)))
    }

    async fn prior_command(&self, command_id: Uuid) -> Result<Option<PriorCommand>, StoreError> {
        Ok(sqlx::query_as::<_, PriorCommand>(
            "select stream_id, first_version, last_version from commands where command_id = $1",
        )
        .bind(command_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A failed append of a command that meanwhile committed through a
    /// concurrent retry is that retry's result, not an error.
    async fn duplicate_or(
        &self,
        command_id: Uuid,
        error: AppendError,
    ) -> Result<Appended, AppendError> {
        match self.prior_command(command_id).await? {
            Some(prior) => Ok(prior.into()),
            None => Err(error),
        }
    }
}

/// Wakes the followers of `stream` on every instance. A wake-up only:
/// followers read the table from their last version, so a lost
/// notification costs latency, never an event.
async fn notify<'e>(
    executor: impl sqlx::PgExecutor<'e>,
    stream: Uuid,
    version: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_notify($1, $2)")
        .bind(super::CHANNEL)
        .bind(format!("{stream}:{version}"))
        .execute(executor)
        .await?;
    Ok(())
}

async fn write(
    tx: &mut Transaction<'_, Postgres>,
    request: &AppendRequest,
    notify_in_transaction: bool,
) -> Result<Appended, AppendError> {
    if request.expected_version == 0 {
        sqlx::query("insert into streams (id) values ($1) on conflict (id) do nothing")
            .bind(request.stream_id)
            .execute(&mut **tx)
            .await?;
    }
    // The row lock makes check-and-append atomic per stream; writers of
    // other streams never wait for it.
    let head = sqlx::query_as::<_, Head>(
        "select version, head_hash, head_recorded_at from streams where id = $1 for update",
    )
    .bind(request.stream_id)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppendError::WrongExpectedVersion { current: 0 })?;
    if head.version != request.expected_version {
        return Err(AppendError::WrongExpectedVersion {
            current: head.version,
        });
    }

    // recordedAt never decreases within a stream, even across instances
    // whose clocks disagree a little.
    let now = timestamp::now();
    let recorded_at = head.head_recorded_at.map_or(now, |last| last.max(now));
    let mut prev_hash = head.head_hash;
    let mut version = head.version;
    for event in &request.events {
        version += 1;
        let hash = chain::event_hash(
            prev_hash.as_deref(),
            request.stream_id,
            version,
            event.event_type,
            request.actor,
            recorded_at,
            &event.payload,
        );
        sqlx::query(
            "insert into events (stream_id, version, event_id, event_type, schema_version, \
             payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(request.stream_id)
        .bind(version)
        .bind(Uuid::new_v4())
        .bind(event.event_type)
        .bind(event.schema_version)
        .bind(&event.payload)
        .bind(request.actor)
        .bind(request.command_id)
        .bind(request.correlation_id)
        .bind(recorded_at)
        .bind(&hash)
        .bind(&prev_hash)
        .execute(&mut **tx)
        .await
        .map_err(|error| on_constraint(error, "events_stream_version_key", version - 1))?;
        prev_hash = Some(hash);
    }

    sqlx::query(
        "update streams set version = $2, head_hash = $3, head_recorded_at = $4 where id = $1",
    )
    .bind(request.stream_id)
    .bind(version)
    .bind(&prev_hash)
    .bind(recorded_at)
    .execute(&mut **tx)
    .await?;

    let first_version = request.expected_version + 1;
    sqlx::query(
        "insert into commands (command_id, stream_id, first_version, last_version) \
         values ($1, $2, $3, $4)",
    )
    .bind(request.command_id)
    .bind(request.stream_id)
    .bind(first_version)
    .bind(version)
    .execute(&mut **tx)
    .await?;

    for member in &request.members {
        sqlx::query(
            "insert into member_profiles (member_id, werkplaats_id, name) values ($1, $2, $3)",
        )
        .bind(member.member_id)
        .bind(request.stream_id)
        .bind(&member.name)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "insert into tokens (token_hash, member_id, werkplaats_id) values ($1, $2, $3)",
        )
        .bind(&member.token_hash)
        .bind(member.member_id)
        .bind(request.stream_id)
        .execute(&mut **tx)
        .await?;
    }

    for change in &request.access {
        write_access(tx, request.stream_id, change).await?;
    }

    if notify_in_transaction {
        notify(&mut **tx, request.stream_id, version).await?;
    }

    Ok(Appended::Committed {
        first_version,
        last_version: version,
        recorded_at,
    })
}

/// Turns a unique violation of `constraint` into a version conflict: the
/// one place where the database, not the row lock, reports a lost race.
fn on_constraint(error: sqlx::Error, constraint: &str, current: i64) -> AppendError {
    match &error {
        sqlx::Error::Database(db) if db.constraint() == Some(constraint) => {
            AppendError::WrongExpectedVersion { current }
        }
        _ => error.into(),
    }
}
