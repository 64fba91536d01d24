//! The event store, on PostgreSQL.
//!
//! Each werkplaats is a stream of events with gapless versions from 1. This
//! module is the only code that writes them: [`EventStore::append_on`]
//! writes all events of one command atomically after checking the version
//! and head the command was decided on, chains each event's SHA-256 hash to
//! the one before, and wakes listeners with `NOTIFY`; commands for other
//! streams arriving at the same time share its transaction (`commit`). A trigger refuses every UPDATE
//! and DELETE on events. The store knows payloads only as JSON; what they
//! mean is the domain's business.

mod append;
mod chain;
mod commit;
mod library;
mod limits;
mod members;
mod notify;
mod own;
mod primary;
mod read;
mod verify;

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgPool, PgPoolOptions};
use uuid::Uuid;

use commit::Committer;
use limits::Buckets;

pub use append::{
    stamp, AppendError, AppendRequest, Appended, BucketCharge, Head, MemberRecord, NewEvent,
};
pub use chain::event_hash;
pub use library::{LessonQuery, LessonRow, LibraryRebuild, LibraryWrite};
pub use members::{AccessChange, TokenOwner, ACCESS_CHANNEL};
pub use notify::{
    until_changed, AccessWake, Notifier, StreamChanged, Wake, CHANNEL, PRESENCE_CHANNEL,
};
pub use primary::find_primary;
pub use verify::Verification;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// An event as it is stored.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredEvent {
    pub position: i64,
    pub stream_id: Uuid,
    pub version: i64,
    pub event_id: Uuid,
    pub event_type: String,
    pub schema_version: i32,
    pub payload: serde_json::Value,
    pub actor_id: Option<Uuid>,
    pub command_id: Uuid,
    pub correlation_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub hash: String,
    pub prev_hash: Option<String>,
}

#[derive(Clone, Debug)]
pub struct EventStore {
    pool: PgPool,
    /// Whether `NOTIFY` is sent inside the append transaction (see
    /// `Config::notify_in_transaction`).
    notify_in_transaction: bool,
    /// The group-commit writers, started with the first append (a store
    /// can be made outside a runtime).
    committer: Arc<OnceLock<Committer>>,
    /// The shared rate limit's batched takes, started with the first.
    buckets: Arc<OnceLock<Buckets>>,
}

impl EventStore {
    pub fn new(pool: PgPool) -> Self {
        EventStore {
            pool,
            notify_in_transaction: true,
            committer: Arc::default(),
            buckets: Arc::default(),
        }
    }

    pub fn notifying_in_transaction(self, inside: bool) -> Self {
        EventStore {
            notify_in_transaction: inside,
            committer: Arc::default(),
            ..self
        }
    }

    fn committer(&self) -> &Committer {
        self.committer
            .get_or_init(|| Committer::start(self.pool.clone(), self.notify_in_transaction))
    }

    fn buckets(&self) -> &Buckets {
        self.buckets
            .get_or_init(|| Buckets::start(self.pool.clone()))
    }

    /// Connects to `url`, creating the database when it does not exist yet.
    /// A URL of several hosts is followed to its primary; see [`primary`].
    pub async fn connect(url: &str, pool_size: u32) -> Result<Self, StoreError> {
        let hosts = primary::hosts(url);
        if hosts.len() == 1 {
            let pool = Self::pool_on(url, pool_size, false).await?;
            return Ok(EventStore::new(pool));
        }
        let url = primary::find_primary(&hosts)
            .await
            .ok_or_else(|| StoreError::Database(sqlx::Error::PoolTimedOut))?;
        let pool = Self::pool_on(&url, pool_size, true).await?;
        primary::follow(pool.clone(), hosts, url);
        Ok(EventStore::new(pool))
    }

    async fn pool_on(url: &str, pool_size: u32, primary_only: bool) -> Result<PgPool, StoreError> {
        if !sqlx::Postgres::database_exists(url).await? {
            // Two instances may race to create it; the loser finds it there.
            if let Err(error) = sqlx::Postgres::create_database(url).await {
                if !sqlx::Postgres::database_exists(url).await? {
                    return Err(error.into());
                }
            }
        }
        // No ping before every acquire: a broken connection fails its
        // query, and the commands' callers retry with the same command id.
        let mut options = PgPoolOptions::new()
            .max_connections(pool_size)
            .test_before_acquire(false);
        if primary_only {
            // A host that became a standby must not take the next write.
            options = options.after_connect(|connection, _| {
                Box::pin(async move {
                    if primary::is_primary(connection).await {
                        Ok(())
                    } else {
                        Err(sqlx::Error::Protocol(
                            "this host is in recovery, not a primary".into(),
                        ))
                    }
                })
            });
        }
        Ok(options.connect(url).await?)
    }

    /// Runs pending migrations under a PostgreSQL advisory lock, so that
    /// instances starting together migrate one after another: the first
    /// applies what is pending, the others find nothing left to do. sqlx's
    /// migrator takes `pg_advisory_lock` (keyed on the database name) on one
    /// connection of the pool when `locking` is set; it is set by default,
    /// and set here again so that no change of default can drop it.
    /// `tests/deploy/migrations.rs` starts several `werkplaats migrate` at
    /// once on a fresh database.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("./migrations");
        migrator.set_locking(true);
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Tells every instance (this one included) a presence message.
    pub async fn publish_presence(&self, message: &str) -> Result<(), StoreError> {
        sqlx::query("select pg_notify($1, $2)")
            .bind(PRESENCE_CHANNEL)
            .bind(message)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Wakes the followers of each `(stream, version)` on every instance, in one
/// statement after the commit, when the store is told not to notify inside
/// the transaction (where writers queue on the global lock `NOTIFY` takes
/// at commit). A wake-up only: should it fail, or the
/// process die first, followers find the events on their next poll.
async fn notify_streams(own: &mut own::Own, changed: impl Iterator<Item = (Uuid, i64)>) {
    let payloads: Vec<String> = changed
        .map(|(stream, version)| format!("{stream}:{version}"))
        .collect();
    if payloads.is_empty() {
        return;
    }
    let sent = async {
        sqlx::query("select pg_notify($1, payload) from unnest($2::text[]) as payload")
            .bind(CHANNEL)
            .bind(payloads)
            .execute(own.get().await?)
            .await
    }
    .await;
    let sent = own.after(sent);
    if let Err(error) = sent {
        tracing::warn!(%error, "NOTIFY after an append failed; followers will poll");
    }
}
