//! The per-caller rate limit on mutations: a token bucket, kept as the
//! generic cell rate algorithm (GCRA).
//!
//! A caller may spend `burst` mutations at once; the bucket refills at
//! `per_second`. GCRA keeps one instant per caller — the "theoretical
//! arrival time" at which the bucket would be full again — instead of a
//! count and a timestamp, so a check is one comparison and one store, with
//! no timer.
//!
//! The key is the [`Caller`]: a member holds one token at a time, so this is
//! a limit per token that rotating the token does not reset. The admin is
//! limited like everyone else; anonymous callers are refused before they
//! could write anything.
//!
//! **Across instances.** Behind a load balancer a bucket per instance would
//! give a token `burst` per instance, and N times the rate. So a server's
//! limiter keeps the buckets in PostgreSQL, the one thing its instances
//! share ([`EventStore::take_from_bucket`]): each checked request is an
//! upsert on the caller's row that does the same comparison in SQL, on the
//! database's clock. That is exact (concurrent requests of one caller queue
//! on its row lock) and needs no new service. The requests of different
//! callers waiting at the same moment share one statement, one round trip
//! and one transaction (the store batches them, as it batches appends), so
//! under load the check costs a fraction of a round trip per mutation;
//! queries pay nothing. Leasing budget to instances in chunks would save
//! more but let a token exceed its burst by up to a chunk per instance; the
//! limit is there to be exact across instances. The table is unlogged (no
//! WAL per mutation): a crash or failover that empties it gives each token
//! at most one more burst.
//!
//! **With the append.** A request that is one command and nothing else
//! does not take its charge before it runs: it carries a [`Charge`] to the
//! append, whose statement takes it from the bucket before it checks the
//! command, in the same transaction (`append_commands`). That saves the
//! command a round trip it would wait for, and a charge that does not fit
//! still writes nothing. A request that never reaches an append (refused
//! by a rule, a replay, invalid input) settles its charge when it is done
//! ([`Charge::settle`]), so it costs the same as before.
//!
//! When the database fails or does not answer within [`SHARED_TIMEOUT`],
//! the check falls back to this instance's own buckets, the per-instance
//! limit of before, and logs a warning (at most one every ten seconds, with
//! how many it held back): the mutation will most likely fail
//! on its append anyway, and refusing it as `RATE_LIMITED` would tell the
//! client the wrong thing. The local buckets are also all there is for a
//! schema without a store (`werkplaats schema`, unit tests). Callers whose
//! local bucket is full again are forgotten, so that map holds only those
//! who spent something recently.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::time::Instant;
use uuid::Uuid;

use super::Caller;
use crate::ops::logging::Throttle;
use crate::store::{BucketCharge, EventStore};

/// Longest a check waits for the shared bucket before it falls back to the
/// local one.
pub const SHARED_TIMEOUT: Duration = Duration::from_secs(2);

/// A limiter warns of its fallback at most once per this long.
const WARN_EVERY: Duration = Duration::from_secs(10);

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

impl CallerKey {
    /// The caller as the shared limits' tables name them: the member id,
    /// or the nil UUID for the admin (member ids are random, never nil).
    pub fn shared_id(self) -> Uuid {
        self.0.unwrap_or_else(Uuid::nil)
    }
}

#[derive(Clone)]
pub struct RateLimiter {
    burst: u32,
    /// Time to refill one mutation.
    interval: Duration,
    /// Time to refill the whole bucket: `burst` intervals.
    capacity: Duration,
    /// Where every instance keeps the buckets; `None` for a schema without
    /// a store.
    shared: Option<EventStore>,
    /// Per caller: when their bucket on this instance is full again.
    full_at: Arc<Mutex<HashMap<CallerKey, Instant>>>,
    /// The fallback's warning, said at most every [`WARN_EVERY`]: while the
    /// database is down every mutation request would say it.
    warnings: Arc<Throttle>,
}

