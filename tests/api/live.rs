//! Live collaboration across server instances, over real websockets: two
//! instances on one database, events fanned out in order whichever
//! instance appended them, the listener connections killed mid-stream,
//! `werkplaatsChanged` under a burst, and presence (also as an instance
//! started later sees it).

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::time::Instant;

use crate::kit::app::{assert_error, assert_ok, TestApp};
use crate::kit::seed::create_werkplaats;
use crate::kit::ws::{Next, Subscription};

/// Longest wait for any one websocket message that should come.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a subscription must stay silent to show it repeats nothing:
/// longer than the servers' one-second fallback poll.
const QUIET: Duration = Duration::from_millis(1_500);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version hash prevHash } }";

const CHANGED: &str =
    "subscription($id: ID!) { werkplaatsChanged(werkplaatsId: $id) { version problems { id } } }";

const PRESENCE: &str =
    "subscription($id: ID!) { presence(werkplaatsId: $id) { member { name } editing since } }";

const SET_PRESENCE: &str = "mutation($input: SetPresenceInput!) { setPresence(input: $input) { presence { member { name } editing } } }";

/// One server instance, spoken to over HTTP and websockets.
#[derive(Clone)]
struct Server {
    name: &'static str,
    address: String,
    ws_url: String,
    http: reqwest::Client,
}

/// The test's first instance (A) and a second one on its database (B).
async fn two_instances(app: &TestApp) -> (Server, Server) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let other = app.another_instance().await;
    let a = Server {
        name: "A",
        address: app.address.clone(),
        ws_url: app.ws_url(),
        http: http.clone(),
    };
    let b = Server {
        name: "B",
        address: other.address.clone(),
        ws_url: other.ws_url(),
        http,
    };
    (a, b)
}

impl Server {
    async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/graphql", self.address))
            .bearer_auth(token)
            .json(&json!({"query": query, "variables": variables}))
            .send()
            .await
            .expect("the server answers");
        assert!(
            !response.status().is_server_error(),
            "HTTP {} from {} for {query}",
            response.status(),
            self.name
        );
        response.json().await.expect("a JSON response")
    }

    /// Subscribes with `token`; panics unless the server acknowledges.
    async fn subscribe(&self, token: &str, query: &str, variables: Value) -> Subscription {
        Subscription::start(&self.ws_url, token, query, variables)
            .await
            .unwrap_or_else(|e| panic!("subscribing on {}: {e}", self.name))
    }

    /// Records a problem; returns the new version.
    async fn record_problem(&self, token: &str, werkplaats: &str, title: &str) -> i64 {
        let response = self
            .graphql(
                token,
                "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }",
                json!({"input": {
                    "werkplaatsId": werkplaats,
                    "title": title,
                    "description": "Inwoners melden zich pas laat bij de schuldhulp.",
                    "perspective": "CLIENT",
                }}),
            )
            .await;
        assert_ok(&response);
        response["data"]["recordProblem"]["version"]
            .as_i64()
            .unwrap()
    }

    /// Records a problem; returns the new version and when the answer came.
    async fn append(&self, token: &str, werkplaats: &str, title: &str) -> (i64, Instant) {
        let version = self.record_problem(token, werkplaats, title).await;
        (version, Instant::now())
    }

    /// The events as the `events` query pages them.
    async fn stored_events(&self, token: &str, werkplaats: &str) -> Vec<Value> {
        let response = self
            .graphql(
                token,
                "query($id: ID!) { werkplaats(id: $id) { events(first: 1000) { events { version hash prevHash } } } }",
                json!({"id": werkplaats}),
            )
            .await;
        assert_ok(&response);
        response["data"]["werkplaats"]["events"]["events"]
            .as_array()
            .unwrap()
            .clone()
    }
}

/// An event as a subscriber got it, and when.
struct Delivered {
    event: Value,
    at: Instant,
}

