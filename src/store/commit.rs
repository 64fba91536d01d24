//! Group commit: commands for different streams share one transaction.
//!
//! A commit costs PostgreSQL a WAL flush, and a command one round trip; both
//! are paid per group here, not per command, the way Kafka and EventStoreDB
//! batch their writes. There is no waiting to fill a group: one writer task
//! takes whatever commands are queued when it becomes free, so a lone
//! command goes at once, and under load the groups grow by themselves. One
//! writer rather than several: it makes the biggest groups, the fewest
//! commits and no two of them compete for PostgreSQL's commit-time
//! `NOTIFY` lock; `bench-write` measured one faster than two or four at 1,
//! 8 and 32 concurrent writers (at 8: 2,421 and 2,615 commands/s against
//! 2,243 and 2,431 with two, 1,963 and 2,167 with four, interleaved), and
//! a second group sent while the first commits lost too (3,072–3,404
//! against 3,566–4,040 through the whole path at 8). The
//! price: the next group waits while one waits, for a stream another
//! instance's group holds (one commit) or for the retries of a group that
//! failed as a whole (rare: a fault, or a command id used twice at once).
//!
//! Each command stays atomic, idempotent and isolated: `append_commands`
//! checks every command before writing any of its rows and reports a refused
//! one in its own row, so it never fails another. Should the group's
//! statement fail as a whole (a deadlock with another instance, a command id
//! used twice at once, a lost connection), nothing of it is written and
//! every command is tried once more on its own, answering its own result.
//! Within one instance a stream has one command in flight at a time (the
//! application's stream lock), and a group is ordered by stream, so groups
//! of several instances lock streams in one order.
//!
//! The writer writes on a connection of its own ([`Own`]), not one
//! borrowed from the pool for each group.

use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};

use super::append::{duplicate_or, write_group, AppendError, Appended, Prepared};
use super::own::Own;
use super::{notify_streams, StoreError};

/// Most commands in one group: bounds the statement and the time others
/// wait for a group's commit.
const MAX_GROUP: usize = 64;

/// Commands waiting for a writer.
const QUEUE: usize = 4 * MAX_GROUP;

type Reply = oneshot::Sender<Result<Appended, AppendError>>;

/// The queue to this instance's writer task; it ends when this is dropped.
#[derive(Debug)]
pub(super) struct Committer {
    queue: mpsc::Sender<(Prepared, Reply)>,
}

impl Committer {
    pub fn start(pool: PgPool, notify_in_transaction: bool) -> Committer {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write(pool, receiver, notify_in_transaction));
        Committer { queue }
    }

    /// Appends one command with the next group.
    pub async fn submit(&self, prepared: Prepared) -> Result<Appended, AppendError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((prepared, reply))
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> AppendError {
    AppendError::Store(StoreError::Database(sqlx::Error::PoolClosed))
}

async fn write(
    pool: PgPool,
    mut receiver: mpsc::Receiver<(Prepared, Reply)>,
    notify_in_transaction: bool,
) {
    let mut own = Own::new(pool.clone());
    loop {
        let mut group = Vec::new();
        match receiver.recv().await {
            Some(job) => group.push(job),
            None => return,
        }
        while group.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        group.sort_by_key(|(prepared, _)| prepared.request.stream_id);
        commit(&pool, &mut own, group, notify_in_transaction).await;
    }
}

async fn commit(
    pool: &PgPool,
    own: &mut Own,
    group: Vec<(Prepared, Reply)>,
    notify_in_transaction: bool,
) {
    let prepared: Vec<&Prepared> = group.iter().map(|(p, _)| p).collect();
    let written =
        async { write_group(own.get().await?, &prepared, notify_in_transaction).await }.await;
    let written = own.after(written);
    let outcomes: Vec<Result<Appended, AppendError>> = match written {
        Ok(rows) if rows.len() == group.len() => group
            .iter()
            .zip(&rows)
            .map(|((p, _), row)| p.outcome(row))
            .collect(),
        // Also a group of one: a twin of it with the same command id
        // that committed meanwhile is found by the second try.
        _ => {
            let mut outcomes = Vec::with_capacity(group.len());
            for (p, _) in &group {
                outcomes.push(alone(pool, p, notify_in_transaction).await);
            }
            outcomes
        }
    };
    if !notify_in_transaction {
        let committed = group
            .iter()
            .zip(&outcomes)
            .filter_map(|((p, _), outcome)| match outcome {
                Ok(Appended::Committed { last_version, .. }) => {
                    Some((p.request.stream_id, *last_version))
                }
                _ => None,
            });
        notify_streams(own, committed).await;
    }
    for ((_, reply), outcome) in group.into_iter().zip(outcomes) {
        // The command's client may have gone; its events are stored all the same.
        let _ = reply.send(outcome);
    }
}

async fn alone(
    pool: &PgPool,
    prepared: &Prepared,
    notify_in_transaction: bool,
) -> Result<Appended, AppendError> {
    let appended = match write_group(pool, &[prepared], notify_in_transaction).await {
        Ok(rows) => match rows.first() {
            Some(row) => prepared.outcome(row),
            None => Err(StoreError::Database(sqlx::Error::RowNotFound).into()),
        },
        Err(error) => Err(error.into()),
    };
    duplicate_or(pool, prepared, appended).await
}
