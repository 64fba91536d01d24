//! Presence: who is connected to a werkplaats, and what each is editing.
//!
//! Presence is ephemeral — never an event. A member is present while they
//! hold at least one subscription to the werkplaats on any instance. Each
//! instance announces its own subscribers through PostgreSQL `NOTIFY`
//! (`werkplaats_presence`) when one arrives or leaves and again every
//! [`HEARTBEAT`]; every instance (itself included) keeps what it hears for
//! [`TTL`]. A member whose instance says "gone", or stops repeating "here"
//! because it died, disappears everywhere within that time.
//!
//! What a member is editing is said through whichever instance took the
//! `setPresence`; that instance repeats it with every heartbeat while the
//! member is present, stamped with when it was said, and the latest saying
//! wins. An instance that missed the message (its listener was
//! reconnecting) or started later so learns it within a heartbeat.
//!
//! Who is present is worked out once per change per werkplaats on each
//! instance, by one task per watched werkplaats, and every `presence`
//! subscriber there takes the same list ([`Present`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;
use uuid::Uuid;

use super::{App, AppError, Caller, MemberInfo};
use crate::store::{EventStore, Notifier};
use crate::timestamp;

/// How often an instance repeats who is here.
const HEARTBEAT: Duration = Duration::from_secs(2);
/// How long a "here" counts without being repeated.
const TTL: Duration = Duration::from_secs(5);
/// Entries per presence message, well below PostgreSQL's 8000-byte payloads.
const CHUNK: usize = 40;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
enum Message {
    /// These members hold subscriptions to this werkplaats on this instance.
    Here {
        instance: Uuid,
        werkplaats: Uuid,
        members: Vec<(Uuid, DateTime<Utc>)>,
    },
    /// This member's last subscription on this instance ended.
    Gone {
        instance: Uuid,
        werkplaats: Uuid,
        member: Uuid,
    },
    /// What these members are editing.
    Editing {
        werkplaats: Uuid,
        editing: Vec<Saying>,
    },
}

/// (member, the item they are editing or none, when they said so)
type Saying = (Uuid, Option<String>, DateTime<Utc>);

/// One member present in a werkplaats.
#[derive(Clone, Debug, PartialEq)]
pub struct PresenceEntry {
    pub member: MemberInfo,
    pub editing: Option<String>,
    pub since: DateTime<Utc>,
}

struct Local {
    subscriptions: usize,
    since: DateTime<Utc>,
}

struct Heard {
    since: DateTime<Utc>,
    until: Instant,
}

/// What a member said they are editing, and when.
struct Said {
    item: Option<String>,
    at: DateTime<Utc>,
    /// Said through this instance, which therefore repeats it.
    here: bool,
}

#[derive(Default)]
struct Registry {
    /// This instance's subscribers, by (werkplaats, member).
    local: HashMap<(Uuid, Uuid), Local>,
    /// What every instance said, by werkplaats, then (instance, member).
    heard: HashMap<Uuid, HashMap<(Uuid, Uuid), Heard>>,
    /// What each member is editing, by (werkplaats, member).
    editing: HashMap<(Uuid, Uuid), Said>,
}

impl Registry {
    /// Keeps what a member said unless something newer is known; whether
    /// what they are editing changed.
    fn say(&mut self, key: (Uuid, Uuid), said: Said) -> bool {
        if self
            .editing
            .get(&key)
            .is_some_and(|known| known.at >= said.at)
        {
            return false;
        }
        let item = said.item.clone();
        let before = self.editing.insert(key, said);
        before.and_then(|known| known.item) != item
    }

    fn apply(&mut self, message: Message) -> Option<Uuid> {
        let now = Instant::now();
        match message {
            Message::Here {
                instance,
                werkplaats,
                members,
            } => {
                let heard = self.heard.entry(werkplaats).or_default();
                let mut changed = false;
                for (member, since) in members {
                    let until = now + TTL;
                    changed |= heard
                        .insert((instance, member), Heard { since, until })
                        .is_none();
                }
                changed.then_some(werkplaats)
            }
            Message::Gone {
                instance,
                werkplaats,
                member,
            } => {
                let heard = self.heard.get_mut(&werkplaats)?;
                heard.remove(&(instance, member))?;
                Some(werkplaats)
            }
            Message::Editing {
                werkplaats,
                editing,
            } => {
                let mut changed = false;
                for (member, item, at) in editing {
                    let said = Said {
                        item,
                        at,
                        here: false,
                    };
                    changed |= self.say((werkplaats, member), said);
                }
                changed.then_some(werkplaats)
            }
        }
    }

