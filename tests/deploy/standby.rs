//! Losing the database server for good: two PostgreSQL clusters of the
//! test's own (a primary and a streaming standby it waits for, on ports of
//! their own; the shared cluster is never touched), two server instances
//! on a `DATABASE_URL` naming both hosts, three writers and four
//! subscribers. The primary is stopped with `-m immediate` and the standby
//! promoted: every answered command is stored once, every subscriber
//! resumes and receives exactly what is stored, and the time until writes
//! are accepted again is printed.
//!
//! And losing it to a standby that is behind: an asynchronous standby cut
//! off before the last events is promoted, so the stored history is shorter
//! than what a subscriber already received, and the next command writes a
//! different event under a version it has seen. The server finds the
//! history rewound, counts it, and closes the live subscription with 4410;
//! subscribed again, the client receives exactly what is stored now.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::kit::process::{create_werkplaats, free_port, post, Server, Writer};
use crate::kit::ws::{Next, Subscription};

const WRITERS: usize = 3;
const SUBSCRIBERS: usize = 4;
const COMMANDS: usize = 30;
/// The primary goes once this many commands are answered.
const FAIL_AFTER: usize = 20;
const EVENTS: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version hash } }";

/// PostgreSQL's server binaries, all of one version (pg_basebackup
/// included, which the PATH's wrappers may lack).
fn bin(program: &str) -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("Debian's PostgreSQL server binaries")
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("a PostgreSQL version")
        .1
        .join(program)
}

