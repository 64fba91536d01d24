//! Following a werkplaats live: every stored event after a version, then
//! each new one, in order, with no gaps and no repeats.
//!
//! A follower first reads the table after the version it was asked for,
//! then takes new events from this instance's feed of the werkplaats
//! (`feed.rs`). It checks every event against the last version it
//! delivered: one it has already delivered is skipped, and a gap (the feed
//! dropped events because this follower was too slow) is filled by reading
//! the table again. The table is the truth; the feed only saves every
//! follower from polling it.
//!
//! When this instance's feed finds the stored history rewound under what it
//! sent (`feed.rs`), its followers end: what they delivered may no longer
//! be what is stored, and only the client can decide what to do about
//! that ([`Following::rewound`]).
//!
//! A follower says when it is caught up ([`Following::next_stored`] answers
//! `None`): from then on every subscriber of the werkplaats on this
//! instance receives the same events from the same feed, so the API can
//! render each of them once for all of them.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::feed::Feed;
use super::load::Loaded;
use super::{changes_names, App, AppError, Caller, EventRecord, PresenceGuard};
use crate::store::{StoreError, StoredEvent};

/// Events read from the table at a time.
const BATCH: i64 = 500;

/// One subscriber's place in a werkplaats's history.
pub struct Following {
    app: App,
    stream: Uuid,
    delivered: i64,
    pending: VecDeque<Arc<EventRecord>>,
    feed: Feed,
    /// While reading the table: the werkplaats folded up to what was read,
    /// for the actors' names and roles. Dropped once caught up; boxed, since
    /// a live follower waits without it for as long as it lives.
    werkplaats: Option<Box<Loaded>>,
    /// Whether the subscriber asked who caused each event. If not, the
    /// stored events need no fold, which is most of catching up.
    actors: bool,
    /// The next page of the table, being read while the last one is sent:
    /// the version it starts after, and the read.
    read_ahead: Option<(i64, AbortOnDrop)>,
    caught_up: bool,
    /// Counts the caller as present while the subscription lives.
    _presence: Option<PresenceGuard>,
}

impl App {
    /// Every event of werkplaats `id` after version `after`, stored ones
    /// first, then live ones; with who caused each when `actors` is asked.
    pub async fn follow(
        &self,
        caller: Option<Caller>,
        id: &str,
        after: i64,
        actors: bool,
    ) -> Result<Following, AppError> {
        let stream = self.visible_werkplaats(caller, id).await?;
        if after < 0 {
            return Err(AppError::BadInput("afterVersion must be at least 0".into()));
        }
        // Join the feed before the first read, so nothing appended in
        // between goes unseen.
        let feed = self.feed(stream);
        Ok(Following {
            app: self.clone(),
            stream,
            delivered: after,
            pending: VecDeque::new(),
            feed,
            werkplaats: None,
            actors,
            read_ahead: None,
            caught_up: false,
            _presence: self.present(caller, stream).await,
        })
    }
}

/// A page being read, stopped when the follower no longer wants it.
struct AbortOnDrop(JoinHandle<Result<Vec<StoredEvent>, StoreError>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Future for AbortOnDrop {
    type Output = Result<Vec<StoredEvent>, AppError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|read| match read {
            Ok(read) => read.map_err(AppError::from),
            Err(error) => Err(AppError::Internal(error.into())),
        })
    }
}

impl Following {
    /// The werkplaats followed.
    pub fn stream(&self) -> Uuid {
        self.stream
    }

    /// The last version delivered.
    pub fn delivered(&self) -> i64 {
        self.delivered
    }

    /// A second follower of the same werkplaats from the same place, for the
    /// same selection, that counts no one as present: it reads the table
    /// once to be sure it is caught up, then takes the feed.
    pub fn alongside(&self) -> Following {
        Following {
            app: self.app.clone(),
            stream: self.stream,
            delivered: self.delivered,
            pending: VecDeque::new(),
            feed: self.app.feed(self.stream),
            werkplaats: None,
            actors: self.actors,
            read_ahead: None,
            caught_up: false,
            _presence: None,
        }
    }

    /// Goes on after `delivered`, which someone else delivered for this
    /// follower meanwhile: what follows is read from the table first.
    pub fn skip_to(&mut self, delivered: i64) {
        if delivered > self.delivered {
            self.delivered = delivered;
            self.pending.clear();
            self.read_ahead = None;
            // A fold stands where this follower was: it starts anew.
            self.werkplaats = None;
            self.caught_up = false;
        }
    }

    /// Whether the stored history was found rewound under what this
    /// follower may have delivered: it delivers nothing more.
    pub fn rewound(&self) -> bool {
        self.feed.rewound()
    }