    /// Drops what was not repeated in time; returns the werkplaatsen that changed.
    fn expire(&mut self) -> Vec<Uuid> {
        let now = Instant::now();
        let mut changed = Vec::new();
        for (werkplaats, heard) in &mut self.heard {
            let before = heard.len();
            heard.retain(|_, h| h.until > now);
            if heard.len() != before {
                changed.push(*werkplaats);
            }
        }
        self.heard.retain(|_, heard| !heard.is_empty());
        let heard = &self.heard;
        self.editing.retain(|(werkplaats, member), _| {
            heard
                .get(werkplaats)
                .is_some_and(|h| h.keys().any(|(_, m)| m == member))
        });
        changed
    }

    /// Present members of a werkplaats: (member, since, editing), earliest first.
    fn present(&self, werkplaats: Uuid) -> Vec<(Uuid, DateTime<Utc>, Option<String>)> {
        let mut since: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
        for ((_, member), heard) in self.heard.get(&werkplaats).into_iter().flatten() {
            since
                .entry(*member)
                .and_modify(|s| *s = (*s).min(heard.since))
                .or_insert(heard.since);
        }
        let mut present: Vec<_> = since
            .into_iter()
            .map(|(member, since)| {
                let editing = self
                    .editing
                    .get(&(werkplaats, member))
                    .and_then(|said| said.item.clone());
                (member, since, editing)
            })
            .collect();
        present.sort_by_key(|(member, since, _)| (*since, *member));
        present
    }
}

/// Who is present in one werkplaats, as one instance last worked it out.
#[derive(Debug, PartialEq)]
pub struct Present {
    /// Tells one list from the next: later lists have larger numbers.
    pub place: i64,
    /// The number of presence changes seen before this list was made.
    made_after: i64,
    pub entries: Vec<PresenceEntry>,
}

type PresentNow = watch::Receiver<Option<Arc<Present>>>;

/// This instance's part of presence.
#[derive(Clone)]
pub struct Presence {
    instance: Uuid,
    store: EventStore,
    registry: Arc<Mutex<Registry>>,
    /// Which werkplaats' presence changed.
    changed: broadcast::Sender<Uuid>,
    /// How many changes were sent on `changed`.
    changes: Arc<AtomicI64>,
    /// Numbers the lists worked out.
    places: Arc<AtomicI64>,
    /// The werkplaatsen whose presence someone here subscribes to.
    watched: Arc<Mutex<HashMap<Uuid, PresentNow>>>,
}

impl Presence {
    /// Starts hearing other instances and repeating this one's subscribers.
    pub fn start(store: EventStore, notifier: &Notifier) -> Presence {
        let (changed, _) = broadcast::channel(1024);
        let presence = Presence {
            instance: Uuid::new_v4(),
            store,
            registry: Arc::default(),
            changed,
            changes: Arc::default(),
            places: Arc::default(),
            watched: Arc::default(),
        };
        tokio::spawn(presence.clone().hear(notifier.presence_messages()));
        tokio::spawn(presence.clone().heartbeat());
        presence
    }

    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves plain maps behind: still usable.
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn apply(&self, message: Message) {
        if let Some(werkplaats) = self.registry().apply(message) {
            self.changed(werkplaats);
        }
    }

    /// Says that `werkplaats`' presence changed; answers how many changes
    /// there have been with this one.
    fn changed(&self, werkplaats: Uuid) -> i64 {
        let changes = self.changes.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.changed.send(werkplaats);
        changes
    }

    /// Applies a message here at once, then tells every instance (this one
    /// hears its own echo, which changes nothing).
    async fn publish(&self, message: Message) {
        let Ok(text) = serde_json::to_string(&message) else {
            return;
        };
        self.apply(message);
        if let Err(error) = self.store.publish_presence(&text).await {
            tracing::warn!(%error, "cannot share presence");
        }
    }