/// The next `count` events of a `werkplaatsEvents` subscription.
async fn read_events(subscription: &mut Subscription, count: i64) -> Vec<Delivered> {
    let mut delivered = Vec::new();
    for _ in 0..count {
        match subscription.next(READ_TIMEOUT).await {
            Next::Data(data) => delivered.push(Delivered {
                event: data["werkplaatsEvents"].clone(),
                at: Instant::now(),
            }),
            other => panic!(
                "expected event {} of {count}, got {other:?}",
                delivered.len() + 1
            ),
        }
    }
    delivered
}

/// Panics if the subscription sends anything within [`QUIET`].
async fn assert_quiet(subscription: &mut Subscription) {
    match subscription.next(QUIET).await {
        Next::Silent => {}
        other => panic!("expected nothing more, got {other:?}"),
    }
}

/// A subscriber that is live (has the two stored events of a new
/// werkplaats) and then reads until `head` in the background.
async fn live_subscriber(
    server: &Server,
    token: &str,
    werkplaats: &str,
    head: i64,
) -> tokio::task::JoinHandle<Vec<Delivered>> {
    let mut subscription = server
        .subscribe(token, EVENTS, json!({"id": werkplaats, "after": 0}))
        .await;
    let mut delivered = read_events(&mut subscription, 2).await;
    tokio::spawn(async move {
        delivered.extend(read_events(&mut subscription, head - 2).await);
        assert_quiet(&mut subscription).await;
        subscription.close().await;
        delivered
    })
}

/// Panics unless `delivered` is exactly the stored events: versions 1..=n
/// in order, the same hashes and links.
#[track_caller]
fn assert_same_as_stored(who: &str, delivered: &[Delivered], stored: &[Value]) {
    let versions: Vec<i64> = delivered
        .iter()
        .map(|d| d.event["version"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=stored.len() as i64).collect();
    assert_eq!(
        versions, expected,
        "{who}: versions in order, no gaps or repeats"
    );
    for (d, s) in delivered.iter().zip(stored) {
        for field in ["version", "hash", "prevHash"] {
            assert_eq!(d.event[field], s[field], "{who}: {field} of {s}");
        }
    }
}

/// The `p`-th percentile (0–100) of some durations, in milliseconds.
fn percentile_ms(durations: &mut [Duration], p: usize) -> u128 {
    durations.sort();
    let index = (durations.len().saturating_sub(1) * p) / 100;
    durations.get(index).map_or(0, Duration::as_millis)
}

#[tokio::test]
async fn subscribers_on_both_instances_get_appends_through_either_in_order() {
    /// Each round appends through A, then B, then through both at once.
    const ROUNDS: usize = 10;
    let app = crate::kit::app::spawn_app().await;
    let (a, b) = two_instances(&app).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let head = 2 + 4 * ROUNDS as i64;

    let mut readers = Vec::new();
    for server in [&a, &a, &b] {
        let reader = live_subscriber(server, &facilitator, &werkplaats, head).await;
        readers.push((server.name, reader));
    }

    // Version -> (instance that appended it, when its answer came).
    let mut committed: HashMap<i64, (&str, Instant)> = HashMap::new();
    for round in 0..ROUNDS {
        for server in [&a, &b] {
            let title = format!("{} {round}", server.name);
            let (version, at) = server.append(&facilitator, &werkplaats, &title).await;
            committed.insert(version, (server.name, at));
        }
        let (title_a, title_b) = (format!("A+ {round}"), format!("B+ {round}"));
        let ((from_a, at_a), (from_b, at_b)) = tokio::join!(
            a.append(&facilitator, &werkplaats, &title_a),
            b.append(&facilitator, &werkplaats, &title_b),
        );
        committed.insert(from_a, ("A", at_a));
        committed.insert(from_b, ("B", at_b));
    }
    let mut versions: Vec<i64> = committed.keys().copied().collect();
    versions.sort_unstable();
    assert_eq!(
        versions,
        (3..=head).collect::<Vec<_>>(),
        "every append has a version of its own"
    );

    let stored = stored_events(&a, &app, &werkplaats).await;
    assert_eq!(stored.len() as i64, head);
    let mut same = Vec::new();
    let mut across = Vec::new();
    let mut received = 0;
    for (name, reader) in readers {
        let delivered = reader.await.expect("the subscriber finishes");
        assert_same_as_stored(&format!("subscriber on {name}"), &delivered, &stored);
        received += delivered.len();
        for d in &delivered[2..] {
            let (writer, at) = committed[&d.event["version"].as_i64().unwrap()];
            let latency = d.at.saturating_duration_since(at);
            let bucket = if writer == name {
                &mut same
            } else {
                &mut across
            };
            bucket.push(latency);
        }
    }
    println!(
        "live: two instances: {} appends (half via A, half via B, {} of them concurrent) -> \
         3 subscribers (2 on A, 1 on B) x {head} events = {received} received in order, \
         0 gaps, 0 repeats; delivery after the answer: same instance p50 {} ms max {} ms, \
         across instances p50 {} ms max {} ms",
        head - 2,
        2 * ROUNDS,
        percentile_ms(&mut same, 50),
        percentile_ms(&mut same, 100),
        percentile_ms(&mut across, 50),
        percentile_ms(&mut across, 100),
    );
}

async fn stored_events(server: &Server, app: &TestApp, werkplaats: &str) -> Vec<Value> {
    server.stored_events(&app.admin_token, werkplaats).await
}

/// Terminates every `LISTEN` connection on the test's database; returns
/// how many there were.
async fn kill_listeners(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid() \
         and query like 'LISTEN%'",
    )
    .fetch_one(pool)
    .await
    .expect("pg_stat_activity is readable")
}

