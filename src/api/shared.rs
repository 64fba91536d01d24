//! One execution per live result, shared by every subscriber who asked for
//! the same.
//!
//! Ten thousand subscribers of twenty werkplaatsen are five hundred per
//! werkplaats, nearly all of them holding the same subscription document.
//! Executing that selection once per subscriber per event spent both cores
//! on the same work five hundred times over; Hasura's answer, which this
//! module follows, is to multiplex. A subscription is executed by
//! async-graphql as usual while it catches up, since each subscriber is at
//! its own place in the history then. Once caught up, its resolver hands
//! what comes next ([`Live`]) to the connection through a [`Handoff`] and
//! ends its own stream. From there the connection asks its [`Group`] for
//! each item's payload. A group is every subscriber on this instance with
//! the same werkplaats, document, operation, [`Visibility`] and variables,
//! leaving out the variables that only say which werkplaats or from which
//! version: they choose the items, not how an item is shown. The first
//! subscriber to ask for an item executes the document once for that item
//! alone (its resolver sees [`Rendering`] and answers just that item) and
//! serialises the response once; the others wait for it and receive the
//! same bytes, with only their operation id written around them.
//!
//! Events go one step further. Waking five hundred subscribers' tasks to
//! hand each the same bytes was most of what was left, so a caught-up
//! events subscriber boards its group's [`Pump`]: one task that takes each
//! new event, renders it once and queues the frame on every rider's
//! connection without waiting, while the riders' own tasks stay parked. A
//! rider that cannot keep up is handed back and goes on alone, as every
//! subscriber did before, until it has caught up again.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Request, Variables};
use async_graphql_value::Value;
use axum::extract::ws::Message;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::StreamExt;
use tokio::sync::{oneshot, Notify, OnceCell};
use uuid::Uuid;

use super::http::with_codes;
use super::WerkplaatsSchema;
use crate::app::{
    Caller, EventRecord, Following, Present, Watching, WatchingPresence, WerkplaatsAt,
};
use crate::ops::metrics;

/// Items a group keeps rendered, for subscribers a little behind the others.
const KEPT: usize = 32;

/// One live result, before it is shown.
#[derive(Clone)]
pub enum Item {
    Event(Arc<EventRecord>),
    Werkplaats(Arc<WerkplaatsAt>),
    Presence(Arc<Present>),
}

impl Item {
    /// Its place among the items of its kind in its werkplaats: what makes
    /// two subscribers' items the same item. (A group holds one kind: its
    /// document has one root field.)
    fn place(&self) -> i64 {
        match self {
            Item::Event(record) => record.stored.version,
            Item::Werkplaats(at) => at.view.version,
            Item::Presence(present) => present.place,
        }
    }
}

/// What a caught-up subscription delivers from here on. Its items never
/// end but when the werkplaats's stored history is found rewound under
/// what was delivered: then the client must subscribe again.
pub struct Live {
    stream: Uuid,
    source: Source,
}

enum Source {
    /// Events, which a group's [pump](Pump) can deliver for the follower.
    Events(Box<Following>),
    /// States of the werkplaats or of its presence: each subscriber takes
    /// the newest when it asks.
    Newest(BoxStream<'static, Item>),
}

impl Live {
    /// Every event from where `following` is, live from now on.
    pub fn events(following: Following) -> Live {
        Live {
            stream: following.stream(),
            source: Source::Events(Box::new(following)),
        }
    }

    /// Nothing more: the history was rewound.
    pub fn ended(stream: Uuid) -> Live {
        Live {
            stream,
            source: Source::Newest(futures::stream::empty().boxed()),
        }
    }

    /// The werkplaats now and after each change.
    pub fn werkplaats(watching: Watching) -> Live {
        Live {
            stream: watching.stream(),
            source: Source::Newest(watching.into_stream().map(Item::Werkplaats).boxed()),
        }
    }

    /// Who is present now and after each change.
    pub fn presence(watching: WatchingPresence) -> Live {
        Live {
            stream: watching.stream(),
            source: Source::Newest(watching.into_stream().map(Item::Presence).boxed()),
        }
    }

    async fn next(&mut self) -> Option<Item> {
        match &mut self.source {
            Source::Events(following) => following.next().await.map(Item::Event),
            Source::Newest(items) => items.next().await,
        }
    }
}

/// Where a resolver leaves its [`Live`] for the connection to take.
#[derive(Clone, Default)]
pub struct Handoff(Arc<Mutex<Option<Live>>>);

impl Handoff {
    pub fn put(&self, live: Live) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(live);
    }