/// Runs a PostgreSQL tool as the `postgres` user (it refuses root).
fn as_postgres(program: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(bin(program))
        .args(args)
        .output()
        .expect("runuser runs");
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A cluster directory of the test's own, removed at the end.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

impl Cluster {
    fn dir(&self) -> &str {
        self.dir.to_str().unwrap()
    }

    fn start(&self, extra: &str) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} {extra}",
            self.port,
            self.dir()
        );
        let log = self.dir.join("log");
        as_postgres(
            "pg_ctl",
            &[
                "-D",
                self.dir(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        );
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(bin("pg_ctl"))
            .args(["-D", self.dir(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "werkplaats-{name}-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let owned = Command::new("chown")
        .args(["postgres:", dir.to_str().unwrap()])
        .status();
    assert!(
        owned.is_ok_and(|s| s.success()),
        "the postgres user owns {}",
        dir.display()
    );
    dir
}

async fn sql(url: &str, query: &str) -> Vec<Value> {
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .expect("the cluster answers");
    sqlx::query_scalar::<_, Value>(query)
        .fetch_all(&mut connection)
        .await
        .expect("the query runs")
}

/// Reads events and resubscribes after the last one seen whenever the
/// connection ends, until the head is reached and nothing more follows.
async fn follow(
    bases: Vec<String>,
    token: String,
    werkplaats: String,
    head: Arc<AtomicUsize>,
) -> Vec<i64> {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut versions: Vec<i64> = Vec::new();
    let mut attempt = 0;
    'connect: loop {
        let last = versions.last().copied().unwrap_or(0);
        let ws = format!(
            "{}/graphql",
            bases[attempt % bases.len()].replacen("http", "ws", 1)
        );
        attempt += 1;
        let mut subscription = match Subscription::start(
            &ws,
            &token,
            EVENTS,
            json!({"id": werkplaats, "after": last}),
        )
        .await
        {
            Ok(subscription) => subscription,
            Err(_) => {
                assert!(Instant::now() < deadline, "cannot subscribe again");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        loop {
            assert!(
                Instant::now() < deadline,
                "a subscriber is stuck at {:?}",
                versions.last()
            );
            let known = head.load(Ordering::SeqCst) as i64;
            let at_head = known > 0 && versions.last().copied().unwrap_or(0) >= known;
            match subscription
                .next(Duration::from_millis(if at_head { 1_500 } else { 300 }))
                .await
            {
                Next::Data(data) => {
                    versions.push(data["werkplaatsEvents"]["version"].as_i64().unwrap())
                }
                Next::Silent if at_head => return versions,
                Next::Silent => {}
                Next::Errors(_) | Next::Complete | Next::Closed(_) => continue 'connect,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_promoted_synchronous_standby_loses_nothing_that_was_answered() {
    let (primary, standby) = primary_and_standby("-c synchronous_standby_names='*'");
    let deadline = Instant::now() + Duration::from_secs(30);
    while sql(
        &format!("{}/postgres", primary.url()),
        "select to_jsonb(sync_state) from pg_stat_replication",
    )
    .await
        != vec![json!("sync")]
    {
        assert!(
            Instant::now() < deadline,
            "the standby never became synchronous"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let url = format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/werkplaats?target_session_attrs=read-write",
        primary.port, standby.port
    );
    let admin = "standby-admin";
    let servers = [
        Server::start(&url, admin, &[], &[]),
        Server::start(&url, admin, &[], &[]),
    ];
    let bases: Vec<String> = servers.iter().map(Server::http).collect();
    let mut werkplaatsen = Vec::new();
    for n in 0..WRITERS {
        werkplaatsen
            .push(create_werkplaats(&bases[n % 2], admin, &format!("Procesbegeleider {n}")).await);
    }

    let heads: Vec<Arc<AtomicUsize>> = (0..WRITERS)
        .map(|_| Arc::new(AtomicUsize::new(0)))
        .collect();
    let subscribers: Vec<_> = (0..SUBSCRIBERS)
        .map(|s| {
            let (werkplaats, token) = werkplaatsen[s % WRITERS].clone();
            let mut order = bases.clone();
            order.rotate_left(s % 2);
            tokio::spawn(follow(order, token, werkplaats, heads[s % WRITERS].clone()))
        })
        .collect();

    let answered = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = werkplaatsen
        .iter()
        .cloned()
        .enumerate()
        .map(|(w, (werkplaats, token))| {
            let answered = answered.clone();
            let mut order = bases.clone();
            order.rotate_left(w % 2);
            let writer = Writer {
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .unwrap(),
                bases: order,
                token,
                werkplaats,
                deadline: tokio::time::Instant::now() + Duration::from_secs(90),
                pause: Duration::from_millis(100),
            };
            tokio::spawn(async move {
                let mut accepted = Vec::new();
                for n in 0..COMMANDS {
                    let done = writer.record_problem(n).await;
                    accepted.push((done.command_id, done.version, Instant::now()));
                    answered.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(30)).await;
                }
                accepted
            })
        })
        .collect();

    while answered.load(Ordering::SeqCst) < FAIL_AFTER {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let failed_at = Instant::now();
    as_postgres("pg_ctl", &["-D", primary.dir(), "-m", "immediate", "stop"]);
    as_postgres("pg_ctl", &["-D", standby.dir(), "-w", "promote"]);
    let promoted_at = Instant::now();

    let mut accepted = Vec::new();
    for writer in writers {
        accepted.extend(writer.await.unwrap());
    }
    let first_after = accepted
        .iter()
        .filter(|(_, _, at)| *at > promoted_at)
        .map(|(_, _, at)| *at - failed_at)
        .min()
        .expect("commands were answered after the failover");

    let stored_url = format!("{}/werkplaats", standby.url());
    let mut lost = 0;
    for (werkplaats, _) in &werkplaatsen {
        let versions = sql(
            &stored_url,
            &format!("select to_jsonb(version) from events where stream_id = '{werkplaats}' order by version"),
        )
        .await;
        let head = versions.len();
        let expected: Vec<Value> = (1..=head as i64).map(|v| json!(v)).collect();
        assert_eq!(versions, expected, "gapless versions in {werkplaats}");
        let titles = sql(
            &stored_url,
            &format!("select payload->'title' from events where stream_id = '{werkplaats}' and event_type = 'ProblemRecorded'"),
        )
        .await;
        let distinct: std::collections::HashSet<String> =
            titles.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), titles.len(), "no command stored twice");
        assert_eq!(titles.len(), COMMANDS, "every answered command is stored");
        heads[werkplaatsen
            .iter()
            .position(|(w, _)| w == werkplaats)
            .unwrap()]
        .store(head, Ordering::SeqCst);
    }
    for (command_id, version, _) in &accepted {
        let found = sql(
            &stored_url,
            &format!(
                "select to_jsonb(last_version) from commands where command_id = '{command_id}'"
            ),
        )
        .await;
        if found != vec![json!(version)] {
            lost += 1;
        }
    }
    assert_eq!(lost, 0, "answered commands missing after the failover");
    let mut resumed = 0;
    for (s, subscriber) in subscribers.into_iter().enumerate() {
        let versions = subscriber.await.unwrap();
        let head = heads[s % WRITERS].load(Ordering::SeqCst) as i64;
        assert_eq!(
            versions,
            (1..=head).collect::<Vec<_>>(),
            "subscriber {s} received exactly what is stored"
        );
        resumed += 1;
    }
    let answer = post(
        &reqwest::Client::new(),
        &bases[0],
        admin,
        "{ werkplaatsen { id } }",
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(
        answer["data"]["werkplaatsen"].as_array().map(Vec::len),
        Some(WRITERS)
    );
    println!(
        "standby: {} commands answered, {} stored, 0 lost, 0 duplicated; writes accepted again {:.2} s after the primary stopped (promotion took {:.2} s); {resumed} subscribers resumed with exactly the stored events",
        accepted.len(),
        accepted.len(),
        first_after.as_secs_f64(),
        (promoted_at - failed_at).as_secs_f64()
    );
    drop(servers);
}

/// A primary cluster of the test's own, with a streaming standby made
/// from it; `settings` go to the primary.
fn primary_and_standby(settings: &str) -> (Cluster, Cluster) {
    let primary = Cluster {
        dir: scratch("primary"),
        port: free_port(),
    };
    as_postgres(
        "initdb",
        &[
            "-D",
            primary.dir(),
            "-U",
            "postgres",
            "--auth=trust",
            "--locale=C",
        ],
    );
    primary.start(&format!(
        "-c wal_level=replica -c max_wal_senders=4 {settings}"
    ));
    let standby = Cluster {
        dir: scratch("standby"),
        port: free_port(),
    };
    std::fs::remove_dir(&standby.dir).unwrap();
    as_postgres(
        "pg_basebackup",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &primary.port.to_string(),
            "-U",
            "postgres",
            "-D",
            standby.dir(),
            "-R",
            "-X",
            "stream",
        ],
    );
    standby.start("");
    (primary, standby)
}

/// The versions and hashes of one werkplaats as `url`'s cluster stores them.
async fn stored(url: &str, werkplaats: &str) -> Vec<(i64, String)> {
    sql(
        url,
        &format!("select jsonb_build_array(version, hash) from events where stream_id = '{werkplaats}' order by version"),
    )
    .await
    .iter()
    .map(|row| (row[0].as_i64().unwrap(), row[1].as_str().unwrap().to_owned()))
    .collect()
}

/// What a subscription sends next: an event's version and hash, or how it ended.
async fn next_event(subscription: &mut Subscription) -> Result<(i64, String), Next> {
    match subscription.next(Duration::from_secs(20)).await {
        Next::Data(data) => {
            let event = &data["werkplaatsEvents"];
            Ok((
                event["version"].as_i64().unwrap(),
                event["hash"].as_str().unwrap().to_owned(),
            ))
        }
        other => Err(other),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_standby_that_missed_events_rewinds_the_history_and_subscribers_are_told() {
    let (primary, standby) = primary_and_standby("");
    let url = format!(
        "postgres://postgres@127.0.0.1:{},127.0.0.1:{}/werkplaats?target_session_attrs=read-write",
        primary.port, standby.port
    );
    let admin = "rewind-admin";
    let server = Server::start(&url, admin, &[], &[]);
    let base = server.http();
    let (werkplaats, token) = create_werkplaats(&base, admin, "Procesbegeleider").await;
    let writer = Writer {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
        bases: vec![base.clone()],
        token: token.clone(),
        werkplaats: werkplaats.clone(),
        deadline: tokio::time::Instant::now() + Duration::from_secs(60),
        pause: Duration::from_millis(100),
    };
    for n in 0..3 {
        writer.record_problem(n).await;
    }
    // The standby has everything so far, then hears nothing more.
    let standby_db = format!("{}/werkplaats", standby.url());
    let primary_db = format!("{}/werkplaats", primary.url());
    let deadline = Instant::now() + Duration::from_secs(30);
    while stored(&standby_db, &werkplaats).await != stored(&primary_db, &werkplaats).await {
        assert!(Instant::now() < deadline, "the standby never caught up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kept = stored(&standby_db, &werkplaats).await;
    cut_off(&standby, &primary).await;

    let ws = format!("{}/graphql", base.replacen("http", "ws", 1));
    let mut subscription =
        Subscription::start(&ws, &token, EVENTS, json!({"id": werkplaats, "after": 0}))
            .await
            .unwrap();
    let mut received = Vec::new();
    for n in 3..6 {
        writer.record_problem(n).await;
    }
    let before = stored(&primary_db, &werkplaats).await;
    while received.len() < before.len() {
        received.push(next_event(&mut subscription).await.expect("an event"));
    }
    assert_eq!(received, before);
    assert!(kept.len() < before.len());

    as_postgres("pg_ctl", &["-D", primary.dir(), "-m", "immediate", "stop"]);
    as_postgres("pg_ctl", &["-D", standby.dir(), "-w", "promote"]);
    let promoted = Instant::now();

    // Writing again stores a new event under a version already delivered.
    let accepted = writer.record_problem(100).await;
    assert_eq!(accepted.version, kept.len() as i64 + 1);
    let now = stored(&standby_db, &werkplaats).await;
    assert_ne!(
        now[kept.len()],
        before[kept.len()],
        "a different event under that version"
    );

    // The old subscription never shows it: it is closed with 4410.
    let ended = match next_event(&mut subscription).await {
        Ok(event) => panic!("the rewound subscription delivered {event:?}"),
        Err(ended) => ended,
    };
    assert!(matches!(ended, Next::Closed(Some(4410))), "{ended:?}");
    let told = promoted.elapsed();

    // Subscribed again, the client gets exactly what is stored now.
    let mut again = Subscription::start(&ws, &token, EVENTS, json!({"id": werkplaats, "after": 0}))
        .await
        .unwrap();
    let mut resumed = Vec::new();
    while resumed.len() < now.len() {
        resumed.push(next_event(&mut again).await.expect("an event"));
    }
    assert_eq!(resumed, now);

    let metrics = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rewinds: f64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("werkplaats_rewound_histories_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("the rewind counter");
    assert!(rewinds >= 1.0, "{metrics}");
    println!(
        "rewind: standby kept {} of {} events; after promotion the next command wrote version {}; rewound histories counted {rewinds}; the subscriber was closed with 4410 {:.2} s after the promotion and, subscribed again, received exactly the {} stored events",
        kept.len(),
        before.len(),
        accepted.version,
        told.as_secs_f64(),
        now.len()
    );
    drop(server);
}

/// Stops the standby from streaming from the primary, so it misses what
/// the primary writes from now on.
async fn cut_off(standby: &Cluster, primary: &Cluster) {
    let standby_admin = format!("{}/postgres", standby.url());
    let mut connection = <sqlx::PgConnection as sqlx::Connection>::connect(&standby_admin)
        .await
        .unwrap();
    sqlx::query("alter system set primary_conninfo = ''")
        .execute(&mut connection)
        .await
        .unwrap();
    sqlx::query("select pg_reload_conf()")
        .execute(&mut connection)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !sql(
        &format!("{}/postgres", primary.url()),
        "select to_jsonb(count(*)) from pg_stat_replication",
    )
    .await
    .contains(&json!(0))
    {
        assert!(Instant::now() < deadline, "the standby still streams");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
