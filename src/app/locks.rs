//! One writer per werkplaats at a time within this instance.
//!
//! Correctness never depends on this lock: the store checks the expected
//! version of every append, across any number of instances. The lock only
//! keeps the commands of one instance from racing each other for the same
//! stream, where the losers would decide again and again — under many
//! concurrent writers some would give up. Queued behind a fair mutex, each
//! command decides once on the newest state; only commands from other
//! instances can still make it decide again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use uuid::Uuid;

#[derive(Clone, Default)]
pub(super) struct StreamLocks {
    locks: Arc<Mutex<HashMap<Uuid, Arc<AsyncMutex<()>>>>>,
}

impl StreamLocks {
    /// Waits for the turn to write `stream`.
    pub async fn lock(&self, stream: Uuid) -> OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self
                .locks
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // Forget the locks nobody holds or waits for, so the map stays
            // as small as the number of werkplaatsen being written right now.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            locks.entry(stream).or_default().clone()
        };
        lock.lock_owned().await
    }
}