#[tokio::test]
async fn killing_the_listener_connections_loses_and_repeats_no_event() {
    const APPENDS: i64 = 60;
    let app = crate::kit::app::spawn_app().await;
    let (a, b) = two_instances(&app).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    let head = 2 + APPENDS;

    let mut readers = Vec::new();
    for server in [&a, &a, &b, &b] {
        let reader = live_subscriber(server, &facilitator, &werkplaats, head).await;
        readers.push((server.name, reader));
    }

    // Appends alternate between the instances, so every subscriber needs
    // the other instance's notifications.
    let writer = {
        let (a, b) = (a.clone(), b.clone());
        let (facilitator, werkplaats) = (facilitator.clone(), werkplaats.clone());
        tokio::spawn(async move {
            let mut committed = HashMap::new();
            for n in 0..APPENDS {
                let server = if n % 2 == 0 { &a } else { &b };
                let title = format!("Probleem {n}");
                let (version, at) = server.append(&facilitator, &werkplaats, &title).await;
                committed.insert(version, at);
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            committed
        })
    };
    let (mut killed, mut rounds) = (0, 0);
    while !writer.is_finished() {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let n = kill_listeners(&app.pool).await;
        killed += n;
        rounds += i64::from(n > 0);
    }
    let committed = writer.await.expect("the writer finishes");
    assert!(
        rounds >= 3,
        "the listeners were killed during the appends ({rounds} times)"
    );

    let stored = stored_events(&a, &app, &werkplaats).await;
    assert_eq!(stored.len() as i64, head);
    let mut received = 0;
    let mut latencies = Vec::new();
    for (name, reader) in readers {
        let delivered = reader.await.expect("the subscriber finishes");
        assert_same_as_stored(&format!("subscriber on {name}"), &delivered, &stored);
        received += delivered.len();
        for d in &delivered[2..] {
            let at = committed[&d.event["version"].as_i64().unwrap()];
            latencies.push(d.at.saturating_duration_since(at));
        }
    }
    println!(
        "live: listener connections killed {rounds} times ({killed} backends) during \
         {APPENDS} appends via A and B; 4 subscribers x {head} events = {received} received, \
         equal to the {} stored (versions and hashes); 0 lost, 0 repeated; \
         delivery after the answer p50 {} ms, p99 {} ms, max {} ms",
        stored.len(),
        percentile_ms(&mut latencies, 50),
        percentile_ms(&mut latencies, 99),
        percentile_ms(&mut latencies, 100),
    );
}

/// The next `werkplaatsChanged` state: `(version, number of problems)`.
async fn next_state(subscription: &mut Subscription) -> (i64, usize) {
    match subscription.next(READ_TIMEOUT).await {
        Next::Data(data) => {
            let werkplaats = &data["werkplaatsChanged"];
            (
                werkplaats["version"].as_i64().unwrap(),
                werkplaats["problems"].as_array().unwrap().len(),
            )
        }
        other => panic!("expected the werkplaats, got {other:?}"),
    }
}

/// States until one has version `head`; panics unless versions only
/// increase and each state is the werkplaats at its version (a new
/// werkplaats of version 2 plus one problem per version).
async fn states_until(subscription: &mut Subscription, head: i64) -> Vec<i64> {
    let mut versions: Vec<i64> = Vec::new();
    while versions.last() != Some(&head) {
        let (version, problems) = next_state(subscription).await;
        if let Some(&last) = versions.last() {
            assert!(
                version > last,
                "versions only increase: {last} then {version}"
            );
        }
        assert_eq!(
            problems as i64,
            version - 2,
            "the state at version {version}"
        );
        versions.push(version);
    }
    versions
}

#[tokio::test]
async fn werkplaats_changed_ends_on_the_head_after_a_burst_from_another_instance() {
    const BURST: i64 = 30;
    const WRITERS: i64 = 6;
    let app = crate::kit::app::spawn_app().await;
    let (a, b) = two_instances(&app).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "MOVISIE_VIJF_STAPPEN").await;
    let head = 2 + BURST;
    let variables = json!({"id": werkplaats});

    // One client reads as states come, another only after the burst.
    let mut eager = a.subscribe(&facilitator, CHANGED, variables.clone()).await;
    let mut slow = a.subscribe(&facilitator, CHANGED, variables).await;
    assert_eq!(next_state(&mut eager).await, (2, 0), "the werkplaats now");
    assert_eq!(next_state(&mut slow).await, (2, 0), "the werkplaats now");
    let eager = tokio::spawn(async move {
        let states = states_until(&mut eager, head).await;
        assert_quiet(&mut eager).await;
        eager.close().await;
        states
    });

    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (b, facilitator, werkplaats) = (b.clone(), facilitator.clone(), werkplaats.clone());
            tokio::spawn(async move {
                let mut versions = Vec::new();
                for n in 0..BURST / WRITERS {
                    let title = format!("Burst {w}.{n}");
                    versions.push(b.record_problem(&facilitator, &werkplaats, &title).await);
                }
                versions
            })
        })
        .collect();
    let mut written = Vec::new();
    for writer in writers {
        written.extend(writer.await.expect("the writer finishes"));
    }
    assert_eq!(written.iter().max(), Some(&head));

    let eager = eager.await.expect("the eager client finishes");
    let slow_states = states_until(&mut slow, head).await;
    assert_quiet(&mut slow).await;
    slow.close().await;
    println!(
        "live: werkplaatsChanged: {BURST} mutations via B by {WRITERS} writers -> a client on A \
         reading along got {} states, one reading after the burst got {} (versions {:?}); \
         versions only increase, the last is the head {head}",
        eager.len(),
        slow_states.len(),
        slow_states
    );
}

