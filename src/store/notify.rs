//! Wake-ups for live readers.
//!
//! Each instance holds one `LISTEN` connection and re-broadcasts what it
//! hears in-process. A notification says only "stream S reached version V":
//! readers always read the table from the last version they delivered, so
//! a notification that is lost, late or repeated never loses or repeats an
//! event. Readers also poll slowly, which bounds what a lost one costs.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::EventStore;

/// The PostgreSQL channel appends notify on.
pub const CHANNEL: &str = "werkplaats_events";

/// "This stream has events up to this version."
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamChanged {
    pub stream_id: Uuid,
    pub version: i64,
}

impl FromStr for StreamChanged {
    type Err = ();

    fn from_str(payload: &str) -> Result<Self, ()> {
        let (stream, version) = payload.split_once(':').ok_or(())?;
        Ok(StreamChanged {
            stream_id: stream.parse().map_err(|_| ())?,
            version: version.parse().map_err(|_| ())?,
        })
    }
}

/// Fans notifications out to the subscribers of this instance.
#[derive(Clone, Debug)]
pub struct Notifier {
    sender: broadcast::Sender<StreamChanged>,
}

impl Notifier {
    /// Starts listening on a connection of its own; reconnects on failure.
    pub fn start(store: &EventStore) -> Notifier {
        let (sender, _) = broadcast::channel(1024);
        let notifier = Notifier { sender };
        tokio::spawn(listen(store.clone(), notifier.sender.clone()));
        notifier
    }

    pub fn subscribe(&self) -> broadcast::Receiver<StreamChanged> {
        self.sender.subscribe()
    }

    /// Wakes this instance's readers without waiting for the round trip
    /// through PostgreSQL.
    pub fn local(&self, changed: StreamChanged) {
        // No receiver is not an error: nobody is listening yet.
        let _ = self.sender.send(changed);
    }
}

async fn listen(store: EventStore, sender: broadcast::Sender<StreamChanged>) {
    loop {
        match PgListener::connect_with(store.pool()).await {
            Ok(mut listener) => {
                if let Err(error) = listener.listen(CHANNEL).await {
                    tracing::warn!(%error, "LISTEN failed");
                } else {
                    loop {
                        match listener.recv().await {
                            Ok(notification) => {
                                if let Ok(changed) = notification.payload().parse() {
                                    let _ = sender.send(changed);
                                }
                            }
                            Err(error) => {
                                tracing::warn!(%error, "notification listener lost its connection");
                                break;
                            }
                        }
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "cannot connect the notification listener"),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
