//! Watching a werkplaats: its whole state after each change.
//!
//! A watcher loads the werkplaats once, for its first answer; after that
//! it folds nothing itself. This instance's feed of the werkplaats
//! (`feed.rs`) folds every event once and publishes the werkplaats after
//! each read while anyone watches, and every watcher takes the newest from
//! there. A burst of events is therefore one step, and a client that reads
//! slowly is not sent a queue of stale states: each time it asks for the
//! next one, it gets the newest.

use std::sync::Arc;

use futures::Stream;
use tokio::sync::watch;
use uuid::Uuid;

use super::feed::Feed;
use super::{App, AppError, Caller, PresenceGuard, WerkplaatsAt};

/// One subscriber watching a werkplaats. It ends when the feed finds the
/// stored history rewound under what it showed (`feed.rs`).
pub struct Watching {
    app: App,
    stream: Uuid,
    /// Keeps the feed running while the werkplaats is watched.
    feed: Feed,
    latest: watch::Receiver<Option<Arc<WerkplaatsAt>>>,
    /// The state to send first, loaded when the watch began.
    first: Option<Arc<WerkplaatsAt>>,
    /// The version last sent.
    sent: i64,
    /// Counts the caller as present while the subscription lives.
    _presence: Option<PresenceGuard>,
}

impl App {
    /// The werkplaats now, then after each change.
    pub async fn watch(&self, caller: Option<Caller>, id: &str) -> Result<Watching, AppError> {
        let stream = self.visible_werkplaats(caller, id).await?;
        // Watch the feed before loading, so no change after the load goes
        // unseen: the feed publishes every read from here on.
        let (feed, latest) = self.watch_feed(stream);
        let loaded = self.load(stream, i64::MAX).await?;
        let first = loaded.map(|loaded| Arc::new(loaded.at));
        Ok(Watching {
            app: self.clone(),
            stream,
            feed,
            latest,
            first,
            sent: 0,
            _presence: self.present(caller, stream).await,
        })
    }
}

impl Watching {
    /// The werkplaats watched.
    pub fn stream(&self) -> Uuid {
        self.stream
    }

    /// The werkplaats at every change, the newest each time.
    pub fn into_stream(self) -> impl Stream<Item = Arc<WerkplaatsAt>> + Send + 'static {
        futures::stream::unfold(self, |mut w| async move {
            let next = w.next().await?;
            Some((next, w))
        })
    }

    async fn next(&mut self) -> Option<Arc<WerkplaatsAt>> {
        if let Some(first) = self.first.take() {
            self.sent = first.view.version;
            return Some(first);
        }
        loop {
            let newer = self
                .latest
                .borrow_and_update()
                .clone()
                .filter(|at| at.view.version > self.sent);
            if let Some(at) = newer {
                self.sent = at.view.version;
                return Some(at);
            }
            if self.latest.changed().await.is_err() {
                if self.feed.rewound() {
                    return None;
                }
                // The feed ended under us: join a new one, which reads the
                // table from the start.
                let (feed, latest) = self.app.watch_feed(self.stream);
                self.feed = feed;
                self.latest = latest;
            }
        }
    }
}
