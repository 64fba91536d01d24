//! The per-token limits' shared state (`migrations/*_shared_limits.sql`):
//! mutation buckets, and the websockets each instance holds open. What the
//! numbers mean is decided above (`app::RateLimiter`, `api::limits`); here
//! each operation is the fewest statements that keep it right when every
//! instance does it at once.
//!
//! A caller is a member id, or [`Uuid::nil`] for the admin. All times are
//! the database's `now()`: one clock for every instance, so their clocks
//! may disagree without anyone gaining budget.

use std::collections::VecDeque;
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::own::Own;
use super::{EventStore, StoreError};

/// Takes `cost` from each caller's bucket if `cost` fits under `$3`, the
/// capacity (GCRA: `full_at` is when the bucket is full again; what it holds
/// is `capacity - (full_at - now)`), for several callers in one upsert, so
/// concurrent requests of one caller on any instance queue on its row and
/// none is counted twice. A refused request leaves `full_at` as it was and
/// is answered with how long until `cost` would fit. The callers are
/// distinct (a row cannot be upserted twice in one statement) and locked
/// in their order, so two instances' statements never wait for each other
/// in a circle. Inside `on conflict`, `excluded.full_at - now()` is the
/// row's own cost: `now()` is the same throughout a statement.
const TAKE: &str = "\
with input as (\
    select * from unnest($1::uuid[], $2::interval[]) with ordinality as i (caller, cost, n)), \
taken as (\
    insert into rate_buckets as bucket (caller, full_at, passed) \
    select caller, now() + cost, true from input order by caller \
    on conflict (caller) do update set \
        passed = greatest(bucket.full_at, now()) + (excluded.full_at - now()) <= now() + $3, \
        full_at = case \
            when greatest(bucket.full_at, now()) + (excluded.full_at - now()) <= now() + $3 \
            then greatest(bucket.full_at, now()) + (excluded.full_at - now()) \
            else bucket.full_at end \
    returning caller, passed, full_at) \
select t.passed, case when t.passed then 0::bigint \
    else ceil(extract(epoch from t.full_at + i.cost - $3 - now()) * 1000000)::bigint end \
from input i join taken t using (caller) order by i.n";

/// Most callers in one statement.
const MAX_TAKES: usize = 64;

/// Whether a take passed, or how long until it could.
type Taken = Result<Result<(), Duration>, StoreError>;

struct Take {
    caller: Uuid,
    cost: Duration,
    capacity: Duration,
    reply: oneshot::Sender<Taken>,
}

/// The queue to this instance's bucket task. Every mutation request takes
/// from a bucket, so the takes waiting at one moment share one statement,
/// as commands share a group commit: one round trip and one transaction
/// for all of them, on a connection of the task's own.
#[derive(Debug)]
pub(super) struct Buckets {
    queue: mpsc::Sender<Take>,
}

impl Buckets {
    pub fn start(pool: PgPool) -> Buckets {
        let (queue, receiver) = mpsc::channel(4 * MAX_TAKES);
        tokio::spawn(take_in_turn(Own::new(pool), receiver));
        Buckets { queue }
    }
}

async fn take_in_turn(mut own: Own, mut receiver: mpsc::Receiver<Take>) {
    let mut waiting: VecDeque<Take> = VecDeque::new();
    loop {
        if waiting.is_empty() {
            match receiver.recv().await {
                Some(take) => waiting.push_back(take),
                None => return,
            }
        }
        while waiting.len() < 4 * MAX_TAKES {
            match receiver.try_recv() {
                Ok(take) => waiting.push_back(take),
                Err(_) => break,
            }
        }
        // A caller's second take, or one against another capacity, waits
        // for the next statement, in its turn.
        let capacity = waiting.front().map_or(Duration::ZERO, |t| t.capacity);
        let mut batch: Vec<Take> = Vec::new();
        let mut later = VecDeque::new();
        for take in waiting.drain(..) {
            if batch.len() < MAX_TAKES
                && take.capacity == capacity
                && !batch.iter().any(|b| b.caller == take.caller)
            {
                batch.push(take);
            } else {
                later.push_back(take);
            }
        }
        waiting = later;
        let taken = async { take_all(own.get().await?, &batch, capacity).await }.await;
        match own.after(taken) {
            Ok(rows) if rows.len() == batch.len() => {
                for (take, (passed, wait_micros)) in batch.into_iter().zip(rows) {
                    let taken = match passed {
                        true => Ok(()),
                        false => Err(Duration::from_micros(wait_micros.max(1).unsigned_abs())),
                    };
                    // The request may have stopped waiting; nothing to undo.
                    let _ = take.reply.send(Ok(taken));
                }
            }
            Ok(_) => reply_all(batch, || sqlx::Error::RowNotFound),
            Err(error) => {
                let message = error.to_string();
                reply_all(batch, || sqlx::Error::Protocol(message.clone()))
            }
        }
    }
}

