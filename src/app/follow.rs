//! Following a werkplaats live: every stored event after a version, then
//! each new one, in order, with no gaps and no repeats.
//!
//! The follower never trusts a notification for content: it always reads
//! the table after the last version it delivered. A notification (from any
//! instance, through PostgreSQL) only ends its wait early; without one it
//! looks again after [`POLL`], so a lost notification costs at most that.

use std::collections::VecDeque;
use std::time::Duration;

use futures::Stream;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::load::Loaded;
use super::{App, AppError, Caller, EventRecord, PresenceGuard};
use crate::store::{until_changed, StoredEvent, Wake};

/// Longest wait for a wake-up before reading the table anyway.
const POLL: Duration = Duration::from_secs(1);

/// Events read from the table at a time.
const BATCH: i64 = 500;

struct Follower {
    app: App,
    stream: Uuid,
    delivered: i64,
    pending: VecDeque<StoredEvent>,
    wake: broadcast::Receiver<Wake>,
    /// The werkplaats folded up to `delivered`, for the actors' names and roles.
    werkplaats: Option<Loaded>,
    /// Counts the caller as present while the subscription lives.
    _presence: Option<PresenceGuard>,
}

impl App {
    /// Every event of werkplaats `id` after version `after`, stored ones
    /// first, then live ones.
    pub async fn follow(
        &self,
        caller: Option<Caller>,
        id: &str,
        after: i64,
    ) -> Result<impl Stream<Item = EventRecord> + Send + 'static, AppError> {
        let stream = self.visible_werkplaats(caller, id).await?;
        if after < 0 {
            return Err(AppError::BadInput("afterVersion must be at least 0".into()));
        }
        // Subscribe before the first read, so nothing appended in between
        // goes unnoticed.
        let wake = self.notifier.subscribe();
        let werkplaats = if after > 0 {
            self.load(stream, after).await?
        } else {
            None
        };
        let follower = Follower {
            app: self.clone(),
            stream,
            delivered: after,
            pending: VecDeque::new(),
            wake,
            werkplaats,
            _presence: self.present(caller, stream).await,
        };
        Ok(futures::stream::unfold(follower, |mut f| async move {
            let record = f.next().await;
            Some((record, f))
        }))
    }
}

impl Follower {
    async fn next(&mut self) -> EventRecord {
        loop {
            if let Some(stored) = self.pending.pop_front() {
                self.delivered = stored.version;
                match self.fold(&stored).await {
                    Ok(()) => {}
                    Err(error) => tracing::warn!(%error, "cannot fold a followed event"),
                }
                let actor = stored
                    .actor_id
                    .and_then(|id| self.werkplaats.as_ref().and_then(|w| w.at.member(&id)));
                return EventRecord { stored, actor };
            }
            match self
                .app
                .store
                .read_stream(self.stream, self.delivered, i64::MAX, BATCH)
                .await
            {
                Ok(batch) if !batch.is_empty() => {
                    self.pending.extend(batch);
                    continue;
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "cannot read a followed stream"),
            }
            self.wait().await;
        }
    }

    async fn fold(&mut self, stored: &StoredEvent) -> Result<(), AppError> {
        Loaded::push_stored(&mut self.werkplaats, stored)?;
        if stored.event_type == "MemberInvited" {
            if let Some(loaded) = &mut self.werkplaats {
                loaded.at.names = self.app.store.member_names(self.stream).await?;
            }
        }
        Ok(())
    }

    /// Until this stream moves past what was delivered, or [`POLL`] passes.
    async fn wait(&mut self) {
        until_changed(&mut self.wake, self.stream, self.delivered, POLL).await;
    }
}
