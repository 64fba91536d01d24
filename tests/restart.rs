//! PostgreSQL restarts while a writer appends through the API and
//! subscribers listen: no accepted command is lost, none is stored twice,
//! and every subscriber ends with exactly the stored events.
//!
//! A test binary of its own, so that cargo runs it apart from the api
//! tests: restarting the cluster cuts every connection to it. It runs
//! `pg_ctlcluster`, so it needs the local cluster and the rights to
//! restart it (the CI runs as root).

// The api tests' helpers; this binary uses only some of them.
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

#[path = "api/live/client.rs"]
mod client;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use client::{Next, Subscription};

/// Writers, each sending its commands one after another.
const WRITERS: usize = 3;
/// Commands the writers send in all.
const COMMANDS: usize = 60;
/// The restart begins once this many are accepted.
const RESTART_AFTER: usize = 15;
/// Longest a writer may take for its commands, retries included.
const WRITE_DEADLINE: Duration = Duration::from_secs(40);
/// Longest a subscriber may take to reach the head.
const FOLLOW_DEADLINE: Duration = Duration::from_secs(50);
/// How long a subscriber at the head must stay silent: longer than the
/// servers' one-second fallback poll.
const QUIET: Duration = Duration::from_millis(1_500);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version hash prevHash } }";

const RECORD_PROBLEM: &str =
    "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }";

/// Runs `pg_ctlcluster <version> main <action>` on the local cluster;
/// whether it succeeded.
fn pg_ctlcluster(action: &str) -> bool {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut versions| versions.find_map(|entry| entry.ok()))
        .map(|entry| entry.file_name());
    let Some(version) = version else {
        return false;
    };
    Command::new("pg_ctlcluster")
        .arg("--skip-systemctl-redirect")
        .arg(version)
        .args(["main", action])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Starts PostgreSQL again when dropped, however the test ends.
struct ClusterGuard;

impl Drop for ClusterGuard {
    fn drop(&mut self) {
        if !pg_ctlcluster("status") && !pg_ctlcluster("start") {
            eprintln!("restart: could not start PostgreSQL again");
        }
    }
}

/// When the PostgreSQL server last started.
async fn postmaster_started(pool: &PgPool) -> String {
    sqlx::query_scalar("select pg_postmaster_start_time()::text")
        .fetch_one(pool)
        .await
        .expect("PostgreSQL answers")
}

/// Posts a GraphQL request; `Err` when there is no JSON answer or it came
/// with an HTTP 5xx.
async fn post(
    http: &reqwest::Client,
    address: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let response = http
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_server_error() {
        return Err(format!("HTTP {}", response.status()));
    }
    response.json().await.map_err(|e| e.to_string())
}

/// What a writer did.
#[derive(Default)]
struct Written {
    /// Requests sent, retries included.
    sent: usize,
    /// Each command's id and the version it was stored as.
    accepted: Vec<(Uuid, i64)>,
    /// Commands that needed more than one request.
    retried: usize,
    /// Requests answered with a GraphQL error.
    refused: usize,
    /// Requests without a JSON answer, or answered with an HTTP 5xx.
    failed: usize,
}

