//! Live results executed once for all subscribers who asked for the same
//! (`src/api/shared.rs`), over real websockets: how many executions the
//! server counts, and that each subscriber still gets exactly its own
//! selection, in order, once caught up from wherever it started.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::kit::app::{spawn_app, TestApp};
use crate::kit::seed::create_werkplaats;
use crate::kit::ws::{Next, Subscription};

const WAIT: Duration = Duration::from_secs(10);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version type actor { name role } } }";

/// The same field, but whether `data` is shown depends on a variable.
const WITH_DATA: &str = "subscription($id: ID!, $after: Int, $data: Boolean!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version data @include(if: $data) } }";

const CHANGED: &str =
    "subscription($id: ID!) { werkplaatsChanged(werkplaatsId: $id) { version problems { title } } }";

async fn next_data(subscription: &mut Subscription) -> Value {
    match subscription.next(WAIT).await {
        Next::Data(data) => data,
        other => panic!("expected a result, got {other:?}"),
    }
}

async fn record_problems(app: &TestApp, token: &str, werkplaats: &str, count: usize) -> i64 {
    let mut version = 0;
    for n in 0..count {
        version = app
            .record_problem(
                token,
                werkplaats,
                &format!("Probleem {n}"),
                "Te laat in beeld.",
            )
            .await
            .version;
    }
    version
}

#[tokio::test]
async fn subscribers_of_the_same_selection_share_one_execution_per_event() {
    const PER_GROUP: usize = 12;
    const EVENTS_SENT: usize = 8;
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let observer = app
        .invite_member(&facilitator, &werkplaats, "Waarnemer", "OBSERVER", None)
        .await;
    let head = observer.version;
    let ws_url = app.ws_url();

    // Group 1: the same document from two callers of different roles,
    // starting at different versions. Groups 2 and 3: one document whose
    // variable decides whether `data` is shown.
    let mut plain = Vec::new();
    for n in 0..PER_GROUP {
        let token = if n % 2 == 0 {
            &facilitator
        } else {
            &observer.token
        };
        let after = head - (n as i64 % 3);
        let variables = json!({"id": werkplaats, "after": after});
        let subscription = Subscription::start(&ws_url, token, EVENTS, variables).await;
        plain.push((after, subscription.unwrap()));
    }
    let mut with_data = Vec::new();
    for n in 0..2 * PER_GROUP {
        let shown = n % 2 == 0;
        let variables = json!({"id": werkplaats, "after": head, "data": shown});
        let subscription = Subscription::start(&ws_url, &facilitator, WITH_DATA, variables).await;
        with_data.push((shown, subscription.unwrap()));
    }
    // The stored events before `head` come first, each subscriber's own.
    for (after, subscription) in &mut plain {
        for version in *after + 1..=head {
            assert_eq!(
                next_data(subscription).await["werkplaatsEvents"]["version"],
                version
            );
        }
    }
    let (executed, sent) = (app.live.executed(), app.live.sent());

    let last = record_problems(&app, &facilitator, &werkplaats, EVENTS_SENT).await;
    assert_eq!(last, head + EVENTS_SENT as i64);
    let mut first_payloads = Vec::new();
    for (_, subscription) in &mut plain {
        let mut payloads = Vec::new();
        for version in head + 1..=last {
            let event = next_data(subscription).await["werkplaatsEvents"].clone();
            assert_eq!(event["version"], version);
            assert_eq!(event["type"], "ProblemRecorded");
            assert_eq!(event["actor"]["role"], "FACILITATOR", "{event}");
            payloads.push(event);
        }
        if first_payloads.is_empty() {
            first_payloads = payloads;
        } else {
            assert_eq!(payloads, first_payloads);
        }
    }
    for (shown, subscription) in &mut with_data {
        for version in head + 1..=last {
            let event = next_data(subscription).await["werkplaatsEvents"].clone();
            assert_eq!(event["version"], version);
            assert_eq!(event.get("data").is_some(), *shown, "{event}");
            if *shown {
                assert!(event["data"]["title"].is_string(), "{event}");
            }
        }
    }

    let subscribers = 3 * PER_GROUP as u64;
    let events = EVENTS_SENT as u64;
    // A send is counted once its socket took the frame, so the client may
    // read the last one a moment before the counter moves.
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.live.sent() - sent < subscribers * events && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(app.live.sent() - sent, subscribers * events);
    assert_eq!(
        app.live.executed() - executed,
        3 * events,
        "one execution per event for each of the three groups"
    );
    println!(
        "sharing: {subscribers} subscribers in 3 groups, {events} events: {} executions for {} results",
        app.live.executed() - executed,
        app.live.sent() - sent
    );
}

#[tokio::test]
async fn watchers_of_a_werkplaats_share_each_state_and_end_on_the_newest() {
    const WATCHERS: usize = 10;
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let ws_url = app.ws_url();
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        let variables = json!({"id": werkplaats});
        let watcher = Subscription::start(&ws_url, &facilitator, CHANGED, variables).await;
        let mut watcher = watcher.unwrap();
        assert_eq!(
            next_data(&mut watcher).await["werkplaatsChanged"]["version"],
            2
        );
        watchers.push(watcher);
    }
    let executed = app.live.executed();
    let last = record_problems(&app, &facilitator, &werkplaats, 5).await;
    for watcher in &mut watchers {
        // States may be skipped, never reordered, and the newest comes.
        let mut seen = 2;
        while seen < last {
            let state = next_data(watcher).await["werkplaatsChanged"].clone();
            let version = state["version"].as_i64().unwrap();
            assert!(version > seen, "{version} after {seen}");
            assert_eq!(
                state["problems"].as_array().unwrap().len() as i64,
                version - 2
            );
            seen = version;
        }
    }
    let executions = app.live.executed() - executed;
    assert!(
        (1..=5).contains(&executions),
        "{executions} executions for {WATCHERS} watchers of 5 changes"
    );
}

#[tokio::test]
async fn each_group_of_events_subscribers_has_one_pump_which_ends_when_they_leave() {
    const PER_GROUP: usize = 6;
    let app = spawn_app().await;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let ws_url = app.ws_url();
    let head = 2;
    let mut subscriptions = Vec::new();
    for n in 0..2 * PER_GROUP {
        let (query, variables) = match n % 2 {
            0 => (EVENTS, json!({"id": werkplaats, "after": head})),
            _ => (
                WITH_DATA,
                json!({"id": werkplaats, "after": head, "data": true}),
            ),
        };
        let subscription = Subscription::start(&ws_url, &facilitator, query, variables).await;
        subscriptions.push(subscription.unwrap());
    }
    let last = record_problems(&app, &facilitator, &werkplaats, 4).await;
    for subscription in &mut subscriptions {
        for version in head + 1..=last {
            let data = next_data(subscription).await;
            assert_eq!(data["werkplaatsEvents"]["version"], version);
        }
    }
    assert_eq!(app.live.pumps(), 2, "one pump per group");

    for subscription in subscriptions {
        subscription.close().await;
    }
    // No event comes to show the pumps their riders are gone: they notice.
    let deadline = tokio::time::Instant::now() + WAIT;
    while app.live.pumps() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} pumps still run with no one left",
            app.live.pumps()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
