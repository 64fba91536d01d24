//! Watching a werkplaats: its whole state after each change.
//!
//! The watcher keeps the werkplaats folded and, when woken, folds whatever
//! was appended since. A burst of events is therefore one step, and a
//! client that reads slowly is not sent a queue of stale states: each time
//! it asks for the next one, it gets the newest.

use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::load::Loaded;
use super::{App, AppError, Caller, PresenceGuard, WerkplaatsAt};
use crate::store::{until_changed, Wake};

/// Longest wait for a wake-up before looking at the table anyway.
const POLL: Duration = Duration::from_secs(1);

struct Watcher {
    app: App,
    stream: Uuid,
    wake: broadcast::Receiver<Wake>,
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
        // Subscribe before the first read, so no change goes unnoticed.
        let wake = self.notifier.subscribe();
        let werkplaats = self.load(stream, i64::MAX).await?;
        let watcher = Watcher {
            app: self.clone(),
            stream,
            wake,
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
            self.wait().await;
            if let Err(error) = self.app.catch_up(self.stream, &mut self.werkplaats).await {
                tracing::warn!(%error, "cannot read a watched werkplaats");
            }
        }
    }

    /// Until the stream moves past what was sent, or [`POLL`] passes.
    async fn wait(&mut self) {
        let version = self.version();
        until_changed(&mut self.wake, self.stream, version, POLL).await;
    }
}