/// Appends its share of [`COMMANDS`] problems, alternating between the
/// instances, each retried with the same `commandId` (through the other
/// instance, as a load balancer might) until it is accepted.
async fn write(
    writer: usize,
    servers: [String; 2],
    token: String,
    werkplaats: String,
    progress: Arc<AtomicUsize>,
) -> Written {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let deadline = Instant::now() + WRITE_DEADLINE;
    let mut written = Written::default();
    for n in (writer..COMMANDS).step_by(WRITERS) {
        let command_id = Uuid::new_v4();
        let variables = json!({"input": {
            "werkplaatsId": werkplaats,
            "title": format!("Probleem {n}"),
            "description": "Inwoners melden zich pas laat bij de schuldhulp.",
            "perspective": "CLIENT",
            "commandId": command_id,
        }});
        for attempt in 0.. {
            written.sent += 1;
            let address = &servers[(n + attempt) % 2];
            let answer = post(&http, address, &token, RECORD_PROBLEM, variables.clone()).await;
            let refusal = match answer {
                Ok(response) if response.get("errors").is_none() => {
                    let version = response["data"]["recordProblem"]["version"]
                        .as_i64()
                        .unwrap();
                    written.accepted.push((command_id, version));
                    written.retried += usize::from(attempt > 0);
                    break;
                }
                Ok(response) => {
                    written.refused += 1;
                    response["errors"].to_string()
                }
                Err(error) => {
                    written.failed += 1;
                    error
                }
            };
            assert!(
                Instant::now() < deadline,
                "command {n} still not accepted: {refusal}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        progress.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    written
}

/// What a subscriber received, over however many connections.
struct Followed {
    events: Vec<Value>,
    reconnects: usize,
}

/// Reads events until the head is known and reached (and nothing more
/// follows); when the subscription ends, subscribes again after the last
/// version received.
async fn follow(
    mut subscription: Option<Subscription>,
    mut events: Vec<Value>,
    ws_url: String,
    token: String,
    werkplaats: String,
    head: watch::Receiver<Option<i64>>,
) -> Followed {
    let deadline = Instant::now() + FOLLOW_DEADLINE;
    let mut reconnects = 0;
    loop {
        let last = events
            .last()
            .map_or(0, |event| event["version"].as_i64().unwrap());
        assert!(
            Instant::now() < deadline,
            "a subscriber is stuck at version {last}"
        );
        let Some(live) = subscription.as_mut() else {
            let variables = json!({"id": werkplaats, "after": last});
            match Subscription::start(&ws_url, &token, EVENTS, variables).await {
                Ok(resumed) => {
                    subscription = Some(resumed);
                    reconnects += 1;
                }
                Err(error) => {
                    println!("restart: subscribing again failed ({error}); retrying");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            }
            continue;
        };
        let at_head = head.borrow().is_some_and(|head| last >= head);
        let wait = if at_head {
            QUIET
        } else {
            Duration::from_millis(250)
        };
        match live.next(wait).await {
            Next::Data(data) => events.push(data["werkplaatsEvents"].clone()),
            Next::Silent if at_head => break,
            Next::Silent => {}
            ended => {
                println!("restart: subscription ended ({ended:?}); again after version {last}");
                if let Some(ended) = subscription.take() {
                    ended.close().await;
                }
            }
        }
    }
    if let Some(subscription) = subscription {
        subscription.close().await;
    }
    Followed { events, reconnects }
}

#[tokio::test]
async fn a_postgresql_restart_loses_and_duplicates_no_event() {
    let app = helpers::spawn_app().await;
    let other = app.another_instance().await;
    // Dropped before `app`, whose drop needs PostgreSQL to remove the database.
    let _cluster = ClusterGuard;
    let (werkplaats, facilitator) = helpers::create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let started_before = postmaster_started(&app.pool).await;

    // Two subscribers on each instance, live before anything is written.
    let (head_sender, head) = watch::channel(None);
    let mut subscribers = Vec::new();
    for ws_url in [app.ws_url(), app.ws_url(), other.ws_url(), other.ws_url()] {
        let variables = json!({"id": werkplaats, "after": 0});
        let mut subscription = Subscription::start(&ws_url, &facilitator, EVENTS, variables)
            .await
            .expect("the subscription starts");
        let mut events = Vec::new();
        while events.len() < 2 {
            match subscription.next(Duration::from_secs(10)).await {
                Next::Data(data) => events.push(data["werkplaatsEvents"].clone()),
                other => panic!("expected a stored event, got {other:?}"),
            }
        }
        subscribers.push(tokio::spawn(follow(
            Some(subscription),
            events,
            ws_url,
            facilitator.clone(),
            werkplaats.clone(),
            head.clone(),
        )));
    }

    let progress = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            tokio::spawn(write(
                writer,
                [app.address.clone(), other.address.clone()],
                facilitator.clone(),
                werkplaats.clone(),
                progress.clone(),
            ))
        })
        .collect();
    while progress.load(Ordering::SeqCst) < RESTART_AFTER {
        assert!(
            writers.iter().all(|w| !w.is_finished()),
            "a writer stopped early"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let restarting = Instant::now();
    let restarted = tokio::task::spawn_blocking(|| pg_ctlcluster("restart"))
        .await
        .unwrap();
    let restart_took = restarting.elapsed();
    assert!(restarted, "pg_ctlcluster restart succeeded");
    let accepted_during = progress.load(Ordering::SeqCst) - RESTART_AFTER;
    let mut written = Written::default();
    for writer in writers {
        let part = writer.await.expect("the writer finishes");
        written.sent += part.sent;
        written.accepted.extend(part.accepted);
        written.retried += part.retried;
        written.refused += part.refused;
        written.failed += part.failed;
    }
    let started_after = postmaster_started(&app.pool).await;
    assert_ne!(started_before, started_after, "PostgreSQL restarted");

    // What is stored: through the API, and the command ids behind it.
    let http = reqwest::Client::new();
    let response = post(
        &http,
        &app.address,
        &app.admin_token,
        "query($id: ID!) { werkplaats(id: $id) { events(first: 1000) { events { version hash prevHash } } } }",
        json!({"id": werkplaats}),
    )
    .await
    .expect("the events are readable");
    helpers::assert_ok(&response);
    let stored = response["data"]["werkplaats"]["events"]["events"]
        .as_array()
        .unwrap()
        .clone();
    let head_version = stored.len() as i64;
    let _ = head_sender.send(Some(head_version));
    let stored_commands: Vec<Uuid> = sqlx::query_scalar(
        "select command_id from events where stream_id = $1::uuid and version > 2 order by version",
    )
    .bind(&werkplaats)
    .fetch_all(&app.pool)
    .await
    .unwrap();

    let stored_ids: HashSet<Uuid> = stored_commands.iter().copied().collect();
    let accepted_ids: HashSet<Uuid> = written.accepted.iter().map(|(id, _)| *id).collect();
    let duplicates = stored_commands.len() - stored_ids.len();
    let lost = accepted_ids.difference(&stored_ids).count();
    let unasked = stored_ids.difference(&accepted_ids).count();
    let mut versions: Vec<i64> = written.accepted.iter().map(|(_, v)| *v).collect();
    versions.sort_unstable();
    assert_eq!(written.accepted.len(), COMMANDS, "every command accepted");
    assert_eq!(
        (duplicates, lost, unasked),
        (0, 0, 0),
        "duplicates, lost, unasked"
    );
    assert_eq!(head_version, 2 + COMMANDS as i64, "one event per command");
    assert_eq!(versions, (3..=head_version).collect::<Vec<_>>());

    let mut received = Vec::new();
    let mut reconnects = 0;
    for subscriber in subscribers {
        let followed = subscriber.await.expect("the subscriber finishes");
        let delivered: Vec<i64> = followed
            .events
            .iter()
            .map(|event| event["version"].as_i64().unwrap())
            .collect();
        assert_eq!(
            delivered,
            (1..=head_version).collect::<Vec<_>>(),
            "versions in order, no gaps or repeats"
        );
        for (event, stored) in followed.events.iter().zip(&stored) {
            for field in ["hash", "prevHash"] {
                assert_eq!(event[field], stored[field], "{field} of {stored}");
            }
        }
        received.push(followed.events.len());
        reconnects += followed.reconnects;
    }
    println!(
        "restart: PostgreSQL restarted in {} ms after {RESTART_AFTER} commands; \
         {accepted_during} more accepted while pg_ctlcluster restart ran; commands from {WRITERS} \
         concurrent writers: {COMMANDS} sent in {} \
         requests ({} of them retried; {} requests refused, {} without an answer), {} accepted, \
         {} stored; duplicates {duplicates}, lost {lost}; subscribers: 4 (2 per instance), \
         received {received:?} = stored {head_version} each, {reconnects} resubscriptions",
        restart_took.as_millis(),
        written.sent,
        written.retried,
        written.refused,
        written.failed,
        written.accepted.len(),
        stored_commands.len(),
    );
}