    pub fn take(&self) -> Option<Live> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Request data for executing a subscription for one item only.
pub struct Rendering(pub Item);

/// The stored events `following` reaches, then its live remainder handed
/// off. Without a handoff (executed outside a websocket connection), every
/// event.
pub fn events_until_live(
    following: Following,
    handoff: Option<Handoff>,
) -> BoxStream<'static, Arc<EventRecord>> {
    let Some(handoff) = handoff else {
        return following.into_stream().boxed();
    };
    futures::stream::unfold(Some(following), move |following| {
        let handoff = handoff.clone();
        async move {
            let mut following = following?;
            match following.next_stored().await {
                Some(record) => Some((record, Some(following))),
                // Rewound under the follower while it caught up: its live
                // part is over before it began.
                None if following.rewound() => {
                    handoff.put(Live::ended(following.stream()));
                    None
                }
                None => {
                    handoff.put(Live::events(following));
                    None
                }
            }
        }
    })
    .boxed()
}

/// What a subscriber sees of a werkplaats. Every caller admitted to a
/// werkplaats sees all of it, and the live types (events, the werkplaats,
/// presence) resolve without reading who asks; only the error codes differ
/// for an anonymous caller. A resolver that starts to show callers
/// different things must say so here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visibility {
    Anonymous,
    Admitted,
}

/// A subscription as its client sent it, kept until it is caught up.
pub struct Subscribed {
    pub query: String,
    pub operation_name: Option<String>,
    pub variables: Variables,
    pub caller: Option<Caller>,
}

impl Subscribed {
    fn visibility(&self) -> Visibility {
        match self.caller {
            None => Visibility::Anonymous,
            Some(_) => Visibility::Admitted,
        }
    }