    async fn hear(self, mut messages: broadcast::Receiver<String>) {
        loop {
            match messages.recv().await {
                Ok(text) => match serde_json::from_str(&text) {
                    Ok(message) => self.apply(message),
                    Err(error) => tracing::warn!(%error, "unreadable presence message"),
                },
                // Missed some: the next heartbeats fill them in.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    async fn heartbeat(self) {
        let mut ticks = tokio::time::interval(HEARTBEAT);
        loop {
            ticks.tick().await;
            for message in self.here_messages(None) {
                self.publish(message).await;
            }
            for message in self.said_here_messages() {
                self.publish(message).await;
            }
            let expired = self.registry().expire();
            for werkplaats in expired {
                self.changed(werkplaats);
            }
        }
    }

    /// "Here" messages for this instance's subscribers (of one werkplaats, or all).
    fn here_messages(&self, only: Option<Uuid>) -> Vec<Message> {
        let mut by_werkplaats: HashMap<Uuid, Vec<(Uuid, DateTime<Utc>)>> = HashMap::new();
        for ((werkplaats, member), local) in &self.registry().local {
            if only.is_none_or(|w| w == *werkplaats) {
                by_werkplaats
                    .entry(*werkplaats)
                    .or_default()
                    .push((*member, local.since));
            }
        }
        by_werkplaats
            .into_iter()
            .flat_map(|(werkplaats, members)| {
                members
                    .chunks(CHUNK)
                    .map(|chunk| Message::Here {
                        instance: self.instance,
                        werkplaats,
                        members: chunk.to_vec(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// "Editing" messages repeating what was said through this instance.
    fn said_here_messages(&self) -> Vec<Message> {
        let mut by_werkplaats: HashMap<Uuid, Vec<Saying>> = HashMap::new();
        for ((werkplaats, member), said) in &self.registry().editing {
            if said.here {
                let entry = (*member, said.item.clone(), said.at);
                by_werkplaats.entry(*werkplaats).or_default().push(entry);
            }
        }
        by_werkplaats
            .into_iter()
            .flat_map(|(werkplaats, editing)| {
                editing
                    .chunks(CHUNK)
                    .map(|chunk| Message::Editing {
                        werkplaats,
                        editing: chunk.to_vec(),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Counts a subscription of `member` to `werkplaats` until the guard drops.
    pub async fn join(&self, werkplaats: Uuid, member: Uuid) -> PresenceGuard {
        let first = {
            let mut registry = self.registry();
            let local = registry.local.entry((werkplaats, member)).or_insert(Local {
                subscriptions: 0,
                since: timestamp::now(),
            });
            local.subscriptions += 1;
            local.subscriptions == 1
        };
        if first {
            for message in self.here_messages(Some(werkplaats)) {
                self.publish(message).await;
            }
        }
        PresenceGuard {
            presence: self.clone(),
            werkplaats,
            member,
        }
    }

    fn leave(&self, werkplaats: Uuid, member: Uuid) {
        let last = {
            let mut registry = self.registry();
            match registry.local.get_mut(&(werkplaats, member)) {
                Some(local) if local.subscriptions > 1 => {
                    local.subscriptions -= 1;
                    false
                }
                Some(_) => {
                    registry.local.remove(&(werkplaats, member));
                    true
                }
                None => false,
            }
        };
        if last {
            let presence = self.clone();
            let gone = Message::Gone {
                instance: self.instance,
                werkplaats,
                member,
            };
            tokio::spawn(async move { presence.publish(gone).await });
        }
    }

    /// Says what `member` is editing in `werkplaats` now.
    async fn set_editing(&self, werkplaats: Uuid, member: Uuid, editing: Option<String>) {
        let at = timestamp::now();
        let said = Said {
            item: editing.clone(),
            at,
            here: true,
        };
        if self.registry().say((werkplaats, member), said) {
            self.changed(werkplaats);
        }
        let message = Message::Editing {
            werkplaats,
            editing: vec![(member, editing, at)],
        };
        self.publish(message).await;
    }
}

/// Holds a member's presence while a subscription lives.
pub struct PresenceGuard {
    presence: Presence,
    werkplaats: Uuid,
    member: Uuid,
}

impl Drop for PresenceGuard {
    fn drop(&mut self) {
        self.presence.leave(self.werkplaats, self.member);
    }
}

impl App {
    /// Counts the caller as present in `werkplaats` while the guard lives;
    /// the admin is no member and is never present.
    pub(super) async fn present(
        &self,
        caller: Option<Caller>,
        werkplaats: Uuid,
    ) -> Option<PresenceGuard> {
        match caller? {
            Caller::Member { member_id, .. } => {
                Some(self.presence.join(werkplaats, member_id).await)
            }
            Caller::Admin => None,
        }
    }

    /// Everyone present in a werkplaats, with their names and roles.
    async fn presence_entries(&self, werkplaats: Uuid) -> Result<Vec<PresenceEntry>, AppError> {
        let present = self.presence.registry().present(werkplaats);
        if present.is_empty() {
            return Ok(Vec::new());
        }
        let loaded = self
            .load(werkplaats, i64::MAX)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(present
            .into_iter()
            .filter_map(|(member, since, editing)| {
                Some(PresenceEntry {
                    member: loaded.at.member(&member)?,
                    editing,
                    since,
                })
            })
            .collect())
    }

    /// Says what the caller is editing (an item of the werkplaats, or
    /// nothing) and answers who is present.
    pub async fn set_presence(
        &self,
        caller: Option<Caller>,
        werkplaats_id: &str,
        editing: Option<String>,
    ) -> Result<Vec<PresenceEntry>, AppError> {
        let (caller, werkplaats) = self.visible(caller, werkplaats_id)?;
        let Caller::Member { member_id, .. } = caller else {
            return Err(AppError::Forbidden);
        };
        let loaded = self
            .load(werkplaats, i64::MAX)
            .await?
            .ok_or(AppError::NotFound)?;
        let editing = match editing {
            None => None,
            Some(raw) => {
                let id = Uuid::parse_str(raw.trim())
                    .ok()
                    .filter(|id| loaded.at.view.contains(id))
                    .ok_or_else(|| AppError::BadInput(format!("editing: unknown item {raw}")))?;
                Some(id.to_string())
            }
        };
        self.presence
            .set_editing(werkplaats, member_id, editing)
            .await;
        self.presence_entries(werkplaats).await
    }

    /// Who is present in a werkplaats now, then again after each change.
    /// Subscribing counts the caller as present.
    pub async fn watch_presence(
        &self,
        caller: Option<Caller>,
        id: &str,
    ) -> Result<WatchingPresence, AppError> {
        let werkplaats = self.visible_werkplaats(caller, id).await?;
        let guard = self.present(caller, werkplaats).await;
        let mut present = self.present_now(werkplaats);
        // The first list sent must be made after this subscriber arrived;
        // the change asks for one at once.
        let joined = self.presence.changed(werkplaats);
        present.mark_changed();
        Ok(WatchingPresence {
            app: self.clone(),
            stream: werkplaats,
            present,
            joined,
            sent: None,
            _presence: guard,
        })
    }

    /// The werkplaats's presence as this instance works it out, starting
    /// the task that does when nobody here watched it yet.
    fn present_now(&self, werkplaats: Uuid) -> PresentNow {
        let mut watched = self
            .presence
            .watched
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(present) = watched.get(&werkplaats) {
            return present.clone();
        }
        let (sender, present) = watch::channel(None);
        watched.insert(werkplaats, present.clone());
        tokio::spawn(self.clone().work_out_presence(werkplaats, sender));
        present
    }

    /// Works out who is present after each change, while anyone watches.
    async fn work_out_presence(
        self,
        werkplaats: Uuid,
        sender: watch::Sender<Option<Arc<Present>>>,
    ) {
        let mut changed = self.presence.changed.subscribe();
        loop {
            {
                let mut watched = self
                    .presence
                    .watched
                    .lock()
                    .unwrap_or_else(|p| p.into_inner());
                // The map holds one receiver; the subscribers hold the others.
                if sender.receiver_count() <= 1 {
                    watched.remove(&werkplaats);
                    return;
                }
            }
            let made_after = self.presence.changes.load(Ordering::SeqCst);
            match self.presence_entries(werkplaats).await {
                // Sent even when unchanged: a subscriber that arrived since
                // waits for a list made after it did.
                Ok(entries) => {
                    let place = self.presence.places.fetch_add(1, Ordering::SeqCst) + 1;
                    sender.send_replace(Some(Arc::new(Present {
                        place,
                        made_after,
                        entries,
                    })));
                }
                Err(error) => tracing::warn!(%error, "cannot read presence"),
            }
            // Until this werkplaats' presence changes (or a while passes).
            let _ = tokio::time::timeout(HEARTBEAT, async {
                loop {
                    match changed.recv().await {
                        Ok(w) if w == werkplaats => return,
                        Ok(_) => continue,
                        Err(_) => return,
                    }
                }
            })
            .await;
        }
    }
}

/// One subscriber of a werkplaats's presence.
pub struct WatchingPresence {
    app: App,
    stream: Uuid,
    present: PresentNow,
    /// Changes seen when the subscriber arrived: earlier lists may miss it.
    joined: i64,
    /// The entries last sent.
    sent: Option<Vec<PresenceEntry>>,
    /// Counts the caller as present while the subscription lives.
    _presence: Option<PresenceGuard>,
}

impl WatchingPresence {
    /// The werkplaats whose presence is watched.
    pub fn stream(&self) -> Uuid {
        self.stream
    }

    /// Who is present now, then after each change.
    pub fn into_stream(self) -> impl Stream<Item = Arc<Present>> + Send + 'static {
        futures::stream::unfold(self, |mut w| async move {
            let next = w.next().await;
            Some((next, w))
        })
    }

    async fn next(&mut self) -> Arc<Present> {
        loop {
            if self.present.changed().await.is_err() {
                self.present = self.app.present_now(self.stream);
                self.present.mark_changed();
                continue;
            }
            let Some(present) = self.present.borrow_and_update().clone() else {
                continue;
            };
            if present.made_after < self.joined || self.sent.as_ref() == Some(&present.entries) {
                continue;
            }
            self.sent = Some(present.entries.clone());
            return present;
        }
    }
}
