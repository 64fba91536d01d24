//! Wake-ups for live readers.
//!
//! Each instance holds one `LISTEN` connection and re-broadcasts what it
//! hears in-process. A notification says only "stream S reached version V":
//! readers always read the table from the last version they delivered, so
//! a notification that is lost, late or repeated never loses or repeats an
//! event. When the listener's connection drops, notifications sent while it
//! was away are gone; the listener then tells every reader to look
//! ([`Wake::Resync`]). Readers also poll slowly, which bounds what any other
//! loss costs.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use uuid::Uuid;

use super::members::ACCESS_CHANNEL;
use super::EventStore;

/// The PostgreSQL channel appends notify on.
pub const CHANNEL: &str = "werkplaats_events";

/// The PostgreSQL channel instances share presence on.
pub const PRESENCE_CHANNEL: &str = "werkplaats_presence";

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

/// Why a reader should look at the table again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    Stream(StreamChanged),
    /// Notifications may have been missed: every reader should look.
    Resync,
}

impl Wake {
    /// Whether a reader of `stream` that delivered up to `delivered` should look.
    pub fn concerns(self, stream: Uuid, delivered: i64) -> bool {
        match self {
            Wake::Stream(changed) => changed.stream_id == stream && changed.version > delivered,
            Wake::Resync => true,
        }
    }
}

/// Fans notifications out to the readers of this instance.
#[derive(Clone, Debug)]
pub struct Notifier {
    sender: broadcast::Sender<Wake>,
    presence: broadcast::Sender<String>,
    access: broadcast::Sender<AccessWake>,
}

/// Whose access may have changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessWake {
    Member(Uuid),
    /// Notifications may have been missed: every connection should check.
    Everyone,
}

impl AccessWake {
    pub fn concerns(self, member_id: Uuid) -> bool {
        match self {
            AccessWake::Member(id) => id == member_id,
            AccessWake::Everyone => true,
        }
    }
}

impl Notifier {
    /// Starts listening on a connection of its own; reconnects on failure.
    pub fn start(store: &EventStore) -> Notifier {
        let (sender, _) = broadcast::channel(1024);
        let (presence, _) = broadcast::channel(1024);
        let (access, _) = broadcast::channel(256);
        let notifier = Notifier {
            sender,
            presence,
            access,
        };
        tokio::spawn(listen(store.clone(), notifier.clone()));
        notifier
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Wake> {
        self.sender.subscribe()
    }

    /// Presence messages from every instance (this one included).
    pub fn presence_messages(&self) -> broadcast::Receiver<String> {
        self.presence.subscribe()
    }

    /// Members whose access changed, on any instance.
    pub fn access_changes(&self) -> broadcast::Receiver<AccessWake> {
        self.access.subscribe()
    }

    /// Wakes this instance's readers without waiting for the round trip
    /// through PostgreSQL.
    pub fn local(&self, changed: StreamChanged) {
        // No receiver is not an error: nobody is listening yet.
        let _ = self.sender.send(Wake::Stream(changed));
    }
}

impl Notifier {
    fn resync(&self) {
        let _ = self.sender.send(Wake::Resync);
        let _ = self.access.send(AccessWake::Everyone);
    }
}

/// Pause before connecting again after the listener failed.
const RETRY: Duration = Duration::from_millis(500);

async fn listen(store: EventStore, notifier: Notifier) {
    loop {
        match PgListener::connect_with(store.pool()).await {
            Ok(mut listener) => match listener
                .listen_all([CHANNEL, PRESENCE_CHANNEL, ACCESS_CHANNEL])
                .await
            {
                Ok(()) => {
                    // Whatever was sent before this LISTEN took effect is lost.
                    notifier.resync();
                    relay(&mut listener, &notifier).await;
                }
                Err(error) => tracing::warn!(%error, "LISTEN failed"),
            },
            Err(error) => tracing::warn!(%error, "cannot connect the notification listener"),
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// Relays notifications until the listener fails for good.
async fn relay(listener: &mut PgListener, notifier: &Notifier) {
    let sender = &notifier.sender;
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) if notification.channel() == PRESENCE_CHANNEL => {
                let _ = notifier.presence.send(notification.payload().to_owned());
            }
            Ok(Some(notification)) if notification.channel() == ACCESS_CHANNEL => {
                if let Ok(member) = notification.payload().parse() {
                    let _ = notifier.access.send(AccessWake::Member(member));
                }
            }
            Ok(Some(notification)) => {
                if let Ok(changed) = notification.payload().parse() {
                    let _ = sender.send(Wake::Stream(changed));
                }
            }
            // The connection dropped and sqlx reconnected (and listens
            // again): notifications in between are gone.
            Ok(None) => {
                tracing::info!("notification listener reconnected");
                notifier.resync();
            }
            Err(error) => {
                tracing::warn!(%error, "notification listener lost its connection");
                notifier.resync();
                return;
            }
        }
    }
}

/// Waits until `stream` may have moved past version `after`, or `poll`
/// passes: the wait of every live reader between two reads of the table.
pub async fn until_changed(
    wake: &mut broadcast::Receiver<Wake>,
    stream: Uuid,
    after: i64,
    poll: Duration,
) {
    let _ = tokio::time::timeout(poll, async {
        loop {
            match wake.recv().await {
                Ok(wake) if wake.concerns(stream, after) => return,
                Ok(_) => continue,
                // Missed some wake-ups: read the table to find out.
                Err(broadcast::error::RecvError::Lagged(_)) => return,
                // No more wake-ups: poll.
                Err(broadcast::error::RecvError::Closed) => {
                    tokio::time::sleep(poll).await;
                    return;
                }
            }
        }
    })
    .await;
}