    /// The request executing this selection for `item` alone.
    fn request(&self, document: &ExecutableDocument, item: Item) -> Request {
        let mut request = Request::new(self.query.clone()).variables(self.variables.clone());
        if let Some(name) = &self.operation_name {
            request = request.operation_name(name.clone());
        }
        request.set_parsed_query(document.clone());
        if let Some(caller) = self.caller {
            request = request.data(caller);
        }
        request.data(Rendering(item))
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct GroupKey {
    stream: Uuid,
    query: String,
    operation_name: Option<String>,
    /// The variables that can change how an item is shown, as sorted JSON.
    variables: String,
    visibility: Visibility,
}

/// How many live results an instance executed and how many it sent: the
/// second divided by the first is how widely they were shared. (Also on
/// `/metrics`, process-wide; these are one server's.) And how many groups'
/// pumps run now.
#[derive(Clone, Default)]
pub struct LiveCounts {
    executed: Arc<AtomicU64>,
    sent: Arc<AtomicU64>,
    pumps: Arc<AtomicU64>,
}

impl LiveCounts {
    pub fn executed(&self) -> u64 {
        self.executed.load(Ordering::Relaxed)
    }

    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn pumps(&self) -> u64 {
        self.pumps.load(Ordering::Relaxed)
    }
}

/// Counts a pump as running for as long as its task does, however it ends.
struct Running(Arc<AtomicU64>);

impl Running {
    fn new(pumps: &Arc<AtomicU64>) -> Running {
        pumps.fetch_add(1, Ordering::Relaxed);
        Running(pumps.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An item's `next` payload as JSON, once the first to ask has executed it.
type Payload = Arc<OnceCell<Arc<str>>>;

/// Subscribers of one instance that receive the same payload for each item.
pub struct Group {
    key: GroupKey,
    counts: LiveCounts,
    registry: Weak<Mutex<HashMap<GroupKey, Weak<Group>>>>,
    schema: WerkplaatsSchema,
    subscribed: Subscribed,
    document: ExecutableDocument,
    /// The last items asked for, by place, each executed once.
    rendered: Mutex<VecDeque<(i64, Payload)>>,
    pump: Mutex<Pump>,
    /// Told when the last rider left, so an idle pump need not wait for
    /// the next event to notice.
    emptied: Notify,
}

/// Where a subscriber's results go: its connection's queue, as frames with
/// its operation id written around each payload.
pub trait Recipient: Send + Sync + 'static {
    /// What its frames look like apart from the payload (protocol and
    /// operation id): subscribers that look alike are sent the same frame.
    fn look(&self) -> &str;

    /// The frame around `payload`.
    fn frame(&self, payload: &str) -> Message;

    /// Queues `frame` if there is room right now.
    fn offer(&self, frame: Message) -> Offer;

    /// Queues `frame`, waiting for room; `false` once the subscriber is
    /// gone.
    fn send(&self, frame: Message) -> BoxFuture<'_, bool>;
}

/// What became of a payload offered without waiting.
pub enum Offer {
    Queued,
    /// The subscriber's queue is full: it reads slower than results come.
    Full,
    /// The subscriber stopped the operation or left.
    Gone,
}

/// Why a live subscription's delivery ended.
pub enum Ended {
    /// The subscriber stopped the operation or left.
    Gone,
    /// The stored history was found rewound under what was delivered.
    Rewound,
}

/// One task per group that delivers each new event to every caught-up
/// events subscriber of the group, with no task of theirs woken: the
/// riders' own tasks wait, parked, until the pump hands them back.
///
/// A subscriber boards when it is where the pump is (or ahead of it) and
/// rides from there; one behind keeps going on its own until it has caught
/// up. A rider whose queue is full is handed back where the pump left it
/// and goes on alone, waiting for room and reading the table for what it
/// missed, as a slow reader always did; it boards again once caught up.
/// The pump's own follower is the truth about the order: each rider gets
/// exactly the events after the last one it was sent, no gap, no repeat.
#[derive(Default)]
struct Pump {
    running: bool,
    /// The last version the pump handled.
    at: i64,
    riders: Vec<Rider>,
    boarded: u64,
}

struct Rider {
    ticket: u64,
    recipient: Arc<dyn Recipient>,
    delivered: i64,
    back: oneshot::Sender<Back>,
}

/// Where the pump leaves a rider it hands back.
enum Back {
    At(i64),
    Rewound,
}

/// A rider's seat, given up when its task ends while it rides.
struct Seat<'a> {
    group: &'a Group,
    ticket: u64,
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        let mut pump = self.group.pump();
        pump.riders.retain(|rider| rider.ticket != self.ticket);
        if pump.riders.is_empty() {
            self.group.emptied.notify_one();
        }
    }
}

impl Group {
    fn pump(&self) -> std::sync::MutexGuard<'_, Pump> {
        self.pump.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn deliver(self: Arc<Self>, mut live: Live, recipient: Arc<dyn Recipient>) -> Ended {
        loop {
            if let Source::Events(following) = &mut live.source {
                if let Some((ticket, back)) = self.board(following, &recipient) {
                    let seat = Seat {
                        group: &self,
                        ticket,
                    };
                    let back = back.await;
                    drop(seat);
                    match back {
                        Ok(Back::At(delivered)) => following.skip_to(delivered),
                        Ok(Back::Rewound) => return Ended::Rewound,
                        // The pump is gone without a word: it panicked.
                        Err(_) => {
                            tracing::error!("a live group's pump ended unexpectedly");
                            return Ended::Gone;
                        }
                    }
                }
            }
            let Some(item) = live.next().await else {
                return Ended::Rewound;
            };
            // Boxed: the task keeps room for this future for as long as the
            // subscription lives, idle or not.
            let payload = Box::pin(self.payload(item)).await;
            if !recipient.send(recipient.frame(&payload)).await {
                return Ended::Gone;
            }
            self.sent();
        }
    }

    fn sent(&self) {
        self.counts.sent.fetch_add(1, Ordering::Relaxed);
        metrics::live_sent();
    }

    /// Seats the follower's subscriber on the pump when it is where the
    /// pump is or ahead, starting the pump when it is the first.
    fn board(
        self: &Arc<Self>,
        following: &Following,
        recipient: &Arc<dyn Recipient>,
    ) -> Option<(u64, oneshot::Receiver<Back>)> {
        let delivered = following.delivered();
        let mut pump = self.pump();
        if pump.running && delivered < pump.at {
            return None;
        }
        pump.boarded += 1;
        let ticket = pump.boarded;
        let (back, parked) = oneshot::channel();
        pump.riders.push(Rider {
            ticket,
            recipient: recipient.clone(),
            delivered,
            back,
        });
        if !pump.running {
            pump.running = true;
            pump.at = delivered;
            tokio::spawn(self.clone().run_pump(following.alongside()));
        }
        Some((ticket, parked))
    }

    async fn run_pump(self: Arc<Self>, mut following: Following) {
        let _running = Running::new(&self.counts.pumps);
        loop {
            let record = tokio::select! {
                record = following.next() => record,
                () = self.emptied.notified() => {
                    let mut pump = self.pump();
                    if pump.riders.is_empty() {
                        pump.running = false;
                        return;
                    }
                    continue;
                }
            };
            let Some(record) = record else {
                let mut pump = self.pump();
                pump.running = false;
                for rider in pump.riders.drain(..) {
                    let _ = rider.back.send(Back::Rewound);
                }
                return;
            };
            let version = record.stored.version;
            let payload = self.payload(Item::Event(record)).await;
            // Most clients number their operations alike ("1", "2", ...):
            // those get one frame, shared.
            let mut framed: Vec<(Arc<dyn Recipient>, Message)> = Vec::new();
            let mut frame = |recipient: &Arc<dyn Recipient>| {
                let alike = framed
                    .iter()
                    .find(|(seen, _)| seen.look() == recipient.look());
                if let Some((_, frame)) = alike {
                    return frame.clone();
                }
                let frame = recipient.frame(&payload);
                framed.push((recipient.clone(), frame.clone()));
                frame
            };
            let mut pump = self.pump();
            let riders = std::mem::take(&mut pump.riders);
            for mut rider in riders {
                if rider.delivered >= version {
                    pump.riders.push(rider);
                    continue;
                }
                let offer = match rider.delivered + 1 == version {
                    true => rider.recipient.offer(frame(&rider.recipient)),
                    false => Offer::Full,
                };
                match offer {
                    Offer::Queued => {
                        rider.delivered = version;
                        self.sent();
                        pump.riders.push(rider);
                    }
                    Offer::Full | Offer::Gone => {
                        let _ = rider.back.send(Back::At(rider.delivered));
                    }
                }
            }
            pump.at = version;
            if pump.riders.is_empty() {
                pump.running = false;
                return;
            }
        }
    }

    /// The `payload` of the `next` message for `item`, as JSON: executed by
    /// the first subscriber to ask, shared with the others.
    pub async fn payload(&self, item: Item) -> Arc<str> {
        let place = item.place();
        let cell = {
            let mut rendered = self.rendered.lock().unwrap_or_else(|p| p.into_inner());
            match rendered.iter().find(|(at, _)| *at == place) {
                Some((_, cell)) => cell.clone(),
                None => {
                    if rendered.len() >= KEPT {
                        rendered.pop_front();
                    }
                    let cell = Arc::new(OnceCell::new());
                    rendered.push_back((place, cell.clone()));
                    cell
                }
            }
        };
        cell.get_or_init(|| self.render(item)).await.clone()
    }

    async fn render(&self, item: Item) -> Arc<str> {
        self.counts.executed.fetch_add(1, Ordering::Relaxed);
        metrics::live_executed();
        let request = self.subscribed.request(&self.document, item);
        let response = self
            .schema
            .execute_stream(request)
            .next()
            .await
            .unwrap_or_default();
        let anonymous = self.key.visibility == Visibility::Anonymous;
        let response = with_codes(response, anonymous);
        // A response is JSON with string keys only: serialising cannot fail.
        serde_json::to_string(&response)
            .expect("a response serialises")
            .into()
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let Some(registry) = self.registry.upgrade() else {
            return;
        };
        let mut groups = registry.lock().unwrap_or_else(|p| p.into_inner());
        // A new group under the same key may have taken the place already.
        if groups
            .get(&self.key)
            .is_some_and(|group| group.strong_count() == 0)
        {
            groups.remove(&self.key);
        }
    }
}

/// This instance's groups.
#[derive(Clone, Default)]
pub struct Groups {
    groups: Arc<Mutex<HashMap<GroupKey, Weak<Group>>>>,
    counts: LiveCounts,
}

impl Groups {
    pub fn counts(&self) -> LiveCounts {
        self.counts.clone()
    }

    /// Delivers a caught-up subscription's items to `recipient`, each
    /// executed once in its group, until the subscriber is gone or the
    /// history was rewound. `None` when the document does not parse (then
    /// it never executed and nothing was handed off).
    pub async fn deliver(
        &self,
        schema: &WerkplaatsSchema,
        subscribed: Subscribed,
        live: Live,
        recipient: Arc<dyn Recipient>,
    ) -> Option<Ended> {
        let group = self.join(schema, live.stream, subscribed)?;
        Some(group.deliver(live, recipient).await)
    }

    /// The group of `subscribed` for `stream`, made when it is the first.
    fn join(
        &self,
        schema: &WerkplaatsSchema,
        stream: Uuid,
        subscribed: Subscribed,
    ) -> Option<Arc<Group>> {
        let document = async_graphql::parser::parse_query(&subscribed.query).ok()?;
        let key = GroupKey {
            stream,
            query: subscribed.query.clone(),
            operation_name: subscribed.operation_name.clone(),
            variables: shown_variables(&document, &subscribed.variables),
            visibility: subscribed.visibility(),
        };
        let mut groups = self.groups.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(group) = groups.get(&key).and_then(Weak::upgrade) {
            return Some(group);
        }
        let group = Arc::new(Group {
            key: key.clone(),
            counts: self.counts.clone(),
            registry: Arc::downgrade(&self.groups),
            schema: schema.clone(),
            subscribed,
            document,
            rendered: Mutex::new(VecDeque::with_capacity(KEPT)),
            pump: Mutex::new(Pump::default()),
            emptied: Notify::new(),
        });
        groups.insert(key, Arc::downgrade(&group));
        Some(group)
    }
}

/// The variables as sorted JSON, without those used only in the root
/// fields' arguments (which werkplaats, after which version): every other
/// use can change what an item looks like.
fn shown_variables(document: &ExecutableDocument, variables: &Variables) -> String {
    let mut in_root_arguments = HashSet::new();
    let mut elsewhere = HashSet::new();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        directives(&operation.directives, &mut elsewhere);
        for item in &operation.selection_set.node.items {
            match &item.node {
                Selection::Field(field) => {
                    for (_, value) in &field.node.arguments {
                        used(&value.node, &mut in_root_arguments);
                    }
                    directives(&field.node.directives, &mut elsewhere);
                    selection_set(&field.node.selection_set.node, &mut elsewhere);
                }
                _ => selection_set_item(&item.node, &mut elsewhere),
            }
        }
    }
    for fragment in document.fragments.values() {
        directives(&fragment.node.directives, &mut elsewhere);
        selection_set(&fragment.node.selection_set.node, &mut elsewhere);
    }
    let shown: BTreeMap<&str, &async_graphql::Value> = variables
        .iter()
        .filter(|(name, _)| !in_root_arguments.contains(*name) || elsewhere.contains(*name))
        .map(|(name, value)| (name.as_str(), value))
        .collect();
    serde_json::to_string(&shown).expect("variables serialise")
}

fn selection_set(set: &SelectionSet, used_here: &mut HashSet<Name>) {
    for item in &set.items {
        selection_set_item(&item.node, used_here);
    }
}

fn selection_set_item(item: &Selection, used_here: &mut HashSet<Name>) {
    match item {
        Selection::Field(field) => {
            for (_, value) in &field.node.arguments {
                used(&value.node, used_here);
            }
            directives(&field.node.directives, used_here);
            selection_set(&field.node.selection_set.node, used_here);
        }
        Selection::FragmentSpread(spread) => directives(&spread.node.directives, used_here),
        Selection::InlineFragment(fragment) => {
            directives(&fragment.node.directives, used_here);
            selection_set(&fragment.node.selection_set.node, used_here);
        }
    }
}

fn directives(directives: &[Positioned<Directive>], used_here: &mut HashSet<Name>) {
    for directive in directives {
        for (_, value) in &directive.node.arguments {
            used(&value.node, used_here);
        }
    }
}

fn used(value: &Value, names: &mut HashSet<Name>) {
    match value {
        Value::Variable(name) => {
            names.insert(name.clone());
        }
        Value::List(values) => values.iter().for_each(|v| used(v, names)),
        Value::Object(fields) => fields.values().for_each(|v| used(v, names)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(query: &str, variables: serde_json::Value) -> String {
        let document = async_graphql::parser::parse_query(query).unwrap();
        shown_variables(&document, &Variables::from_json(variables))
    }

    #[test]
    fn where_to_start_is_not_part_of_how_an_item_looks() {
        let query = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version } }";
        assert_eq!(
            shown(query, serde_json::json!({"id": "a", "after": 3})),
            shown(query, serde_json::json!({"id": "a", "after": 9}))
        );
    }

    #[test]
    fn a_variable_the_selection_reads_is_part_of_it() {
        let query = "subscription($id: ID!, $data: Boolean!) { werkplaatsEvents(werkplaatsId: $id) { version data @include(if: $data) } }";
        assert_ne!(
            shown(query, serde_json::json!({"id": "a", "data": true})),
            shown(query, serde_json::json!({"id": "a", "data": false}))
        );
        let in_fragment = "subscription($id: ID!, $v: Boolean!) { werkplaatsEvents(werkplaatsId: $id) { ...F } } fragment F on Event { version @skip(if: $v) }";
        assert_ne!(
            shown(in_fragment, serde_json::json!({"id": "a", "v": true})),
            shown(in_fragment, serde_json::json!({"id": "a", "v": false}))
        );
    }

    #[test]
    fn a_variable_used_in_the_root_arguments_and_below_is_kept() {
        let query = "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { version actor { id @include(if: $id) } } }";
        assert_ne!(
            shown(query, serde_json::json!({"id": "a"})),
            shown(query, serde_json::json!({"id": "b"}))
        );
    }
}
