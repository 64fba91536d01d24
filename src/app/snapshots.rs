//! Snapshots: folded werkplaatsen kept in memory so that a load folds only
//! the events after the nearest one instead of the whole stream.
//!
//! This is a cache and nothing more. It lives in one instance's memory, is
//! bounded (least recently used snapshots go first), can be dropped at any
//! moment, and is never trusted over the events: every load re-reads the
//! last event a snapshot contains and drops the werkplaats's snapshots when
//! that event is gone or its hash differs (the hash chains every earlier
//! event in, so a rewritten history does not survive in here).
//!
//! Two kinds of entry share one map:
//! - every `every` events a fold passes, the fold so far (so a read of any
//!   version folds fewer than `every` events);
//! - per werkplaats, the furthest fold any load reached (its "head"), so
//!   that a command, which loads the newest state, folds only the events
//!   appended since. Safe across instances: events are only ever appended,
//!   the load reads everything after the head, and the store's version
//!   check refuses an append decided on a state that has since moved on.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use super::load::Loaded;
use super::WerkplaatsAt;
use crate::domain::State;
use crate::projections::WerkplaatsView;

/// The fold of a werkplaats's first `state.version` events. Member names
/// are left out: they live beside the stream and are read on every load.
pub(super) struct Snapshot {
    state: State,
    view: WerkplaatsView,
    /// The hash of event `version`, to check the snapshot against the store.
    hash: String,
}

impl Snapshot {
    pub fn version(&self) -> i64 {
        self.state.version
    }

    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// An owned copy to fold further events into.
    pub fn to_loaded(&self) -> Loaded {
        Loaded {
            state: self.state.clone(),
            at: WerkplaatsAt {
                view: self.view.clone(),
                names: Default::default(),
            },
        }
    }
}

struct Entry {
    snapshot: Arc<Snapshot>,
    /// When it was last used, for eviction.
    used: u64,
}

#[derive(Default)]
struct Inner {
    clock: u64,
    /// Ordered so that "the nearest at or below version n" is a range query.
    entries: BTreeMap<(Uuid, i64), Entry>,
    /// The version of each werkplaats's head entry.
    heads: HashMap<Uuid, i64>,
}

/// The snapshot cache of one instance; clones share it.
#[derive(Clone)]
pub(super) struct Snapshots {
    every: i64,
    capacity: usize,
    inner: Arc<Mutex<Inner>>,
}

impl Snapshots {
    /// A snapshot every `every` events (0: no snapshots and no heads), at
    /// most `capacity` of them in memory.
    pub fn new(every: u64, capacity: usize) -> Snapshots {
        Snapshots {
            every: i64::try_from(every).unwrap_or(i64::MAX),
            capacity: capacity.max(1),
            inner: Arc::default(),
        }
    }

    fn enabled(&self) -> bool {
        self.every > 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-made entry
        // (entries are inserted whole), so a poisoned cache is still sound.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot of `id` with the highest version at or below `up_to`.
    pub fn nearest(&self, id: Uuid, up_to: i64) -> Option<Arc<Snapshot>> {
        if !self.enabled() {
            return None;
        }
        let mut inner = self.lock();
        inner.clock += 1;
        let now = inner.clock;
        let (_, entry) = inner.entries.range_mut((id, 0)..=(id, up_to)).next_back()?;
        entry.used = now;
        Some(entry.snapshot.clone())
    }

    /// Called by a fold after each event: keeps a snapshot when the fold
    /// has just passed a multiple of `every` and none is kept for it yet.
    pub fn passed(&self, id: Uuid, state: &State, view: &WerkplaatsView, hash: &str) {
        let version = state.version;
        if !self.enabled() || version % self.every != 0 {
            return;
        }
        if self.lock().entries.contains_key(&(id, version)) {
            return;
        }
        self.insert(id, state, view, hash);
    }

    /// Called at the end of a load: keeps the fold as the werkplaats's head
    /// when it reaches further than the head kept so far.
    pub fn reached(&self, id: Uuid, state: &State, view: &WerkplaatsView, hash: &str) {
        let version = state.version;
        if !self.enabled() {
            return;
        }
        let kept = {
            let inner = self.lock();
            if version <= inner.heads.get(&id).copied().unwrap_or(0) {
                return;
            }
            inner.entries.contains_key(&(id, version))
        };
        if !kept {
            self.insert(id, state, view, hash);
        }
        let mut inner = self.lock();
        let previous = inner.heads.insert(id, version);
        // The old head goes, unless it is also a regular snapshot.
        if let Some(previous) = previous.filter(|p| *p < version && p % self.every != 0) {
            inner.entries.remove(&(id, previous));
        }
    }

    /// Drops every snapshot of `id`: its stream no longer matches them.
    pub fn forget(&self, id: Uuid) {
        let mut inner = self.lock();
        inner.entries.retain(|(stream, _), _| *stream != id);
        inner.heads.remove(&id);
    }

    fn insert(&self, id: Uuid, state: &State, view: &WerkplaatsView, hash: &str) {
        // Cloned outside the lock: a large werkplaats takes a while to copy.
        let snapshot = Arc::new(Snapshot {
            state: state.clone(),
            view: view.clone(),
            hash: hash.to_owned(),
        });
        let mut inner = self.lock();
        inner.clock += 1;
        let used = inner.clock;
        inner
            .entries
            .insert((id, snapshot.version()), Entry { snapshot, used });
        while inner.entries.len() > self.capacity {
            // Linear in the capacity, but only on insertion, which happens
            // once per `every` events folded.
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.used)
                .map(|(key, _)| *key)
            else {
                break;
            };
            inner.entries.remove(&oldest);
            if inner.heads.get(&oldest.0) == Some(&oldest.1) {
                inner.heads.remove(&oldest.0);
            }
        }
    }
}
