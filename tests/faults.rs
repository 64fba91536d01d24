//! Faults while writers append through the API and subscribers listen:
//! every backend connection terminated, PostgreSQL stopped for a while and
//! started again, and one of two server processes killed outright. The
//! servers stay up, `/readyz` says "not ready" exactly while the database
//! is away, writers that retry with the same command id never store a
//! command twice, no accepted command is lost, and every subscriber
//! (resubscribing after the last version it saw, to whichever server is
//! still there) ends with exactly the stored events. Then SIGTERM: the
//! request in flight is answered, websockets are closed with 1012 and the
//! process exits cleanly.
//!
//! A test binary of its own, so that cargo runs it apart from the api
//! tests: stopping the cluster cuts every connection to it. It runs
//! `pg_ctlcluster`, so it needs the local cluster and the rights to
//! restart it (the CI runs as root). The servers are real processes of the
//! `werkplaats` binary, so that killing one is a real kill.

pub mod kit;

use std::collections::HashSet;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use kit::app::{assert_ok, spawn_app};
use kit::process::{post, Server, Writer};
use kit::seed::{create_werkplaats, RECORD_PROBLEM};
use kit::ws::{Next, Subscription};

/// Writers, each sending its commands one after another.
const WRITERS: usize = 3;
/// Commands the writers send in all.
const COMMANDS: usize = 60;
/// Every backend connection is terminated once this many are accepted.
const TERMINATE_AFTER: usize = 10;
/// PostgreSQL is stopped once this many are accepted.
const STOP_AFTER: usize = 25;
/// How long PostgreSQL stays down.
const OUTAGE: Duration = Duration::from_millis(1_500);
/// One server process is killed once this many are accepted.
const KILL_AFTER: usize = 35;
/// Longest a writer may take for its commands, retries included.
const WRITE_DEADLINE: Duration = Duration::from_secs(60);
/// Longest a subscriber may take to reach the head.
const FOLLOW_DEADLINE: Duration = Duration::from_secs(70);
/// How long a subscriber at the head must stay silent: longer than the
/// servers' one-second fallback poll.
const QUIET: Duration = Duration::from_millis(1_500);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version hash prevHash } }";

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
            eprintln!("faults: could not start PostgreSQL again");
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
    let sender = Writer {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
        bases: servers.to_vec(),
        token,
        werkplaats,
        deadline: Instant::now() + WRITE_DEADLINE,
        pause: Duration::from_millis(100),
    };
    let mut written = Written::default();
    for n in (writer..COMMANDS).step_by(WRITERS) {
        let accepted = sender.record_problem(n).await;
        let retries = accepted.refused + accepted.failed;
        written.sent += 1 + retries;
        written.retried += usize::from(retries > 0);
        written.refused += accepted.refused;
        written.failed += accepted.failed;
        written
            .accepted
            .push((accepted.command_id, accepted.version));
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
    ws_urls: [String; 2],
    token: String,
    werkplaats: String,
    head: watch::Receiver<Option<i64>>,
) -> Followed {
    let deadline = Instant::now() + FOLLOW_DEADLINE;
    let mut reconnects = 0;
    let mut attempts = 0;
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
            // Whichever server answers, as a load balancer would choose.
            let ws_url = &ws_urls[attempts % 2];
            attempts += 1;
            match Subscription::start(ws_url, &token, EVENTS, variables).await {
                Ok(resumed) => {
                    subscription = Some(resumed);
                    reconnects += 1;
                }
                Err(error) => {
                    println!("faults: subscribing again failed ({error}); retrying");
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
                println!("faults: subscription ended ({ended:?}); again after version {last}");
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

fn ws_url(server: &Server) -> String {
    format!("ws://{}/graphql", server.address)
}

/// The HTTP status of `GET path`, `None` without an answer.
async fn status(http: &reqwest::Client, address: &str, path: &str) -> Option<u16> {
    http.get(format!("{address}{path}"))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .ok()
        .map(|response| response.status().as_u16())
}

/// Polls `/readyz` of every server until each answers `want`; how long it took.
async fn until_ready_is(servers: &[&str], want: u16) -> Duration {
    let http = reqwest::Client::new();
    let started = Instant::now();
    loop {
        let mut all = true;
        for address in servers {
            all &= status(&http, address, "/readyz").await == Some(want);
        }
        if all {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "/readyz never answered {want}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the writers have had `count` commands accepted.
async fn until_accepted(
    progress: &AtomicUsize,
    count: usize,
    writers: &[tokio::task::JoinHandle<Written>],
) {
    while progress.load(Ordering::SeqCst) < count {
        assert!(
            writers.iter().all(|w| !w.is_finished()),
            "a writer stopped early"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn terminated_backends_a_database_outage_and_a_killed_server_lose_and_duplicate_nothing() {
    let app = spawn_app().await;
    let first = Server::start(&app.database_url(), &app.admin_token, &[], &[]);
    let second = Server::start(&app.database_url(), &app.admin_token, &[], &[]);
    // Dropped before `app`, whose drop needs PostgreSQL to remove the database.
    let _cluster = ClusterGuard;
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let started_before = postmaster_started(&app.pool).await;
    let ws_urls = [ws_url(&first), ws_url(&second)];

    // Two subscribers on each server, live before anything is written.
    let (head_sender, head) = watch::channel(None);
    let mut subscribers = Vec::new();
    for ws_url in [&ws_urls[0], &ws_urls[0], &ws_urls[1], &ws_urls[1]] {
        let variables = json!({"id": werkplaats, "after": 0});
        let mut subscription = Subscription::start(ws_url, &facilitator, EVENTS, variables)
            .await
            .expect("the subscription starts");
        let mut events = Vec::new();
        while events.len() < 2 {
            match subscription.next(Duration::from_secs(10)).await {
                Next::Data(data) => events.push(data["werkplaatsEvents"].clone()),
                other => panic!("expected a stored event, got {other:?}"),
            }
        }
        // Resubscribing prefers the other server first.
        let mut order = ws_urls.clone();
        if ws_url == &ws_urls[0] {
            order.swap(0, 1);
        }
        subscribers.push(tokio::spawn(follow(
            Some(subscription),
            events,
            order,
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
                [first.http(), second.http()],
                facilitator.clone(),
                werkplaats.clone(),
                progress.clone(),
            ))
        })
        .collect();

    // Fault 3, whenever the count comes (during the outage's aftermath, as
    // it happens): one server is killed outright.
    let killer = {
        let progress = progress.clone();
        tokio::spawn(async move {
            while progress.load(Ordering::SeqCst) < KILL_AFTER {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            first.signal("-KILL");
            (first, progress.load(Ordering::SeqCst))
        })
    };

    // Fault 1: every backend connection of the test's database is cut.
    until_accepted(&progress, TERMINATE_AFTER, &writers).await;
    let terminated: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid()",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();

    // Fault 2: PostgreSQL is away for a while; the servers stay up and say so.
    until_accepted(&progress, STOP_AFTER, &writers).await;
    // Asked of the server that is never killed: the other may be killed
    // any moment now, as the writers catch up.
    let survivor = second.http();
    let servers = [survivor.as_str()];
    let stopping = Instant::now();
    assert!(
        tokio::task::spawn_blocking(|| pg_ctlcluster("stop"))
            .await
            .unwrap(),
        "pg_ctlcluster stop succeeded"
    );
    let not_ready_after = until_ready_is(&servers, 503).await;
    let http = reqwest::Client::new();
    for address in servers {
        assert_eq!(
            status(&http, address, "/healthz").await,
            Some(200),
            "alive while the database is down"
        );
    }
    tokio::time::sleep(OUTAGE).await;
    assert!(
        tokio::task::spawn_blocking(|| pg_ctlcluster("start"))
            .await
            .unwrap(),
        "pg_ctlcluster start succeeded"
    );
    let ready_after = until_ready_is(&servers, 200).await;
    let outage = stopping.elapsed();

    let (_killed, killed_at) = killer.await.unwrap();

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
    let response = post(
        &http,
        &second.http(),
        &app.admin_token,
        "query($id: ID!) { werkplaats(id: $id) { events(first: 1000) { events { version hash prevHash } } } }",
        json!({"id": werkplaats}),
    )
    .await
    .expect("the events are readable");
    assert_ok(&response);
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
        "faults: {} backend connections terminated after {TERMINATE_AFTER} commands; PostgreSQL \
         stopped after {STOP_AFTER}: /readyz 503 within {} ms (/healthz 200), \
         ready again {} ms after the start, outage {} ms in all; server 1 of 2 killed (SIGKILL) \
         with {killed_at} accepted. Commands from {WRITERS} writers: {COMMANDS} sent in {} requests \
         ({} commands retried with the same commandId; {} requests refused, {} without an answer), \
         {} accepted, {} stored; duplicated {duplicates}, lost {lost}; subscribers: 4 (2 per \
         server), received {received:?} = stored {head_version} each, {reconnects} resubscriptions",
        terminated.iter().filter(|t| **t).count(),
        not_ready_after.as_millis(),
        ready_after.as_millis(),
        outage.as_millis(),
        written.sent,
        written.retried,
        written.refused,
        written.failed,
        written.accepted.len(),
        stored_commands.len(),
    );
}

#[tokio::test]
async fn sigterm_answers_the_request_in_flight_and_closes_websockets_with_1012() {
    let app = spawn_app().await;
    let mut server = Server::start(&app.database_url(), &app.admin_token, &[], &[]);
    let (werkplaats, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let variables = json!({"id": werkplaats, "after": 0});
    let mut subscription = Subscription::start(&ws_url(&server), &facilitator, EVENTS, variables)
        .await
        .expect("the subscription starts");
    assert!(matches!(
        subscription.next(Duration::from_secs(5)).await,
        Next::Data(_)
    ));

    // A request whose body is still arriving when SIGTERM comes.
    let body = json!({"query": RECORD_PROBLEM, "variables": {"input": {
        "werkplaatsId": werkplaats, "title": "Laatste verzoek",
        "description": "Verstuurd terwijl de server stopt.", "perspective": "CLIENT"}}})
    .to_string();
    let mut stream = std::net::TcpStream::connect(server.address).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {facilitator}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    let (half, rest) = body.split_at(body.len() / 2);
    stream.write_all(half.as_bytes()).unwrap();
    stream.flush().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let terminating = Instant::now();
    server.signal("-TERM");
    let closed = loop {
        match subscription.next(Duration::from_secs(5)).await {
            Next::Data(_) => continue,
            other => break other,
        }
    };
    let closed_after = terminating.elapsed();
    assert!(matches!(closed, Next::Closed(Some(1012))), "{closed:?}");

    stream.write_all(rest.as_bytes()).unwrap();
    let mut answer = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"recordProblem\""), "{answer}");

    let exit = server
        .exited_within(Duration::from_secs(10))
        .expect("the server exits");
    assert!(exit.success(), "exit status {exit}");
    assert_eq!(
        app.stored_events(&werkplaats).await,
        3,
        "the request in flight was appended"
    );
    assert!(
        std::net::TcpStream::connect(server.address).is_err(),
        "nothing listens any more"
    );
    println!(
        "SIGTERM: websocket closed with 1012 after {} ms; the request in flight answered 200 and \
         appended; exit status 0 after {} ms",
        closed_after.as_millis(),
        terminating.elapsed().as_millis()
    );
}