    /// Every event, waiting for new ones once the stored ones are
    /// delivered; it ends only when the history is [rewound](Self::rewound).
    pub fn into_stream(self) -> impl Stream<Item = Arc<EventRecord>> + Send + 'static {
        futures::stream::unfold(self, |mut f| async move {
            let record = f.next().await?;
            Some((record, f))
        })
    }

    /// The next event already stored when the follower reached it; `None`
    /// once it is caught up with this instance's feed, when every later
    /// event comes live (or when the history was rewound).
    pub async fn next_stored(&mut self) -> Option<Arc<EventRecord>> {
        loop {
            if self.rewound() {
                return None;
            }
            if let Some(record) = self.pending.pop_front() {
                self.delivered = record.stored.version;
                return Some(record);
            }
            if self.caught_up {
                return None;
            }
            // Boxed: a live follower waits in `next` for months, and its
            // future would otherwise always be as large as a table read.
            Box::pin(self.read_table()).await;
        }
    }

    /// The next event, stored or live; `None` once the history was rewound.
    pub async fn next(&mut self) -> Option<Arc<EventRecord>> {
        loop {
            if let Some(record) = self.next_stored().await {
                return Some(record);
            }
            if self.rewound() {
                return None;
            }
            let received = match self.feed.events.try_recv() {
                Err(TryRecvError::Empty) => self.feed.events.recv().await.map_err(|e| match e {
                    RecvError::Lagged(n) => TryRecvError::Lagged(n),
                    RecvError::Closed => TryRecvError::Closed,
                }),
                other => other,
            };
            match received {
                Ok(record) => self.take(record),
                // Dropped events for this follower: fill in from the table.
                Err(TryRecvError::Lagged(_)) => self.caught_up = false,
                Err(TryRecvError::Closed | TryRecvError::Empty) if !self.rewound() => {
                    self.feed = self.app.feed(self.stream);
                    self.caught_up = false;
                }
                Err(_) => return None,
            }
        }
    }

    /// Takes an event from the feed: the next one is delivered, one already
    /// delivered is skipped, a later one means a gap to fill from the table.
    fn take(&mut self, record: Arc<EventRecord>) {
        let version = record.stored.version;
        if version == self.delivered + 1 {
            self.pending.push_back(record);
        } else if version > self.delivered + 1 {
            self.caught_up = false;
        }
    }

    /// Reads the table after what was delivered; caught up when it has nothing more.
    async fn read_table(&mut self) {
        let read = match self.read_ahead.take() {
            Some((after, next)) if after == self.delivered => next.await,
            _ => self
                .app
                .store
                .read_stream(self.stream, self.delivered, i64::MAX, BATCH)
                .await
                .map_err(AppError::from),
        };
        let batch = match read {
            Ok(batch) => batch,
            Err(error) => {
                tracing::warn!(%error, "cannot read a followed stream");
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                return;
            }
        };
        if batch.is_empty() {
            // Caught up only once the table has given everything up to the
            // feed's position: every later event reaches us through the feed.
            let position = self
                .feed
                .position
                .wait_for(Option::is_some)
                .await
                .map(|position| position.unwrap_or(0));
            let Ok(position) = position else {
                // The feed ended under us: join a new one, unless it ended
                // for a rewound history.
                if !self.rewound() {
                    self.feed = self.app.feed(self.stream);
                }
                return;
            };
            if position <= self.delivered {
                self.caught_up = true;
                self.werkplaats = None;
                // From here on one event at a time: give back a long
                // catch-up's room.
                self.pending = VecDeque::new();
            }
            return;
        }
        if batch.len() as i64 == BATCH {
            // A long way to go: read the next page while this one is sent.
            let after = batch.last().map_or(self.delivered, |e| e.version);
            let (store, stream) = (self.app.store.clone(), self.stream);
            let next =
                tokio::spawn(
                    async move { store.read_stream(stream, after, i64::MAX, BATCH).await },
                );
            self.read_ahead = Some((after, AbortOnDrop(next)));
        }
        if let Err(error) = self.fold(batch).await {
            tracing::warn!(%error, "cannot fold a followed stream");
        }
    }

    /// Folds a batch read from the table and queues it with its actors.
    async fn fold(&mut self, batch: Vec<StoredEvent>) -> Result<(), AppError> {
        if !self.actors {
            let records = batch.into_iter().map(|stored| EventRecord {
                stored,
                actor: None,
            });
            self.pending.extend(records.map(Arc::new));
            return Ok(());
        }
        if self.werkplaats.is_none() && self.delivered > 0 {
            self.werkplaats = self
                .app
                .load(self.stream, self.delivered)
                .await?
                .map(Box::new);
        }
        // Names live beside the stream: fetch them when the fold starts or
        // someone new was invited, before anyone in the batch acts.
        let names =
            if self.werkplaats.is_none() || batch.iter().any(|e| changes_names(&e.event_type)) {
                Some(self.app.store.member_names(self.stream).await?)
            } else {
                None
            };
        let mut werkplaats = self.werkplaats.take().map(|loaded| *loaded);
        let folded = self.fold_into(&mut werkplaats, batch, names);
        self.werkplaats = werkplaats.map(Box::new);
        folded
    }

    fn fold_into(
        &mut self,
        werkplaats: &mut Option<Loaded>,
        batch: Vec<StoredEvent>,
        mut names: Option<HashMap<Uuid, Option<String>>>,
    ) -> Result<(), AppError> {
        for stored in batch {
            Loaded::push_stored(werkplaats, &stored)?;
            let Some(loaded) = werkplaats.as_mut() else {
                continue;
            };
            if let Some(names) = names.take() {
                loaded.at.names = names;
            }
            let actor = stored.actor_id.and_then(|id| loaded.at.member(&id));
            self.pending
                .push_back(Arc::new(EventRecord { stored, actor }));
        }
        Ok(())
    }
}
