//! The per-caller rate limit on mutations: a token bucket, kept as the
//! generic cell rate algorithm (GCRA).
//!
//! A caller may spend `burst` mutations at once; the bucket refills at
//! `per_second`. GCRA keeps one instant per caller — the "theoretical
//! arrival time" at which the bucket would be full again — instead of a
//! count and a timestamp, so a check is one comparison and one store under
//! a lock, with no timer. Callers whose bucket is full again are forgotten,
//! so the map holds only those who spent something recently.
//!
//! The key is the [`Caller`]: a member holds one token at a time, so this is
//! a limit per token that rotating the token does not reset. The admin is
//! limited like everyone else; anonymous callers are refused before they
//! could write anything. The state is in memory, per instance: behind a load
//! balancer a caller gets `burst` per instance, which bounds the load each
//! instance takes, the purpose of this limit. (The `governor` crate does the
//! same; these forty lines spare a dependency and its keyed-store API.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::time::Instant;
use uuid::Uuid;

use super::Caller;

/// Forget full buckets once this many callers are kept.
const PRUNE_ABOVE: usize = 1_024;

/// Who is counted: a member, or the admin. ([`Caller`] also names the
/// member's werkplaats, which adds nothing to who they are.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CallerKey(Option<Uuid>);

impl From<Caller> for CallerKey {
    fn from(caller: Caller) -> CallerKey {
        match caller {
            Caller::Admin => CallerKey(None),
            Caller::Member { member_id, .. } => CallerKey(Some(member_id)),
        }
    }
}

#[derive(Clone)]
pub struct RateLimiter {
    burst: u32,
    /// Time to refill one mutation.
    interval: Duration,
    /// Time to refill the whole bucket: `burst` intervals.
    capacity: Duration,
    /// Per caller: when their bucket is full again.
    full_at: Arc<Mutex<HashMap<CallerKey, Instant>>>,
}

impl RateLimiter {
    /// `burst` mutations at once, refilled at `per_second` (both at least 1).
    pub fn new(burst: u32, per_second: u32) -> RateLimiter {
        let burst = burst.max(1);
        let interval = Duration::from_secs(1) / per_second.max(1);
        RateLimiter {
            burst,
            interval,
            capacity: interval * burst,
            full_at: Arc::default(),
        }
    }

    /// Most mutations one request may spend: a request of more could never
    /// be let through.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Takes `cost` mutations (at most [`RateLimiter::burst`]) from the
    /// caller's bucket, or, when there are not that many, takes none and
    /// says how long until there will be.
    pub fn check(&self, caller: CallerKey, cost: u32) -> Result<(), Duration> {
        self.check_at(caller, cost, Instant::now())
    }

    fn check_at(&self, caller: CallerKey, cost: u32, now: Instant) -> Result<(), Duration> {
        let cost = self.interval * cost;
        let mut full_at = self.full_at.lock().expect("the rate limiter lock");
        let current = full_at.get(&caller).copied().filter(|t| *t > now);
        let spent = current.map_or(Duration::ZERO, |t| t - now);
        if spent + cost > self.capacity {
            return Err(spent + cost - self.capacity);
        }
        if full_at.len() >= PRUNE_ABOVE {
            full_at.retain(|_, t| *t > now);
        }
        full_at.insert(caller, now + spent + cost);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> CallerKey {
        CallerKey::from(Caller::Member {
            member_id: Uuid::new_v4(),
            werkplaats_id: Uuid::new_v4(),
        })
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_burst_then_the_refill_rate() {
        let limiter = RateLimiter::new(3, 2);
        let (caller, start) = (member(), Instant::now());
        for _ in 0..3 {
            assert_eq!(limiter.check_at(caller, 1, start), Ok(()));
        }
        assert_eq!(limiter.check_at(caller, 1, start), Err(ms(500)));
        assert_eq!(limiter.check_at(caller, 1, start + ms(499)), Err(ms(1)));
        assert_eq!(limiter.check_at(caller, 1, start + ms(500)), Ok(()));
        assert!(limiter.check_at(caller, 1, start + ms(500)).is_err());
    }

    #[test]
    fn callers_have_their_own_buckets_and_the_admin_has_one_too() {
        let limiter = RateLimiter::new(1, 1);
        let (one, other, now) = (member(), member(), Instant::now());
        assert_eq!(limiter.check_at(one, 1, now), Ok(()));
        assert!(limiter.check_at(one, 1, now).is_err());
        assert_eq!(limiter.check_at(other, 1, now), Ok(()));
        let admin = CallerKey::from(Caller::Admin);
        assert_eq!(limiter.check_at(admin, 1, now), Ok(()));
        assert!(limiter.check_at(admin, 1, now).is_err());
    }

    #[test]
    fn a_refused_cost_takes_nothing() {
        let limiter = RateLimiter::new(4, 1);
        let (caller, now) = (member(), Instant::now());
        assert_eq!(limiter.check_at(caller, 3, now), Ok(()));
        assert_eq!(
            limiter.check_at(caller, 2, now),
            Err(Duration::from_secs(1))
        );
        assert_eq!(limiter.check_at(caller, 1, now), Ok(()));
        assert_eq!(limiter.burst(), 4);
    }

    #[test]
    fn full_buckets_are_forgotten() {
        let limiter = RateLimiter::new(1, 1000);
        let start = Instant::now();
        for _ in 0..PRUNE_ABOVE {
            limiter.check_at(member(), 1, start).unwrap();
        }
        limiter.check_at(member(), 1, start + ms(2)).unwrap();
        assert_eq!(limiter.full_at.lock().unwrap().len(), 1);
    }
}