/// The presence entry of the member called `name` in a list, if present.
fn entry<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array()?
        .iter()
        .find(|entry| entry["member"]["name"] == name)
}

/// Presence lists until one satisfies `wanted`, within `wait`; returns it.
async fn presence_until(
    subscription: &mut Subscription,
    wait: Duration,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + wait;
    let mut last = Value::Null;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match subscription.next(left).await {
            Next::Data(data) => {
                last = data["presence"].clone();
                if wanted(&last) {
                    return last;
                }
            }
            Next::Silent => panic!("{what}: not within {wait:?}; last presence {last}"),
            other => panic!("{what}: expected presence, got {other:?}"),
        }
    }
}

async fn set_presence(server: &Server, token: &str, werkplaats: &str, editing: Value) -> Value {
    server
        .graphql(
            token,
            SET_PRESENCE,
            json!({"input": {"werkplaatsId": werkplaats, "editing": editing}}),
        )
        .await
}

#[tokio::test]
async fn presence_is_shared_across_instances_and_ends_after_disconnect() {
    const FACILITATOR: &str = "Procesbegeleider";
    const PARTNER: &str = "Budgetcoach";
    let app = crate::kit::app::spawn_app().await;
    let (a, b) = two_instances(&app).await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    // A partner member and an action to edit.
    let response = a
        .graphql(
            &facilitator,
            "mutation($input: AddPartnerInput!) { addPartner(input: $input) { partner { id } } }",
            json!({"input": {"werkplaatsId": werkplaats, "name": "Gemeente Testdorp", "kind": "GEMEENTE"}}),
        )
        .await;
    assert_ok(&response);
    let partner_id = response["data"]["addPartner"]["partner"]["id"].clone();
    let response = a
        .graphql(
            &facilitator,
            "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token } }",
            json!({"input": {"werkplaatsId": werkplaats, "name": PARTNER, "role": "PARTNER", "partnerId": partner_id}}),
        )
        .await;
    assert_ok(&response);
    let partner = response["data"]["inviteMember"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = a
        .graphql(
            &facilitator,
            "mutation($input: PlanActionInput!) { planAction(input: $input) { action { id } } }",
            json!({"input": {
                "werkplaatsId": werkplaats,
                "title": "Vroegsignalering",
                "goal": "Eerder contact met inwoners met betalingsachterstanden.",
                "ownerPartnerId": partner_id,
            }}),
        )
        .await;
    assert_ok(&response);
    let action = response["data"]["planAction"]["action"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The facilitator holds two subscriptions on A: the events and presence.
    let mut facilitator_events = a
        .subscribe(&facilitator, EVENTS, json!({"id": werkplaats, "after": 0}))
        .await;
    read_events(&mut facilitator_events, 5).await;
    let variables = json!({"id": werkplaats});
    let mut on_a = a.subscribe(&facilitator, PRESENCE, variables.clone()).await;
    presence_until(&mut on_a, READ_TIMEOUT, "the facilitator on A", |list| {
        entry(list, FACILITATOR).is_some()
    })
    .await;

    // The partner, on B, sees the facilitator connected to A.
    let started = Instant::now();
    let mut on_b = b.subscribe(&partner, PRESENCE, variables).await;
    let list = presence_until(&mut on_b, READ_TIMEOUT, "both members on B", |list| {
        entry(list, FACILITATOR).is_some() && entry(list, PARTNER).is_some()
    })
    .await;
    let seen_after = started.elapsed();
    assert!(entry(&list, FACILITATOR).unwrap()["editing"].is_null());
    assert!(entry(&list, FACILITATOR).unwrap()["since"].is_string());

    // What the partner edits, said through B, shows on A.
    let response = set_presence(&b, &partner, &werkplaats, json!(action)).await;
    assert_ok(&response);
    let answered = &response["data"]["setPresence"]["presence"];
    assert_eq!(
        entry(answered, PARTNER).unwrap()["editing"],
        action.as_str()
    );
    let started = Instant::now();
    presence_until(&mut on_a, READ_TIMEOUT, "editing on A", |list| {
        entry(list, PARTNER).is_some_and(|e| e["editing"] == action.as_str())
    })
    .await;
    let editing_after = started.elapsed();

    // Ending one of the facilitator's two subscriptions changes nothing ...
    on_a.close().await;
    let kept = Instant::now() + Duration::from_millis(2_500);
    loop {
        match on_b
            .next(kept.saturating_duration_since(Instant::now()))
            .await
        {
            Next::Silent => break,
            Next::Data(data) => assert!(
                entry(&data["presence"], FACILITATOR).is_some(),
                "still present with one subscription left: {data}"
            ),
            other => panic!("expected presence, got {other:?}"),
        }
    }
    // ... ending the last one makes them leave, on the other instance too.
    let closed = Instant::now();
    facilitator_events.close().await;
    presence_until(
        &mut on_b,
        Duration::from_secs(6),
        "the facilitator gone on B",
        |list| entry(list, FACILITATOR).is_none() && entry(list, PARTNER).is_some(),
    )
    .await;
    let gone_after = closed.elapsed();

    // Clearing what one edits.
    let response = set_presence(&b, &partner, &werkplaats, Value::Null).await;
    assert_ok(&response);
    let answered = &response["data"]["setPresence"]["presence"];
    assert!(entry(answered, PARTNER).unwrap()["editing"].is_null());

    // Who may say what.
    let admin = set_presence(&a, &app.admin_token, &werkplaats, json!(action)).await;
    assert_error(&admin, "FORBIDDEN");
    for unknown in ["00000000-0000-4000-8000-000000000000", "geen-id"] {
        let response = set_presence(&b, &partner, &werkplaats, json!(unknown)).await;
        assert_error(&response, "BAD_USER_INPUT");
    }
    let (other, _) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let response = set_presence(&b, &partner, &other, Value::Null).await;
    assert_error(&response, "NOT_FOUND");
    on_b.close().await;
    println!(
        "live: presence: the facilitator on A seen on B after {} ms; editing via B seen on A \
         after {} ms; still present with 1 of 2 subscriptions; gone on B {} ms after the last \
         socket closed; setPresence: admin FORBIDDEN, unknown item BAD_USER_INPUT, \
         other werkplaats NOT_FOUND",
        seen_after.as_millis(),
        editing_after.as_millis(),
        gone_after.as_millis()
    );
}

#[tokio::test]
async fn an_instance_started_later_shows_what_members_are_editing() {
    const FACILITATOR: &str = "Procesbegeleider";
    let app = crate::kit::app::spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let (a, _) = two_instances(&app).await;
    let response = a
        .graphql(
            &facilitator,
            "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { problem { id } } }",
            json!({"input": {
                "werkplaatsId": werkplaats,
                "title": "Late melding",
                "description": "Inwoners melden zich pas laat bij de schuldhulp.",
                "perspective": "CLIENT",
            }}),
        )
        .await;
    assert_ok(&response);
    let problem = response["data"]["recordProblem"]["problem"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The facilitator, present on A, says what they edit ...
    let variables = json!({"id": werkplaats});
    let mut on_a = a.subscribe(&facilitator, PRESENCE, variables.clone()).await;
    let response = set_presence(&a, &facilitator, &werkplaats, json!(problem)).await;
    assert_ok(&response);
    presence_until(&mut on_a, READ_TIMEOUT, "editing on A", |list| {
        entry(list, FACILITATOR).is_some_and(|e| e["editing"] == problem.as_str())
    })
    .await;

    // ... and an instance started afterwards (a deploy, say) shows it too.
    let later = app.another_instance().await;
    let started = Instant::now();
    let mut on_later = Subscription::start(&later.ws_url(), &facilitator, PRESENCE, variables)
        .await
        .expect("the subscription starts");
    presence_until(
        &mut on_later,
        Duration::from_secs(6),
        "editing on the later instance",
        |list| entry(list, FACILITATOR).is_some_and(|e| e["editing"] == problem.as_str()),
    )
    .await;
    let seen_after = started.elapsed();
    on_later.close().await;
    on_a.close().await;
    println!(
        "live: presence: an instance started after setPresence shows the member editing \
         after {} ms",
        seen_after.as_millis()
    );
}
