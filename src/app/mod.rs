//! Command handling and reads: the one place where a request's whole path is
//! visible.
//!
//! A command goes: authenticate the caller (a cached token lookup) → find
//! the werkplaats it may see → take the stream's turn → its kept head (or a
//! fold of the stream) → `domain::decide` → `EventStore::append_on` with
//! the version and head hash it was decided on → fold the new events into
//! the head. When another command got in between, the append reports the
//! stream's new version and the command is decided again on the newer
//! state: partners
//! editing different items never see each other's edits as conflicts, and
//! no update is ever lost. Only a stale `expectedVersion` on the same item
//! (the domain's rule) is a `CONFLICT` for the client.

mod audit;
mod auth;
mod checkpoints;
mod commands;
mod error;
mod feed;
mod follow;
mod heads;
mod library;
mod load;
mod locks;
mod oidc;
mod presence;
mod queries;
mod rate_limit;
pub mod render;
mod snapshots;
mod tokens;
mod watch;

use std::collections::HashMap;
use std::sync::Arc;

use uuid::Uuid;

use crate::domain::Role;
use crate::projections::{PartnerView, WerkplaatsView};
use crate::store::{EventStore, Notifier, StoredEvent};

pub use audit::{referenced_by, ChangeKind, Changes, ItemChange, ProvenanceItem};
pub use auth::{generate_token, hash_token, Caller};
pub use commands::Executed;
pub use error::AppError;
pub use follow::Following;
pub use library::{LessonFilter, LessonPage};
pub use oidc::{Oidc, OidcError, OidcSettings};
pub use presence::{Presence, PresenceEntry, PresenceGuard, Present, WatchingPresence};
pub use queries::{AsOf, EventPage};
pub use rate_limit::{CallerKey, Charge, RateLimiter};
pub use watch::Watching;

/// Whether an event of this type changes the names kept beside the stream,
/// so that a live fold must read them again.
pub(crate) fn changes_names(event_type: &str) -> bool {
    matches!(event_type, "MemberInvited" | "MemberForgotten")
}

/// Write heads kept by an app made without `with_snapshots`.
const DEFAULT_HEADS: usize = 128;

/// What a forgotten member is called everywhere.
pub const FORGOTTEN_NAME: &str = "vergeten lid";

/// The application: shared by every request of this instance. It keeps no
/// state of its own beyond its connections and a cache of folded states
/// (snapshots); any number of instances can run against one database.
#[derive(Clone)]
pub struct App {
    store: EventStore,
    notifier: Notifier,
    admin_token_hash: [u8; 32],
    writers: locks::StreamLocks,
    presence: Presence,
    feeds: feed::Feeds,
    snapshots: snapshots::Snapshots,
    /// The newest fold of each werkplaats being written.
    heads: heads::WriteHeads,
    /// Who holds which token, as far as this instance knows.
    tokens: tokens::TokenCache,
    /// Sign-in with the identity provider, when one is configured.
    oidc: Option<Arc<Oidc>>,
}

impl App {
    pub fn new(store: EventStore, notifier: Notifier, admin_token: &str) -> App {
        App {
            presence: Presence::start(store.clone(), &notifier),
            tokens: tokens::TokenCache::start(notifier.access_changes()),
            store,
            notifier,
            admin_token_hash: hash_token(admin_token),
            writers: locks::StreamLocks::default(),
            feeds: feed::Feeds::default(),
            snapshots: snapshots::Snapshots::new(0, 1),
            heads: heads::WriteHeads::new(DEFAULT_HEADS),
            oidc: None,
        }
    }

    /// Accepts the identity provider's JWTs beside our own tokens.
    pub fn with_oidc(self, settings: Option<OidcSettings>) -> App {
        App {
            oidc: settings.map(|s| Arc::new(Oidc::new(s))),
            ..self
        }
    }

    /// Access changes (removed, forgotten, rotated tokens) from every instance.
    pub fn access_changes(&self) -> tokio::sync::broadcast::Receiver<crate::store::AccessWake> {
        self.notifier.access_changes()
    }

    /// Keeps a snapshot of the folded state every `every` events (0: none),
    /// at most `capacity` in memory; see the `snapshots` module.
    /// The same number of write heads is kept: each is as large as a
    /// snapshot.
    pub fn with_snapshots(mut self, every: u64, capacity: usize) -> App {
        self.snapshots = snapshots::Snapshots::new(every, capacity);
        self.heads = heads::WriteHeads::new(capacity);
        self
    }

    pub fn store(&self) -> &EventStore {
        &self.store
    }
}

/// A werkplaats as of one version: the fold of its first `view.version`
/// events, with the member names kept outside the stream.
#[derive(Clone, Debug)]
pub struct WerkplaatsAt {
    pub view: WerkplaatsView,
    pub names: HashMap<Uuid, Option<String>>,
}

/// A member as the API shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberInfo {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub partner: Option<PartnerView>,
    pub active: bool,
    pub forgotten: bool,
}

impl WerkplaatsAt {
    pub fn member(&self, id: &Uuid) -> Option<MemberInfo> {
        let member = self.view.member(id)?;
        Some(MemberInfo {
            id: member.id,
            name: self
                .names
                .get(id)
                .cloned()
                .flatten()
                .unwrap_or_else(|| FORGOTTEN_NAME.to_owned()),
            role: member.role,
            partner: member
                .partner_id
                .and_then(|p| self.view.partner(&p))
                .cloned(),
            active: member.active,
            forgotten: member.forgotten,
        })
    }

    pub fn members(&self) -> Vec<MemberInfo> {
        self.view
            .members
            .iter()
            .filter_map(|m| self.member(&m.id))
            .collect()
    }
}

/// A stored event with the member who caused it, as they were then.
#[derive(Clone, Debug)]
pub struct EventRecord {
    pub stored: StoredEvent,
    pub actor: Option<MemberInfo>,
}

impl EventRecord {
    fn new(stored: StoredEvent, werkplaats: &WerkplaatsAt) -> EventRecord {
        let actor = stored.actor_id.and_then(|id| werkplaats.member(&id));
        EventRecord { stored, actor }
    }
}

/// Shared handle used by the API layer.
pub type SharedWerkplaats = Arc<WerkplaatsAt>;
