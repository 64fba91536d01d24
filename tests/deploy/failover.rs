//! nginx, with the configuration compose ships
//! (`deploy/nginx/werkplaats.conf`), in front of two server processes on
//! one fresh database; 20
//! subscribers and two writers go through nginx; one instance is killed
//! with SIGKILL mid-stream. The subscribers it served reconnect through
//! nginx to the other one and resume after the last version they saw.
//! Counted: commands lost or stored twice, events lost or delivered twice
//! (all must be 0), and the time until every subscriber is live again.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::Instant;
use uuid::Uuid;

use crate::kit::process::{create_werkplaats, post, Database, Nginx, Server, Writer};
use crate::kit::seed::RECORD_PROBLEM;
use crate::kit::ws::{Next, Subscription};

const SUBSCRIBERS: usize = 20;
const WRITERS: usize = 2;
/// Commands the writers send in all.
const COMMANDS: usize = 80;
/// One instance is killed once this many are accepted.
const KILL_AFTER: usize = 25;
/// Pause between a writer's commands, so the kill falls mid-stream.
const PACE: Duration = Duration::from_millis(40);
/// Longest a writer may take for its commands, retries included.
const WRITE_DEADLINE: Duration = Duration::from_secs(30);
/// Longest a subscriber may take to reach the head.
const FOLLOW_DEADLINE: Duration = Duration::from_secs(40);
/// How long a subscriber at the head must hear nothing more: longer than
/// the servers' one-second fallback poll, so a late repeat would show.
const QUIET: Duration = Duration::from_millis(1_200);

const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version hash } }";

/// What a writer did.
#[derive(Default)]
struct Written {
    /// Each command's id, the version it was stored as and what was sent.
    accepted: Vec<(Uuid, i64, Value)>,
    /// Requests that failed (nginx's 502, a cut connection) and were retried.
    retries: usize,
}

/// Sends its share of the commands through nginx, each retried with the
/// same `commandId` until it is accepted.
async fn write(
    writer: usize,
    nginx: String,
    token: String,
    werkplaats: String,
    progress: Arc<AtomicUsize>,
) -> Written {
    let sender = Writer {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
        bases: vec![nginx],
        token,
        werkplaats,
        deadline: Instant::now() + WRITE_DEADLINE,
        pause: Duration::from_millis(50),
    };
    let mut written = Written::default();
    for n in (writer..COMMANDS).step_by(WRITERS) {
        let accepted = sender.record_problem(n).await;
        written.retries += accepted.refused + accepted.failed;
        written
            .accepted
            .push((accepted.command_id, accepted.version, accepted.variables));
        progress.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(PACE).await;
    }
    written
}

/// What a subscriber received, over however many connections.
struct Followed {
    versions: Vec<i64>,
    hashes: Vec<Value>,
    /// Time from the kill until the first event on a new connection, when
    /// this subscriber lost its connection.
    live_again: Option<Duration>,
    reconnect_attempts: usize,
}