async fn take_all(
    connection: &mut PgConnection,
    batch: &[Take],
    capacity: Duration,
) -> Result<Vec<(bool, i64)>, sqlx::Error> {
    sqlx::query_as(TAKE)
        .bind(batch.iter().map(|t| t.caller).collect::<Vec<_>>())
        .bind(batch.iter().map(|t| t.cost).collect::<Vec<_>>())
        .bind(capacity)
        .fetch_all(connection)
        .await
}

fn reply_all(batch: Vec<Take>, error: impl Fn() -> sqlx::Error) {
    for take in batch {
        let _ = take.reply.send(Err(StoreError::Database(error())));
    }
}

impl EventStore {
    /// Takes `cost` from `caller`'s mutation bucket, or says how long until
    /// it could (then takes nothing). `cost` is at most `capacity`.
    pub async fn take_from_bucket(
        &self,
        caller: Uuid,
        cost: Duration,
        capacity: Duration,
    ) -> Taken {
        let (reply, answer) = oneshot::channel();
        let take = Take {
            caller,
            cost,
            capacity,
            reply,
        };
        let stopped = || StoreError::Database(sqlx::Error::PoolClosed);
        self.buckets()
            .queue
            .send(take)
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Records websocket `connection` of `instance` for `caller` if the
    /// caller has fewer than `max` open on the live instances. The count and
    /// the insert run under a transaction lock on the caller, so that two
    /// instances admitting the caller's last place at once wait for each
    /// other: the second statement sees the first one's row.
    pub async fn open_websocket(
        &self,
        instance: Uuid,
        connection: i64,
        caller: Uuid,
        max: i64,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "select pg_advisory_xact_lock(hashtext('werkplaats_websockets'), hashtext($1::text))",
        )
        .bind(caller)
        .execute(&mut *tx)
        .await?;
        // Counted over the instances seen within the TTL only.
        let inserted = sqlx::query(
            "insert into open_websockets (instance_id, connection_id, caller) \
             select $1, $2, $3 where (select count(*) from open_websockets w \
                 join limit_instances i using (instance_id) \
                 where w.caller = $3 and i.last_seen > now() - $5) < $4",
        )
        .bind(instance)
        .bind(connection)
        .bind(caller)
        .bind(max)
        .bind(ttl)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(inserted == 1)
    }

    /// Forgets a websocket that closed.
    pub async fn close_websocket(&self, instance: Uuid, connection: i64) -> Result<(), StoreError> {
        sqlx::query("delete from open_websockets where instance_id = $1 and connection_id = $2")
            .bind(instance)
            .bind(connection)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Says that `instance` lives. False when it is not registered (new, or
    /// deleted as dead, or the database lost its unlogged tables): then it
    /// must [`EventStore::register_websockets`].
    pub async fn instance_alive(&self, instance: Uuid) -> Result<bool, StoreError> {
        let updated =
            sqlx::query("update limit_instances set last_seen = now() where instance_id = $1")
                .bind(instance)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(updated == 1)
    }

    /// Registers `instance` as alive with exactly these open websockets
    /// (connection id, caller), replacing whatever it had recorded. They are
    /// open already, so no limit is checked.
    pub async fn register_websockets(
        &self,
        instance: Uuid,
        open: &[(i64, Uuid)],
    ) -> Result<(), StoreError> {
        let (connections, callers): (Vec<i64>, Vec<Uuid>) = open.iter().copied().unzip();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "insert into limit_instances (instance_id, last_seen) values ($1, now()) \
             on conflict (instance_id) do update set last_seen = now()",
        )
        .bind(instance)
        .execute(&mut *tx)
        .await?;
        sqlx::query("delete from open_websockets where instance_id = $1")
            .bind(instance)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into open_websockets (instance_id, connection_id, caller) \
             select $1, connection, caller from unnest($2::bigint[], $3::uuid[]) as o (connection, caller) \
             on conflict do nothing",
        )
        .bind(instance)
        .bind(connections)
        .bind(callers)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the instances not seen within `ttl` with their websockets,
    /// and the buckets that are full again, in one statement.
    pub async fn sweep_limits(&self, ttl: Duration) -> Result<(), StoreError> {
        sqlx::query(
            "with dead as (delete from limit_instances where last_seen < now() - $1 \
                 returning instance_id), \
             gone as (delete from open_websockets where instance_id in \
                 (select instance_id from dead)) \
             delete from rate_buckets where full_at < now()",
        )
        .bind(ttl)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
