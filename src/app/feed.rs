//! One reader per werkplaats per instance.
//!
//! Live readers of a werkplaats do not each poll the events table: a single
//! feed task per werkplaats (on each instance that has readers for it) is
//! woken by notifications, reads what is new once, folds it to know each
//! actor, and broadcasts the events to every local reader. A reader joins
//! the feed first and then reads the table itself until it has reached the
//! feed's position: from there on the feed has everything it still needs. A
//! reader that falls so far behind that the broadcast drops events for it
//! reads the table again from its last version. The feed is a shortcut;
//! correctness rests on the table. It ends when its last reader is gone.
//!
//! Each read starts at the last event the feed sent and checks it is still
//! there with the same hash. After a failover to a standby that missed the
//! last events, it is not: the history was rewound, and the events sent
//! under those versions may be followed by different ones. The feed then
//! says so to its readers (their live subscriptions end, and the API asks
//! the clients to subscribe again), counts and logs it, and ends; the next
//! feed starts from the table as it is.
//!
//! Since the feed folds the werkplaats anyway, it also publishes the folded
//! werkplaats after each read while someone watches it
//! (`werkplaatsChanged`): one fold per change for all of them, instead of
//! one per watcher.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use super::load::Loaded;
use super::{changes_names, App, EventRecord, WerkplaatsAt};
use crate::store::until_changed;

/// Longest wait for a wake-up before the feed reads the table anyway.
const POLL: Duration = Duration::from_secs(1);
/// Events read from the table at a time.
const BATCH: i64 = 500;
/// Events a slow reader may be behind before it must read the table.
const CAPACITY: usize = 256;
/// Pause after the feed failed to read.
const RETRY: Duration = Duration::from_millis(500);

/// A reader's end of a feed.
pub(super) struct Feed {
    pub events: broadcast::Receiver<Arc<EventRecord>>,
    /// The version up to which the feed has sent every event; `None` until
    /// it has read the stream's head.
    pub position: watch::Receiver<Option<i64>>,
    rewound: Arc<AtomicBool>,
}

impl Feed {
    /// Whether this feed ended because the stored history no longer holds
    /// what it sent.
    pub fn rewound(&self) -> bool {
        self.rewound.load(Ordering::SeqCst)
    }
}

/// The werkplaats as the feed last folded it, while anyone watches.
pub(super) type Latest = Arc<watch::Sender<Option<Arc<WerkplaatsAt>>>>;

#[derive(Clone)]
struct Sender {
    events: broadcast::Sender<Arc<EventRecord>>,
    position: watch::Receiver<Option<i64>>,
    latest: Latest,
    rewound: Arc<AtomicBool>,
}

#[derive(Clone, Default)]
pub(super) struct Feeds {
    senders: Arc<Mutex<HashMap<Uuid, Sender>>>,
}

