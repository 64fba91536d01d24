//! Watching a werkplaats: its whole state after each change.
//!
//! The watcher keeps the werkplaats folded and takes new events from this
//! instance's feed (`feed.rs`), folding every event that is waiting before
//! it answers. A burst of events is therefore one step, and a client that
//! reads slowly is not sent a queue of stale states: each time it asks for
//! the next one, it gets the newest. A gap (the feed dropped events for a
//! slow watcher) is filled from the table.

use std::sync::Arc;

use futures::Stream;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use uuid::Uuid;

use super::feed::Feed;
use super::load::Loaded;
use super::{changes_names, App, AppError, Caller, EventRecord, PresenceGuard, WerkplaatsAt};

struct Watcher {
    app: App,
    stream: Uuid,
    feed: Feed,
    werkplaats: Option<Loaded>,
    /// The version last sent; `None` before the first.
    sent: Option<i64>,
    /// Counts the caller as present while the subscription lives.
    _presence: Option<PresenceGuard>,
}

impl App {
    /// The werkplaats now, then after each change.
    pub async fn watch(
        &self,
        caller: Option<Caller>,
        id: &str,
    ) -> Result<impl Stream<Item = Arc<WerkplaatsAt>> + Send + 'static, AppError> {
        let stream = self.visible_werkplaats(caller, id).await?;
        // Join the feed before the first read, so no change goes unseen.
        let mut feed = self.feed(stream);
        let mut werkplaats = self.load(stream, i64::MAX).await?;
        // Whatever the feed had read before it started sending is in the table.
        let position = feed
            .position
            .wait_for(Option::is_some)
            .await
            .map(|p| p.unwrap_or(0));
        if position.is_ok_and(|p| p > werkplaats.as_ref().map_or(0, |w| w.state.version)) {
            self.catch_up(stream, &mut werkplaats).await?;
        }
        let watcher = Watcher {
            app: self.clone(),
            stream,
            feed,
            werkplaats,
            sent: None,
            _presence: self.present(caller, stream).await,
        };
        Ok(futures::stream::unfold(watcher, |mut w| async move {
            let next = w.next().await;
            Some((next, w))
        }))
    }
}

impl Watcher {
    fn version(&self) -> i64 {
        self.werkplaats.as_ref().map_or(0, |w| w.state.version)
    }

    async fn next(&mut self) -> Arc<WerkplaatsAt> {
        loop {
            if self.sent != Some(self.version()) {
                if let Some(loaded) = &self.werkplaats {
                    self.sent = Some(loaded.state.version);
                    return Arc::new(loaded.at.clone());
                }
            }
            let first = self.feed.events.recv().await;
            let mut received = vec![first];
            // Fold the whole burst before answering.
            loop {
                match self.feed.events.try_recv() {
                    Ok(record) => received.push(Ok(record)),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Lagged(n)) => received.push(Err(RecvError::Lagged(n))),
                    Err(TryRecvError::Closed) => received.push(Err(RecvError::Closed)),
                }
            }
            for record in received {
                if let Err(error) = self.take(record).await {
                    tracing::warn!(%error, "cannot fold a watched werkplaats");
                }
            }
        }
    }

    async fn take(
        &mut self,
        received: Result<Arc<EventRecord>, RecvError>,
    ) -> Result<(), AppError> {
        match received {
            Ok(record) if record.stored.version == self.version() + 1 => {
                Loaded::push_stored(&mut self.werkplaats, &record.stored)?;
                if changes_names(&record.stored.event_type) {
                    let names = self.app.store.member_names(self.stream).await?;
                    if let Some(loaded) = self.werkplaats.as_mut() {
                        loaded.at.names = names;
                    }
                }
                Ok(())
            }
            Ok(record) if record.stored.version <= self.version() => Ok(()),
            // A gap, or events dropped for this slow watcher: read the table.
            Ok(_) | Err(RecvError::Lagged(_)) => {
                self.app.catch_up(self.stream, &mut self.werkplaats).await
            }
            Err(RecvError::Closed) => {
                self.feed = self.app.feed(self.stream);
                self.app.catch_up(self.stream, &mut self.werkplaats).await
            }
        }
    }
}
