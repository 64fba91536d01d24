//! A cache of token lookups, so that a request does not cost a round trip
//! to find out who sent it.
//!
//! Tokens are only ever revoked by removing, forgetting or re-issuing a
//! member, and each of those announces the member on `werkplaats_access`
//! inside its transaction: every instance hears it at the commit and drops
//! that member's entries; the instance that revoked drops them before it
//! answers. When notifications may have been missed (the listener
//! reconnected, or lagged behind) the whole cache goes. A lookup that raced
//! with a revocation is not kept: each one remembers the cache's generation
//! when it started and is stored only if nothing was dropped since. Entries
//! also age out, bounding what any loss we did not foresee could cost.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::broadcast::{self, error::RecvError};
use uuid::Uuid;

use crate::store::{AccessWake, TokenOwner};

/// How long a looked-up token is trusted without asking again.
const MAX_AGE: Duration = Duration::from_secs(60);

/// Tokens kept at most; past that the cache starts over.
const CAPACITY: usize = 100_000;

#[derive(Default)]
struct Inner {
    /// Counts the drops, so that a lookup that began before one is not kept.
    generation: u64,
    owners: HashMap<[u8; 32], (TokenOwner, Instant)>,
}

/// What the cache knows of a token.
pub(super) enum Cached {
    Owner(TokenOwner),
    /// Not known: look it up, then [`TokenCache::keep`] it with this
    /// generation.
    Unknown(u64),
}

#[derive(Clone, Default)]
pub(super) struct TokenCache {
    inner: Arc<Mutex<Inner>>,
}

impl TokenCache {
    /// A cache that follows the access changes of every instance.
    pub fn start(mut changes: broadcast::Receiver<AccessWake>) -> TokenCache {
        let cache = TokenCache::default();
        let follower = cache.clone();
        tokio::spawn(async move {
            loop {
                match changes.recv().await {
                    Ok(AccessWake::Member(member_id)) => follower.forget(member_id),
                    Ok(AccessWake::Everyone) | Err(RecvError::Lagged(_)) => follower.clear(),
                    Err(RecvError::Closed) => return,
                }
            }
        });
        cache
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Entries are inserted and removed whole: a poisoned cache is sound.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn get(&self, token_hash: &[u8; 32]) -> Cached {
        let inner = self.lock();
        match inner.owners.get(token_hash) {
            Some((owner, at)) if at.elapsed() < MAX_AGE => Cached::Owner(*owner),
            _ => Cached::Unknown(inner.generation),
        }
    }

    /// Keeps a lookup that began at `generation`, unless a drop came since.
    pub fn keep(&self, token_hash: [u8; 32], owner: TokenOwner, generation: u64) {
        let mut inner = self.lock();
        if inner.generation != generation {
            return;
        }
        if inner.owners.len() >= CAPACITY {
            inner.owners.clear();
        }
        inner.owners.insert(token_hash, (owner, Instant::now()));
    }

    /// Drops every token of `member_id`.
    pub fn forget(&self, member_id: Uuid) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner
            .owners
            .retain(|_, (owner, _)| owner.member_id != member_id);
    }

    fn clear(&self) {
        let mut inner = self.lock();
        inner.generation += 1;
        inner.owners.clear();
    }
}