impl Feeds {
    fn senders(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Sender>> {
        self.senders.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running feed's place in the map, given up when its task ends however
/// it ends (a panic included): the map's sender goes with it, the channel
/// closes, and its readers join a new feed instead of waiting on a dead one.
struct Registered {
    feeds: Feeds,
    stream: Uuid,
    events: broadcast::Sender<Arc<EventRecord>>,
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut senders = self.feeds.senders();
        let ours = senders
            .get(&self.stream)
            .is_some_and(|sender| sender.events.same_channel(&self.events));
        if ours {
            senders.remove(&self.stream);
        }
    }
}

impl App {
    /// Joins this instance's feed of `stream`, starting it when needed.
    pub(super) fn feed(&self, stream: Uuid) -> Feed {
        self.join_feed(stream).0
    }

    /// Joins the feed of `stream` to watch the werkplaats it folds.
    pub(super) fn watch_feed(
        &self,
        stream: Uuid,
    ) -> (Feed, watch::Receiver<Option<Arc<WerkplaatsAt>>>) {
        let (feed, latest) = self.join_feed(stream);
        (feed, latest.subscribe())
    }

    fn join_feed(&self, stream: Uuid) -> (Feed, Latest) {
        let mut senders = self.feeds.senders();
        if let Some(sender) = senders.get(&stream) {
            let feed = Feed {
                events: sender.events.subscribe(),
                position: sender.position.clone(),
                rewound: sender.rewound.clone(),
            };
            return (feed, sender.latest.clone());
        }
        let (events, receiver) = broadcast::channel(CAPACITY);
        let (position_sender, position) = watch::channel(None);
        let latest: Latest = Arc::new(watch::Sender::new(None));
        let rewound = Arc::new(AtomicBool::new(false));
        senders.insert(
            stream,
            Sender {
                events: events.clone(),
                position: position.clone(),
                latest: latest.clone(),
                rewound: rewound.clone(),
            },
        );
        let channels = Channels {
            events,
            position: position_sender,
            latest: latest.clone(),
            rewound: rewound.clone(),
        };
        tokio::spawn(self.clone().run_feed(stream, channels));
        let feed = Feed {
            events: receiver,
            position,
            rewound,
        };
        (feed, latest)
    }

    async fn run_feed(self, stream: Uuid, channels: Channels) {
        let Channels {
            events,
            position,
            latest,
            rewound,
        } = channels;
        let _registered = Registered {
            feeds: self.feeds.clone(),
            stream,
            events: events.clone(),
        };
        let mut wake = self.notifier.subscribe();
        let mut werkplaats: Option<Loaded> = None;
        // The hash of the last event sent, to find it again at each read.
        let mut last_hash: Option<String> = None;
        loop {
            {
                // Under the lock, so no reader joins a feed that is ending.
                let mut senders = self.feeds.senders();
                if events.receiver_count() == 0 {
                    senders.remove(&stream);
                    return;
                }
            }
            let read = if position.borrow().is_none() {
                self.load_with_head(stream, i64::MAX).await.map(|loaded| {
                    let (loaded, hash) = loaded.map(|(l, head)| (l, head.hash)).unzip();
                    let head = loaded.as_ref().map_or(0, |l| l.state.version);
                    werkplaats = loaded;
                    last_hash = hash;
                    position.send_replace(Some(head));
                    Read::Chained
                })
            } else {
                let sending = Sending {
                    events: &events,
                    position: &position,
                };
                self.read_into(stream, &mut werkplaats, &mut last_hash, sending)
                    .await
            };
            if let Ok(Read::Rewound { sent }) = read {
                crate::ops::metrics::fork_detected();
                tracing::error!(
                    werkplaats = %stream,
                    sent,
                    "the stored history no longer holds events this feed sent (a failover to a standby that missed them?); ending its live subscriptions"
                );
                // Under the lock, so no reader joins the feed that ends.
                let mut senders = self.feeds.senders();
                rewound.store(true, Ordering::SeqCst);
                senders.remove(&stream);
                return;
            }
            if let Err(error) = read {
                tracing::warn!(%error, "a werkplaats feed cannot read");
                tokio::time::sleep(RETRY).await;
                continue;
            }
            let version = werkplaats.as_ref().map_or(0, |w| w.state.version);
            if let Some(loaded) = werkplaats.as_ref().filter(|_| latest.receiver_count() > 0) {
                latest.send_if_modified(|latest| {
                    if latest.as_ref().is_some_and(|at| at.view.version == version) {
                        return false;
                    }
                    *latest = Some(Arc::new(loaded.at.clone()));
                    true
                });
            }
            until_changed(&mut wake, stream, version, POLL).await;
        }
    }

    /// Reads what was appended after the feed's version, folds it and
    /// sends it on, advancing the position after each event. Each read
    /// starts with the last event sent, which must still be there.
    async fn read_into(
        &self,
        stream: Uuid,
        werkplaats: &mut Option<Loaded>,
        last_hash: &mut Option<String>,
        sending: Sending<'_>,
    ) -> Result<Read, super::AppError> {
        let Sending { events, position } = sending;
        loop {
            let sent = werkplaats.as_ref().map_or(0, |w| w.state.version);
            let mut batch = self
                .store
                .read_stream(stream, (sent - 1).max(0), i64::MAX, BATCH)
                .await?;
            if sent > 0 {
                let still_there = batch.first().is_some_and(|first| {
                    first.version == sent && Some(&first.hash) == last_hash.as_ref()
                });
                if !still_there {
                    return Ok(Read::Rewound { sent });
                }
                batch.remove(0);
            }
            if batch.is_empty() {
                return Ok(Read::Chained);
            }
            if batch.iter().any(|e| changes_names(&e.event_type)) {
                // Names live beside the stream; fetch them before folding so
                // a member who acts in the same batch is known by name.
                let names = self.store.member_names(stream).await?;
                if let Some(loaded) = werkplaats.as_mut() {
                    loaded.at.names = names;
                }
            }
            for stored in batch {
                Loaded::push_stored(werkplaats, &stored)?;
                let version = stored.version;
                *last_hash = Some(stored.hash.clone());
                crate::ops::metrics::delivered(stored.recorded_at);
                let actor = stored
                    .actor_id
                    .and_then(|id| werkplaats.as_ref().and_then(|w| w.at.member(&id)));
                // No reader left is fine: the feed ends on its next round.
                let _ = events.send(Arc::new(EventRecord { stored, actor }));
                position.send_replace(Some(version));
            }
        }
    }
}

/// The ends of a feed's channels its task sends on.
struct Channels {
    events: broadcast::Sender<Arc<EventRecord>>,
    position: watch::Sender<Option<i64>>,
    latest: Latest,
    rewound: Arc<AtomicBool>,
}

/// Where a read sends what it finds.
struct Sending<'a> {
    events: &'a broadcast::Sender<Arc<EventRecord>>,
    position: &'a watch::Sender<Option<i64>>,
}

/// How a read of the table found the history the feed sent.
enum Read {
    /// What it sent is still there; anything new follows on from it.
    Chained,
    /// The event at `sent`, the last one sent, is gone or another.
    Rewound { sent: i64 },
}