impl RateLimiter {
    /// `burst` mutations at once, refilled at `per_second` (both at least
    /// 1, and at most a million a second: the shared buckets count in
    /// PostgreSQL's microseconds), counted on this instance only.
    pub fn new(burst: u32, per_second: u32) -> RateLimiter {
        let burst = burst.max(1);
        let interval = (Duration::from_secs(1) / per_second.max(1)).max(Duration::from_micros(1));
        RateLimiter {
            burst,
            interval,
            capacity: interval * burst,
            shared: None,
            full_at: Arc::default(),
            warnings: Arc::new(Throttle::new(WARN_EVERY)),
        }
    }

    /// The same limit, counted for all instances on `store`'s database.
    pub fn shared(self, store: EventStore) -> RateLimiter {
        RateLimiter {
            shared: Some(store),
            ..self
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
    pub async fn check(&self, caller: CallerKey, cost: u32) -> Result<(), Duration> {
        if let Some(store) = &self.shared {
            let take =
                store.take_from_bucket(caller.shared_id(), self.interval * cost, self.capacity);
            let error = match tokio::time::timeout(SHARED_TIMEOUT, take).await {
                Ok(Ok(taken)) => return taken,
                Ok(Err(error)) => error.to_string(),
                Err(_) => "no answer in time".to_owned(),
            };
            self.warnings.warn(
                &error,
                "the shared mutation bucket failed; counting on this instance",
            );
        }
        self.check_at(caller, cost, Instant::now())
    }

    /// A charge of `cost` to `caller` that goes with the request's append
    /// instead of being taken now; `None` when this limiter counts on this
    /// instance only (an append cannot take from its buckets).
    pub fn defer(&self, caller: CallerKey, cost: u32) -> Option<Charge> {
        self.shared.as_ref()?;
        Some(Charge {
            limiter: self.clone(),
            caller,
            cost,
            state: Arc::default(),
        })
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

/// A request's charge on its way to an append ([`RateLimiter::defer`]).
/// Clones share whether it was taken.
#[derive(Clone)]
pub struct Charge {
    limiter: RateLimiter,
    caller: CallerKey,
    cost: u32,
    state: Arc<Mutex<Spent>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Spent {
    #[default]
    Pending,
    Taken,
    Refused(Duration),
}

impl Charge {
    /// The take for the next append, unless an earlier one took it.
    pub fn bucket(&self) -> Option<BucketCharge> {
        (self.spent() == Spent::Pending).then(|| BucketCharge {
            caller: self.caller.shared_id(),
            cost: self.limiter.interval * self.cost,
            capacity: self.limiter.capacity,
        })
    }

    /// An append took it (`Ok`) or found it did not fit (`Err`, with the
    /// wait); either way it is not taken again.
    pub fn record(&self, taken: Result<(), Duration>) {
        *self.lock() = match taken {
            Ok(()) => Spent::Taken,
            Err(wait) => Spent::Refused(wait),
        };
    }

    /// Takes it now unless an append did; `Err` with the wait when it does
    /// not fit, now or in the append.
    pub async fn settle(&self) -> Result<(), Duration> {
        match self.spent() {
            Spent::Taken => Ok(()),
            Spent::Refused(wait) => Err(wait),
            Spent::Pending => {
                let taken = self.limiter.check(self.caller, self.cost).await;
                self.record(taken);
                taken
            }
        }
    }

    fn spent(&self) -> Spent {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Spent> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
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

    /// A store whose database refuses connections at once.
    fn unreachable() -> EventStore {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(ms(500))
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap();
        EventStore::new(pool)
    }

    #[tokio::test]
    async fn without_the_database_the_instance_counts_on_its_own() {
        let limiter = RateLimiter::new(2, 1).shared(unreachable());
        let caller = member();
        assert_eq!(limiter.check(caller, 2).await, Ok(()));
        assert!(limiter.check(caller, 1).await.is_err());
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
