//! The newest fold of each werkplaats being written, kept for its next
//! command.
//!
//! A command decides on the werkplaats as it is now. Reading the stream to
//! find out would cost a round trip per command; instead the writer keeps
//! the fold its last command left, with the hash of the last event, and
//! the append checks both against the stream's head in the same statement
//! that writes: when another instance appended meanwhile, the append is
//! refused, the writer reads only the events since (checking that they
//! chain to the hash it kept) and decides again. A head is taken out while
//! a command uses it, under the stream's lock, so its fold is changed in
//! place: the read model is shared with readers through an `Arc` and copied
//! only when a reader still holds the previous version.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::load::{decode, head_of, Loaded};
use super::{changes_names, App, AppError, WerkplaatsAt};
use crate::domain::{Event, State};
use crate::projections::Recorded;
use crate::store::Head;

/// How many events one read fetches while catching up.
const BATCH: i64 = 5_000;

/// A werkplaats folded up to its newest event.
pub(super) struct WriteHead {
    pub state: State,
    pub at: Arc<WerkplaatsAt>,
    /// The last event folded.
    pub head: Head,
}

impl WriteHead {
    pub fn new(loaded: Loaded, head: Head) -> WriteHead {
        WriteHead {
            state: loaded.state,
            at: Arc::new(loaded.at),
            head,
        }
    }

    /// Folds the next event.
    pub fn push(&mut self, recorded: Recorded<'_>) {
        self.state.apply(recorded.event);
        Arc::make_mut(&mut self.at).view.apply(recorded);
    }
}

#[derive(Clone)]
pub(super) struct WriteHeads {
    heads: Arc<Mutex<HashMap<Uuid, WriteHead>>>,
    /// Werkplaatsen whose head is kept at most; past that an arbitrary one
    /// goes (its next command folds it from the nearest snapshot).
    capacity: usize,
}

impl WriteHeads {
    pub fn new(capacity: usize) -> WriteHeads {
        WriteHeads {
            heads: Arc::default(),
            capacity: capacity.max(1),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, WriteHead>> {
        // Heads are inserted and removed whole: a poisoned map is sound.
        self.heads.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn take(&self, stream: Uuid) -> Option<WriteHead> {
        self.lock().remove(&stream)
    }

    pub fn keep(&self, stream: Uuid, head: WriteHead) {
        let mut heads = self.lock();
        if heads.len() >= self.capacity && !heads.contains_key(&stream) {
            if let Some(other) = heads.keys().next().copied() {
                heads.remove(&other);
            }
        }
        heads.insert(stream, head);
    }
}

impl App {
    /// The werkplaats as it is now, for a command: the kept head, or a
    /// fold of the stream. `None` when the werkplaats does not exist.
    pub(super) async fn write_head(&self, stream: Uuid) -> Result<Option<WriteHead>, AppError> {
        match self.heads.take(stream) {
            Some(head) => Ok(Some(head)),
            None => self.fold_head(stream).await,
        }
    }

    /// The stream folded from its nearest snapshot, as a head.
    async fn fold_head(&self, stream: Uuid) -> Result<Option<WriteHead>, AppError> {
        Ok(self
            .load_with_head(stream, i64::MAX)
            .await?
            .map(|(loaded, head)| WriteHead::new(loaded, head)))
    }

    /// Folds the events appended (by another instance) since `head`. When
    /// they do not chain to the kept head, the stream is not the one the
    /// head was folded from, and it is folded anew.
    pub(super) async fn catch_up_head(
        &self,
        stream: Uuid,
        mut head: WriteHead,
    ) -> Result<WriteHead, AppError> {
        let mut renamed = false;
        let mut first_batch = true;
        loop {
            let batch = self
                .store
                .read_stream(stream, head.state.version, i64::MAX, BATCH)
                .await?;
            let forked = match batch.first() {
                // The append was refused for its version, yet nothing
                // follows the kept head: the table's history is shorter
                // than what was kept (a failover to a standby that missed
                // the last events rewound it).
                None if first_batch => true,
                None => break,
                Some(first) => first.prev_hash.as_deref() != Some(head.head.hash.as_str()),
            };
            if forked {
                crate::ops::metrics::fork_detected();
                tracing::warn!(
                    werkplaats = %stream,
                    kept_version = head.state.version,
                    "the stored history is not the one kept in memory; folding it again from the table"
                );
                return self.fold_head(stream).await?.ok_or(AppError::NotFound);
            }
            first_batch = false;
            for stored in &batch {
                let event: Event = decode(stored)?;
                renamed |= changes_names(&stored.event_type);
                head.push(Recorded {
                    version: stored.version,
                    recorded_at: stored.recorded_at,
                    actor: stored.actor_id,
                    event: &event,
                });
                head.head = head_of(stored);
            }
            if (batch.len() as i64) < BATCH {
                break;
            }
        }
        if renamed {
            Arc::make_mut(&mut head.at).names = self.store.member_names(stream).await?;
        }
        Ok(head)
    }
}