/// Reads events until the head is known and reached and nothing more
/// follows; when the connection ends, subscribes again through nginx after
/// the last version received.
async fn follow(
    mut subscription: Subscription,
    ws: String,
    token: String,
    werkplaats: String,
    killed: watch::Receiver<Option<Instant>>,
    head: watch::Receiver<Option<i64>>,
) -> Followed {
    let deadline = Instant::now() + FOLLOW_DEADLINE;
    let mut followed = Followed {
        versions: Vec::new(),
        hashes: Vec::new(),
        live_again: None,
        reconnect_attempts: 0,
    };
    let mut resumed = false;
    loop {
        let last = followed.versions.last().copied().unwrap_or(0);
        assert!(
            Instant::now() < deadline,
            "a subscriber is stuck at version {last}"
        );
        let at_head = head.borrow().is_some_and(|head| last >= head);
        let wait = if at_head {
            QUIET
        } else {
            Duration::from_millis(250)
        };
        match subscription.next(wait).await {
            Next::Data(data) => {
                let event = &data["werkplaatsEvents"];
                followed.versions.push(event["version"].as_i64().unwrap());
                followed.hashes.push(event["hash"].clone());
                if resumed {
                    resumed = false;
                    let kill = killed
                        .borrow()
                        .expect("a connection ends only after the kill");
                    followed.live_again = Some(kill.elapsed());
                }
            }
            Next::Silent if at_head => {
                subscription.close().await;
                return followed;
            }
            Next::Silent => {}
            Next::Errors(errors) => panic!("the subscription failed: {errors}"),
            ended @ (Next::Complete | Next::Closed(_)) => {
                // Before the kill only the slow-consumer rule may end a
                // connection (4499: resubscribe and catch up from the
                // table), which a burst of fast commits can trigger.
                let before_kill = killed.borrow().is_none();
                assert!(
                    !before_kill || matches!(ended, Next::Closed(Some(4499))),
                    "a connection ended before the kill: {ended:?}"
                );
                let variables = json!({"id": werkplaats, "after": last});
                subscription = loop {
                    followed.reconnect_attempts += 1;
                    match Subscription::start(&ws, &token, EVENTS, variables.clone()).await {
                        Ok(subscription) => break subscription,
                        Err(_) => {
                            assert!(Instant::now() < deadline, "cannot subscribe again");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    }
                };
                resumed = !before_kill;
            }
        }
    }
}

/// A gauge's or counter's value in Prometheus text.
fn metric(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn subscribers_resume_through_nginx_when_an_instance_dies() {
    let database = Database::fresh();
    let admin = format!("admin-{}", Uuid::new_v4());
    // Both start at once on a database that does not exist yet: one
    // creates and migrates it, the other waits on the lock.
    let (a, b) = {
        let url = database.url();
        let admin_b = admin.clone();
        let url_b = url.clone();
        // One token for every subscriber and writer: more websockets and
        // mutations than the shipped limits per token allow on all
        // instances together.
        let args = [
            "--ws-max-connections-per-token",
            "100",
            "--mutation-burst",
            "10000",
        ];
        let b = std::thread::spawn(move || Server::start(&url_b, &admin_b, &args, &[]));
        let a = Server::start(&url, &admin, &args, &[]);
        (a, b.join().expect("instance b starts"))
    };
    let mut instances = [a, b];
    let nginx = Nginx::start(&[instances[0].address, instances[1].address]);
    let (werkplaats, facilitator) =
        create_werkplaats(&nginx.http(), &admin, "Procesbegeleider").await;

    let (killed_sender, killed) = watch::channel(None);
    let (head_sender, head) = watch::channel(None);
    let mut subscribers = Vec::new();
    for _ in 0..SUBSCRIBERS {
        let variables = json!({"id": werkplaats, "after": 0});
        let subscription = Subscription::start(&nginx.ws(), &facilitator, EVENTS, variables)
            .await
            .expect("a subscription starts through nginx");
        subscribers.push(tokio::spawn(follow(
            subscription,
            nginx.ws(),
            facilitator.clone(),
            werkplaats.clone(),
            killed.clone(),
            head.clone(),
        )));
    }
    // Each instance serves some of them (nginx goes round robin).
    let metrics_of = |server: &Server| format!("{}/metrics", server.http());
    let http = reqwest::Client::new();
    let mut connected = Vec::new();
    for instance in &instances {
        let text = http
            .get(metrics_of(instance))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        connected.push(metric(&text, "werkplaats_websocket_connections").unwrap_or(0.0) as usize);
    }
    assert_eq!(
        connected.iter().sum::<usize>(),
        SUBSCRIBERS,
        "websockets per instance: {connected:?}"
    );
    assert!(
        connected.iter().all(|&n| n > 0),
        "both instances serve subscribers: {connected:?}"
    );

    let progress = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            tokio::spawn(write(
                writer,
                nginx.http(),
                facilitator.clone(),
                werkplaats.clone(),
                progress.clone(),
            ))
        })
        .collect();
    while progress.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(
            writers.iter().all(|w| !w.is_finished()),
            "a writer stopped early"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The moment is set first: subscribers may see their connection end
    // while the kill is still under way.
    killed_sender.send_replace(Some(Instant::now()));
    instances[0].kill();

    let mut written = Written::default();
    for writer in writers {
        let part = writer.await.expect("the writer finishes");
        written.accepted.extend(part.accepted);
        written.retries += part.retries;
    }
    // A writer that never got its answer cannot tell whether its command
    // was applied; sent again with the same commandId, through nginx to
    // the survivor, it must answer the first version and append nothing.
    let http_writer = reqwest::Client::new();
    let resent = written.accepted.len().min(10);
    for (_, version, variables) in written
        .accepted
        .iter()
        .step_by(written.accepted.len() / resent)
    {
        let again = post(
            &http_writer,
            &nginx.http(),
            &facilitator,
            RECORD_PROBLEM,
            variables.clone(),
        )
        .await
        .expect("the survivor answers a repeated command");
        assert_eq!(
            again["data"]["recordProblem"]["version"].as_i64(),
            Some(*version),
            "{again}"
        );
    }
    let survivor = &instances[1];
    let survivor_metrics = http
        .get(metrics_of(survivor))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    // What is stored, and the commands behind it.
    let pool = database.pool().await;
    let stored: Vec<(Uuid, String)> = sqlx::query_as(
        "select command_id, hash from events where stream_id = $1::uuid order by version",
    )
    .bind(&werkplaats)
    .fetch_all(&pool)
    .await
    .unwrap();
    let head_version = stored.len() as i64;
    head_sender.send_replace(Some(head_version));
    let stored_commands: Vec<Uuid> = stored.iter().skip(2).map(|(id, _)| *id).collect();
    let stored_ids: HashSet<Uuid> = stored_commands.iter().copied().collect();
    let accepted_ids: HashSet<Uuid> = written.accepted.iter().map(|(id, ..)| *id).collect();
    let commands_duplicated = stored_commands.len() - stored_ids.len();
    let commands_lost = accepted_ids.difference(&stored_ids).count();
    assert_eq!(written.accepted.len(), COMMANDS, "every command accepted");
    assert_eq!(
        (commands_duplicated, commands_lost),
        (0, 0),
        "commands duplicated, lost"
    );
    assert_eq!(head_version, 2 + COMMANDS as i64, "one event per command");

    let mut lost = 0;
    let mut duplicated = 0;
    let mut received = 0;
    let mut live_again = Vec::new();
    let mut attempts = 0;
    for subscriber in subscribers {
        let followed = subscriber.await.expect("the subscriber finishes");
        let distinct: HashSet<i64> = followed.versions.iter().copied().collect();
        lost += (1..=head_version).filter(|v| !distinct.contains(v)).count();
        duplicated += followed.versions.len() - distinct.len();
        received += followed.versions.len();
        assert_eq!(
            followed.versions,
            (1..=head_version).collect::<Vec<_>>(),
            "in order, no gaps"
        );
        for (hash, (_, stored)) in followed.hashes.iter().zip(&stored) {
            assert_eq!(hash.as_str(), Some(stored.as_str()), "the stored hash");
        }
        live_again.extend(followed.live_again);
        attempts += followed.reconnect_attempts;
    }
    live_again.sort();
    let reconnected = live_again.len();
    let ms = |d: &Duration| d.as_millis();
    println!(
        "failover: nginx + 2 server processes; {SUBSCRIBERS} subscribers ({connected:?} per instance), \
         instance 1 killed (SIGKILL) after {KILL_AFTER} of {COMMANDS} commands from {WRITERS} writers; \
         {} failed requests retried with the same commandId, {resent} accepted ones sent again \
         (answered with their first version); commands lost {commands_lost}, \
         duplicated {commands_duplicated}; events lost {lost}, duplicated {duplicated}; \
         received {received} = {SUBSCRIBERS} × stored {head_version}; {reconnected} subscribers \
         reconnected ({attempts} attempts) and were live again after median {} ms, max {} ms; \
         survivor: {} websockets, {} subscriptions",
        written.retries,
        live_again.get(reconnected / 2).map_or(0, ms),
        live_again.last().map_or(0, ms),
        metric(&survivor_metrics, "werkplaats_websocket_connections").unwrap_or(-1.0),
        metric(&survivor_metrics, "werkplaats_active_subscriptions").unwrap_or(-1.0),
    );
    assert_eq!((lost, duplicated), (0, 0), "events lost, duplicated");
    assert_eq!(received, SUBSCRIBERS * head_version as usize);
    assert_eq!(
        reconnected, connected[0],
        "every subscriber of the killed instance came back"
    );
}
