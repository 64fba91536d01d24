//! `bench-live`: the load benchmark of live collaboration across instances.
//!
//! One run measures the whole path a partner's edit takes to everyone who
//! watches it. The benchmark creates a throw-away database and starts two
//! real server instances on it as child processes (this binary re-executed
//! in a hidden `serve` mode, so one `cargo run` builds everything). Through
//! GraphQL it creates werkplaatsen, each with a partner, a PARTNER member
//! who writes and an OBSERVER member who watches, and connects N websocket
//! subscribers (`graphql-transport-ws`, `werkplaatsEvents`) alternately to
//! the two instances, round-robin over the werkplaatsen. M writers then
//! send real mutations (`recordProblem` and `planAction`) over HTTP,
//! alternating between the instances per werkplaats, until `--commands` are
//! sent or `--max-write-seconds` pass (so a run against slow servers still
//! ends and says so). An event's commit time is its `recordedAt`, which the
//! server stamps just before committing; its delivery time is the moment a
//! subscriber has parsed the `next` message (servers and client share this
//! machine's clock). The differences go into HDR histograms per receiving
//! instance and per (writing, receiving) instance pair. After the writers
//! stop, the benchmark waits until every subscriber has reached its
//! werkplaats' stored head, listens a while longer for repeats, and
//! compares the versions each subscriber received with the stored ones:
//! lost and duplicated events must both be 0 (else the run exits with an
//! error after printing its figures). The servers' resident memory before
//! and after the subscribers connect gives the memory per subscriber. With
//! the subscribers gone, a short writers-only run on fresh instance pairs
//! compares `NOTIFY` inside the append transaction with `NOTIFY` after
//! commit, and finally the rows the main run's commands appended are
//! inserted again with plain INSERTs, at the same concurrency, into a copy
//! of the events table: the raw PostgreSQL limit our commands/s is compared
//! with.
//!
//! ```sh
//! cargo run --release --bin bench-live -- --subscribers 10000 --writers 16 --commands 4000
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
#[path = "support/delivery.rs"]
mod delivery;
#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/server.rs"]
mod server;

use delivery::{delivery, Delivery};
use scratch::BenchDatabase;
use server::{graphql, serve, text, ServeArgs, Server};
use werkplaats::config::Config;
use werkplaats::store::EventStore;

/// The two instances, by index: writers and subscribers alternate over them.
const INSTANCES: [&str; 2] = ["A", "B"];

/// Longest one subscriber may take to connect, be acknowledged and receive
/// its first event. Generous: under load the servers answer slowly, and the
/// run should report that rather than fail.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long subscribers keep listening after they caught up, to catch an
/// event delivered twice: longer than the servers' one-second fallback poll.
const QUIET: Duration = Duration::from_millis(1_500);

/// The subscription each client holds: only what the measurement needs, so
/// the client's parsing does not eat into the CPU the servers share with it.
const SUBSCRIPTION: &str = "subscription($id: ID!, $after: Int) { werkplaatsEvents(werkplaatsId: $id, afterVersion: $after) { version recordedAt } }";

const CREATE_WERKPLAATS: &str = "mutation($input: CreateWerkplaatsInput!) { createWerkplaats(input: $input) { werkplaats { id version } facilitatorToken } }";
const ADD_PARTNER: &str =
    "mutation($input: AddPartnerInput!) { addPartner(input: $input) { partner { id } version } }";
const INVITE_MEMBER: &str =
    "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { token version } }";
const RECORD_PROBLEM: &str =
    "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }";
const PLAN_ACTION: &str =
    "mutation($input: PlanActionInput!) { planAction(input: $input) { version } }";

/// A realistic text for the events' payloads, the same in every run.
const DESCRIPTION: &str = "Inwoners met betalingsachterstanden melden zich pas bij de \
    schuldhulpverlening als de deurwaarder al langs is geweest. Vroegsignalering via \
    woningcorporatie, energieleverancier en zorgverzekeraar bereikt hen nu niet: de \
    signalen komen binnen, maar niemand belt of gaat op huisbezoek.";

#[derive(Parser)]
#[command(
    name = "bench-live",
    about = "Load benchmark: two instances, N subscribers, M writers, raw INSERT limit"
)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// One server instance, as the benchmark starts it (internal).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(Args, Clone, Debug)]
struct BenchArgs {
    /// PostgreSQL server to create the throw-away database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    database_server: String,

    /// Werkplaatsen (event streams) written to and subscribed to.
    #[arg(long, default_value_t = 20)]
    werkplaatsen: usize,

    /// Websocket subscribers, alternating between the two instances.
    #[arg(long, default_value_t = 10_000)]
    subscribers: usize,

    /// Concurrent writers, each sending one mutation at a time.
    #[arg(long, default_value_t = 16)]
    writers: usize,

    /// Mutations the writers send in total.
    #[arg(long, default_value_t = 4_000)]
    commands: u64,

    /// Write for this many seconds instead of a number of commands.
    #[arg(long)]
    seconds: Option<f64>,

    /// Stop writing after this many seconds even when not all --commands
    /// are sent, so that a run against slow servers still ends and reports.
    #[arg(long, default_value_t = 60.0)]
    max_write_seconds: f64,

    /// Subscribers connecting at the same time.
    #[arg(long, default_value_t = 250)]
    connect_parallelism: usize,

    /// Longest wait, after the writers stop, for every subscriber to catch up.
    #[arg(long, default_value_t = 60.0)]
    drain_seconds: f64,

    /// Mutations per mode in the writers-only NOTIFY comparison (0 skips it).
    #[arg(long, default_value_t = 1_000)]
    compare_commands: u64,

    /// Database connections of each server instance.
    #[arg(long, default_value_t = Config::default().db_pool_size)]
    db_pool_size: u32,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.mode {
        Some(Mode::Serve(args)) => runtime.block_on(serve(args)),
        None => runtime.block_on(bench(cli.bench)),
    }
}

// ---------------------------------------------------------------------------
// The server instances
// ---------------------------------------------------------------------------

async fn start_pair(
    database_url: &str,
    admin_token: &str,
    pool_size: u32,
    notify_in_transaction: bool,
) -> anyhow::Result<Vec<Server>> {
    let (a, b) = tokio::join!(
        Server::start(
            INSTANCES[0],
            database_url,
            admin_token,
            pool_size,
            notify_in_transaction
        ),
        Server::start(
            INSTANCES[1],
            database_url,
            admin_token,
            pool_size,
            notify_in_transaction
        ),
    );
    Ok(vec![a?, b?])
}

async fn stop_all(servers: Vec<Server>) {
    futures::future::join_all(servers.into_iter().map(Server::stop)).await;
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    if args.werkplaatsen == 0 || args.writers == 0 {
        bail!("--werkplaatsen and --writers must be at least 1");
    }
    let database = BenchDatabase::create(&args.database_server).await?;
    eprintln!("bench-live: database {}", database.name);
    // Ctrl-C drops the run (and with it the servers), then the database goes.
    let url = database.url();
    let outcome = tokio::select! {
        outcome = run(&args, &url) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow!("interrupted")),
    };
    let dropped = database.drop_now().await;
    let report = outcome?;
    dropped?;
    println!("{}", report.text());
    println!("{}", report.json());
    if report.lost > 0 || report.duplicated > 0 || report.subscriber_errors > 0 {
        bail!("subscribers did not receive exactly the stored events");
    }
    Ok(())
}

async fn run(args: &BenchArgs, database_url: &str) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut report = Report::new(args);

    // Migrate once here: the bench reads behind the API, and the two
    // instances then start on a ready schema.
    let store = EventStore::connect(database_url, 2).await?;
    store.migrate().await?;
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(database_url)
        .await?;

    let admin_token = format!("bench-admin-{:016x}", rand::random::<u64>());
    let default_mode = Config::default().notify_in_transaction;
    report.main_notify_in_transaction = default_mode;
    let servers = start_pair(database_url, &admin_token, args.db_pool_size, default_mode).await?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()?;

    let phase = Instant::now();
    let werkplaatsen = Arc::new(setup_werkplaatsen(&client, &servers, &admin_token, args).await?);
    report.setup_secs = phase.elapsed().as_secs_f64();
    eprintln!(
        "bench-live: {} werkplaatsen set up in {:.1} s",
        werkplaatsen.len(),
        report.setup_secs
    );

    let rss_before = rss_all(&servers)?;
    let phase = Instant::now();
    let subscribers = connect_subscribers(&servers, &werkplaatsen, args).await?;
    report.connect_secs = phase.elapsed().as_secs_f64();
    // Let allocations settle (handshake buffers freed) before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = rss_all(&servers)?;
    for (index, server) in servers.iter().enumerate() {
        let held = subscribers.on_instance(index);
        report.memory.push(MemoryFigures {
            instance: server.label,
            subscribers: held,
            rss_before_kib: rss_before[index],
            rss_after_kib: rss_after[index],
            rss_end_kib: 0,
        });
    }
    eprintln!(
        "bench-live: {} subscribers connected in {:.1} s",
        subscribers.len(),
        report.connect_secs
    );

    let budget = match args.seconds {
        Some(seconds) => Budget {
            commands: None,
            time: Duration::from_secs_f64(seconds),
        },
        None => Budget {
            commands: Some(args.commands),
            time: Duration::from_secs_f64(args.max_write_seconds),
        },
    };
    let writes = run_writers(&client, &servers, &werkplaatsen, args.writers, budget).await;
    report.commands = writes.written.len() as u64;
    report.failed_commands = writes.failures.len() as u64;
    report.failure_samples = writes.failures.iter().take(3).cloned().collect();
    report.write_secs = writes.elapsed.as_secs_f64();
    report.write_capped = writes.capped;
    report.commands_per_sec = writes.written.len() as f64 / writes.elapsed.as_secs_f64();
    report.command_latency = writes.latency.clone();
    eprintln!(
        "bench-live: {} commands in {:.1} s",
        report.commands, report.write_secs
    );

    let heads = stream_heads(&pool, &werkplaatsen).await?;
    let phase = Instant::now();
    let caught_up = subscribers
        .wait_for(&heads, Duration::from_secs_f64(args.drain_seconds))
        .await;
    report.drain_secs = phase.elapsed().as_secs_f64();
    report.drained = caught_up;
    tokio::time::sleep(QUIET).await;
    let rss_end = rss_all(&servers)?;
    for (figures, rss) in report.memory.iter_mut().zip(rss_end) {
        figures.rss_end_kib = rss;
    }
    let received = subscribers.stop().await;
    analyse(
        &mut report,
        &received,
        &heads,
        &writes.written,
        &werkplaatsen,
    );
    stop_all(servers).await;

    // The event rows the main run's commands wrote, for the raw INSERTs.
    let rows = written_rows(&pool, report.commands).await?;

    if args.compare_commands > 0 {
        for in_transaction in [false, true] {
            let servers = start_pair(
                database_url,
                &admin_token,
                args.db_pool_size,
                in_transaction,
            )
            .await?;
            let budget = Budget {
                commands: Some(args.compare_commands),
                time: Duration::from_secs_f64(args.max_write_seconds),
            };
            let writes = run_writers(&client, &servers, &werkplaatsen, args.writers, budget).await;
            stop_all(servers).await;
            let rate = writes.written.len() as f64 / writes.elapsed.as_secs_f64();
            let mode = mode_name(in_transaction);
            eprintln!("bench-live: NOTIFY {mode}: {rate:.0} commands/s");
            report.notify_comparison.push(NotifyFigures {
                in_transaction,
                commands: writes.written.len() as u64,
                failed: writes.failures.len() as u64,
                commands_per_sec: rate,
            });
        }
    }

    let (inserted, elapsed) = raw_inserts(database_url, &rows, args.writers).await?;
    report.raw_rows = inserted;
    report.raw_inserts_per_sec = inserted as f64 / elapsed.as_secs_f64();
    eprintln!(
        "bench-live: {inserted} raw INSERTs in {:.1} s",
        elapsed.as_secs_f64()
    );

    pool.close().await;
    store.pool().close().await;
    report.total_secs = started.elapsed().as_secs_f64();
    Ok(report)
}

fn rss_all(servers: &[Server]) -> anyhow::Result<Vec<u64>> {
    servers.iter().map(Server::rss_kib).collect()
}

// ---------------------------------------------------------------------------
// GraphQL over HTTP
// ---------------------------------------------------------------------------

/// One werkplaats as the benchmark uses it.
struct Werkplaats {
    id: String,
    partner_id: String,
    /// A PARTNER member's token: the writers'.
    writer_token: String,
    /// An OBSERVER member's token: the subscribers'.
    reader_token: String,
    /// The version after setup, before any writer.
    version: i64,
}

async fn setup_werkplaatsen(
    client: &reqwest::Client,
    servers: &[Server],
    admin_token: &str,
    args: &BenchArgs,
) -> anyhow::Result<Vec<Werkplaats>> {
    let created = futures::stream::iter(0..args.werkplaatsen)
        .map(|index| {
            // Setup goes through both instances too: either must serve it.
            let url = &servers[index % servers.len()].http;
            setup_werkplaats(client, url, admin_token, index)
        })
        .buffered(4)
        .collect::<Vec<_>>()
        .await;
    created.into_iter().collect()
}

async fn setup_werkplaats(
    client: &reqwest::Client,
    url: &str,
    admin_token: &str,
    index: usize,
) -> anyhow::Result<Werkplaats> {
    let data = graphql(
        client,
        url,
        admin_token,
        CREATE_WERKPLAATS,
        json!({"input": {
            "name": format!("Werkplaats Bench {index}"),
            "municipality": "Benchdorp",
            "question": "Hoe bereiken we inwoners met schulden eerder?",
            "methodology": "SCHOUDERS_ERONDER",
            "facilitatorName": "Procesbegeleider",
        }}),
    )
    .await
    .context("createWerkplaats")?;
    let id = text(&data["createWerkplaats"]["werkplaats"]["id"])?;
    let facilitator = text(&data["createWerkplaats"]["facilitatorToken"])?;

    let data = graphql(
        client,
        url,
        &facilitator,
        ADD_PARTNER,
        json!({"input": {"werkplaatsId": id, "name": "Schuldhulp Benchdorp", "kind": "SCHULDHULPVERLENING"}}),
    )
    .await
    .context("addPartner")?;
    let partner_id = text(&data["addPartner"]["partner"]["id"])?;

    let mut tokens = Vec::new();
    let mut version = 0;
    for (name, role) in [("Schuldhulpverlener", "PARTNER"), ("Meekijker", "OBSERVER")] {
        let data = graphql(
            client,
            url,
            &facilitator,
            INVITE_MEMBER,
            json!({"input": {"werkplaatsId": id, "name": name, "role": role, "partnerId": partner_id}}),
        )
        .await
        .context("inviteMember")?;
        tokens.push(text(&data["inviteMember"]["token"])?);
        version = data["inviteMember"]["version"]
            .as_i64()
            .context("inviteMember version")?;
    }
    let reader_token = tokens.pop().context("an observer token")?;
    let writer_token = tokens.pop().context("a partner token")?;
    Ok(Werkplaats {
        id,
        partner_id,
        writer_token,
        reader_token,
        version,
    })
}

// ---------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------

/// How long the writers go on: until `commands` are sent, when given, or
/// until `time` has passed, whichever comes first.
#[derive(Clone, Copy, Debug)]
struct Budget {
    commands: Option<u64>,
    time: Duration,
}

/// One accepted command: which event it became, through which instance.
#[derive(Clone, Copy, Debug)]
struct Written {
    werkplaats: usize,
    version: i64,
    instance: usize,
}

struct Writes {
    written: Vec<Written>,
    failures: Vec<String>,
    elapsed: Duration,
    /// Request → response, in µs.
    latency: Histogram<u64>,
    /// The time ran out before all commands of the budget were sent.
    capped: bool,
}

/// M writers, one mutation at a time each, until the budget is spent.
///
/// Command `n` goes to werkplaats `n % W`; each round over the werkplaatsen
/// switches instance, and every second round switches mutation, so every
/// werkplaats is written through both instances with both mutations.
async fn run_writers(
    client: &reqwest::Client,
    servers: &[Server],
    werkplaatsen: &Arc<Vec<Werkplaats>>,
    writers: usize,
    budget: Budget,
) -> Writes {
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let urls: Arc<Vec<String>> = Arc::new(servers.iter().map(|s| s.http.clone()).collect());
    let started = Instant::now();
    let deadline = started + budget.time;
    let progress = {
        let done = done.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(5));
            tick.tick().await;
            loop {
                tick.tick().await;
                let done = done.load(Ordering::Relaxed);
                let rate = done as f64 / started.elapsed().as_secs_f64();
                eprintln!("bench-live:   {done} commands ({rate:.0}/s)");
            }
        })
    };
    let tasks: Vec<_> = (0..writers)
        .map(|_| {
            let client = client.clone();
            let urls = urls.clone();
            let werkplaatsen = werkplaatsen.clone();
            let next = next.clone();
            let done = done.clone();
            tokio::spawn(async move {
                let mut written = Vec::new();
                let mut failures = Vec::new();
                let mut latency = latency_histogram();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if budget.commands.is_some_and(|total| n >= total) || Instant::now() >= deadline
                    {
                        break;
                    }
                    let count = werkplaatsen.len() as u64;
                    let werkplaats = (n % count) as usize;
                    let round = n / count;
                    let instance = (round % urls.len() as u64) as usize;
                    let plan = (round / 2) % 2 == 1;
                    let sent = Instant::now();
                    let outcome =
                        write_one(&client, &urls[instance], &werkplaatsen[werkplaats], n, plan)
                            .await;
                    latency.saturating_record(sent.elapsed().as_micros() as u64);
                    match outcome {
                        Ok(version) => {
                            written.push(Written {
                                werkplaats,
                                version,
                                instance,
                            });
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(error) => failures.push(format!("{error:#}")),
                    }
                }
                (written, failures, latency)
            })
        })
        .collect();
    let mut writes = Writes {
        written: Vec::new(),
        failures: Vec::new(),
        elapsed: Duration::ZERO,
        latency: latency_histogram(),
        capped: false,
    };
    for task in tasks {
        match task.await {
            Ok((written, failures, latency)) => {
                writes.written.extend(written);
                writes.failures.extend(failures);
                let _ = writes.latency.add(latency);
            }
            Err(error) => writes.failures.push(format!("writer task: {error}")),
        }
    }
    writes.elapsed = started.elapsed();
    let sent = (writes.written.len() + writes.failures.len()) as u64;
    writes.capped = budget.commands.is_some_and(|total| sent < total);
    progress.abort();
    writes
}

/// One real mutation, as a partner in a chain would send it; its new version.
async fn write_one(
    client: &reqwest::Client,
    url: &str,
    werkplaats: &Werkplaats,
    n: u64,
    plan: bool,
) -> anyhow::Result<i64> {
    let (query, field, input) = if plan {
        (
            PLAN_ACTION,
            "planAction",
            json!({
                "werkplaatsId": werkplaats.id,
                "title": format!("Actie {n}: huisbezoek binnen twee weken"),
                "goal": DESCRIPTION,
                "ownerPartnerId": werkplaats.partner_id,
            }),
        )
    } else {
        (
            RECORD_PROBLEM,
            "recordProblem",
            json!({
                "werkplaatsId": werkplaats.id,
                "title": format!("Knelpunt {n}: signalen blijven liggen"),
                "description": DESCRIPTION,
                "perspective": "CLIENT",
            }),
        )
    };
    let data = graphql(
        client,
        url,
        &werkplaats.writer_token,
        query,
        json!({"input": input}),
    )
    .await?;
    data[field]["version"]
        .as_i64()
        .ok_or_else(|| anyhow!("{field} answered without a version: {data}"))
}

// ---------------------------------------------------------------------------
// Subscribers
// ---------------------------------------------------------------------------

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What one subscriber received.
struct Received {
    instance: usize,
    werkplaats: usize,
    /// The version it subscribed after.
    after: i64,
    /// `(version, commit → delivery in µs)`, in arrival order.
    deliveries: Vec<(i64, u64)>,
    /// Why it stopped early, if it did.
    error: Option<String>,
}

/// The connected subscribers, each reading in a task of its own.
struct Subscribers {
    tasks: Vec<tokio::task::JoinHandle<Received>>,
    /// The highest version each subscriber has received so far.
    seen: Arc<Vec<AtomicI64>>,
    plan: Vec<(usize, usize)>,
    stop: watch::Sender<bool>,
}

/// Subscriber `i` is on instance `i % 2` and watches werkplaats `(i / 2) % W`,
/// so every werkplaats has subscribers on both instances (with `i % W` an
/// even W would put each werkplaats' subscribers all on one instance).
fn placement(index: usize, instances: usize, werkplaatsen: usize) -> (usize, usize) {
    (index % instances, (index / instances) % werkplaatsen)
}

async fn connect_subscribers(
    servers: &[Server],
    werkplaatsen: &Arc<Vec<Werkplaats>>,
    args: &BenchArgs,
) -> anyhow::Result<Subscribers> {
    let count = args.subscribers;
    let seen: Arc<Vec<AtomicI64>> = Arc::new((0..count).map(|_| AtomicI64::new(0)).collect());
    let (stop, stop_rx) = watch::channel(false);
    let gate = Arc::new(Semaphore::new(args.connect_parallelism.max(1)));
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Result<(), String>>();
    let mut tasks = Vec::with_capacity(count);
    let mut plan = Vec::with_capacity(count);
    for index in 0..count {
        let (instance, werkplaats) = placement(index, servers.len(), werkplaatsen.len());
        plan.push((instance, werkplaats));
        let url = servers[instance].http.replacen("http://", "ws://", 1);
        let werkplaatsen = werkplaatsen.clone();
        let gate = gate.clone();
        let ready = ready_tx.clone();
        let seen = seen.clone();
        let stop = stop_rx.clone();
        tasks.push(tokio::spawn(async move {
            let target = &werkplaatsen[werkplaats];
            // After the version before the current one, so the server sends
            // that one stored event at once: it confirms the subscription is
            // live, which graphql-transport-ws itself never acknowledges.
            let after = target.version - 1;
            let mut received = Received {
                instance,
                werkplaats,
                after,
                deliveries: Vec::new(),
                error: None,
            };
            let permit = gate.acquire_owned().await;
            let opened = tokio::time::timeout(
                CONNECT_TIMEOUT,
                open_subscription(&url, &target.reader_token, &target.id, after),
            )
            .await
            .unwrap_or_else(|_| Err(anyhow!("no first event within {CONNECT_TIMEOUT:?}")));
            drop(permit);
            match opened {
                Ok((socket, first)) => {
                    seen[index].store(first.0, Ordering::Relaxed);
                    received.deliveries.push(first);
                    let _ = ready.send(Ok(()));
                    drop(ready);
                    read_events(socket, &mut received, &seen[index], stop).await;
                }
                Err(error) => {
                    let message = format!("subscriber {index}: {error:#}");
                    received.error = Some(message.clone());
                    let _ = ready.send(Err(message));
                }
            }
            received
        }));
    }
    drop(ready_tx);
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut connected = 0usize;
    while let Some(result) = ready_rx.recv().await {
        if let Err(error) = result {
            let _ = stop.send(true);
            bail!("a subscriber could not subscribe: {error}");
        }
        connected += 1;
        if last_report.elapsed() >= Duration::from_secs(5) {
            last_report = Instant::now();
            let rate = connected as f64 / started.elapsed().as_secs_f64();
            eprintln!("bench-live:   {connected}/{count} subscribers ({rate:.0}/s)");
        }
    }
    Ok(Subscribers {
        tasks,
        seen,
        plan,
        stop,
    })
}

impl Subscribers {
    fn len(&self) -> usize {
        self.plan.len()
    }

    fn on_instance(&self, instance: usize) -> usize {
        self.plan.iter().filter(|(i, _)| *i == instance).count()
    }

    /// Until every subscriber has received its werkplaats' head, or `limit`
    /// passes; whether they all did.
    async fn wait_for(&self, heads: &[i64], limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut last_report = Instant::now();
        loop {
            let behind = self
                .plan
                .iter()
                .zip(self.seen.iter())
                .filter(|((_, werkplaats), seen)| seen.load(Ordering::Relaxed) < heads[*werkplaats])
                .count();
            if behind == 0 {
                return true;
            }
            if Instant::now() >= deadline {
                eprintln!("bench-live: {behind} subscribers still behind after {limit:?}");
                return false;
            }
            if last_report.elapsed() >= Duration::from_secs(5) {
                last_report = Instant::now();
                eprintln!("bench-live:   {behind} subscribers catching up");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn stop(self) -> Vec<Received> {
        let _ = self.stop.send(true);
        let mut received = Vec::with_capacity(self.tasks.len());
        for task in self.tasks {
            if let Ok(done) = task.await {
                received.push(done);
            }
        }
        received
    }
}

/// Connects, initialises with the observer's token, subscribes after
/// `after` and waits for the first event (`after + 1`, already stored).
async fn open_subscription(
    url: &str,
    token: &str,
    werkplaats: &str,
    after: i64,
) -> anyhow::Result<(Socket, (i64, u64))> {
    let mut request = url.into_client_request()?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    // Events are small: small buffers keep 10,000 clients light, so the
    // benchmark's own memory does not crowd the servers it measures.
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    send(
        &mut socket,
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}}),
    )
    .await?;
    loop {
        match next_message(&mut socket).await? {
            Incoming::Other(message) if message["type"] == "connection_ack" => break,
            Incoming::Ping => send(&mut socket, json!({"type": "pong"})).await?,
            other => bail!("expected connection_ack, got {other:?}"),
        }
    }
    send(
        &mut socket,
        json!({
            "id": "1",
            "type": "subscribe",
            "payload": {"query": SUBSCRIPTION, "variables": {"id": werkplaats, "after": after}},
        }),
    )
    .await?;
    loop {
        match next_message(&mut socket).await? {
            Incoming::Event(event) if event.version == after + 1 => {
                return Ok((socket, (event.version, event.latency_us)))
            }
            Incoming::Ping => send(&mut socket, json!({"type": "pong"})).await?,
            other => bail!("expected event {}, got {other:?}", after + 1),
        }
    }
}

/// Records every event until told to stop; answers the server's pings.
async fn read_events(
    mut socket: Socket,
    received: &mut Received,
    seen: &AtomicI64,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let incoming = tokio::select! {
            biased;
            _ = stop.changed() => break,
            incoming = next_message(&mut socket) => incoming,
        };
        match incoming {
            Ok(Incoming::Event(event)) => {
                received.deliveries.push((event.version, event.latency_us));
                seen.fetch_max(event.version, Ordering::Relaxed);
            }
            Ok(Incoming::Ping) => {
                if let Err(error) = send(&mut socket, json!({"type": "pong"})).await {
                    received.error = Some(format!("pong: {error}"));
                    break;
                }
            }
            Ok(other) => {
                received.error = Some(format!("unexpected {other:?}"));
                break;
            }
            Err(error) => {
                received.error = Some(format!("{error:#}"));
                break;
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(5), socket.close(None)).await;
}

async fn send(socket: &mut Socket, message: Value) -> anyhow::Result<()> {
    socket.send(Message::text(message.to_string())).await?;
    Ok(())
}

/// A protocol message, with events decoded and timed on arrival.
#[derive(Debug)]
enum Incoming {
    Event(Delivery),
    Ping,
    Other(Value),
}

async fn next_message(socket: &mut Socket) -> anyhow::Result<Incoming> {
    loop {
        let text = match socket.next().await {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Close(frame))) => bail!("closed by the server: {frame:?}"),
            // Websocket-level pings are answered by tungstenite itself.
            Some(Ok(_)) => continue,
            Some(Err(error)) => return Err(error.into()),
            None => bail!("the connection ended"),
        };
        if let Some(event) = delivery(text.as_str()) {
            return Ok(Incoming::Event(event));
        }
        let message: Value = serde_json::from_str(text.as_str())
            .with_context(|| format!("not JSON: {}", text.as_str()))?;
        return Ok(match message["type"].as_str() {
            Some("ping") => Incoming::Ping,
            Some("pong") => continue,
            _ => Incoming::Other(message),
        });
    }
}

/// The stored version of each werkplaats, as the benchmark's own reader sees it.
async fn stream_heads(pool: &PgPool, werkplaatsen: &[Werkplaats]) -> anyhow::Result<Vec<i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as("select id::text, version from streams")
        .fetch_all(pool)
        .await?;
    let heads: HashMap<String, i64> = rows.into_iter().collect();
    werkplaatsen
        .iter()
        .map(|w| {
            heads
                .get(&w.id)
                .copied()
                .ok_or_else(|| anyhow!("werkplaats {} has no stream", w.id))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Raw PostgreSQL limit
// ---------------------------------------------------------------------------

#[derive(sqlx::FromRow)]
struct EventRow {
    stream_id: uuid::Uuid,
    version: i64,
    event_id: uuid::Uuid,
    event_type: String,
    schema_version: i32,
    payload: Value,
    actor_id: Option<uuid::Uuid>,
    command_id: uuid::Uuid,
    correlation_id: uuid::Uuid,
    recorded_at: DateTime<Utc>,
    hash: String,
    prev_hash: Option<String>,
}

/// The rows the main run's commands appended (the writers' mutation types,
/// in commit order).
async fn written_rows(pool: &PgPool, commands: u64) -> anyhow::Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "select stream_id, version, event_id, event_type, schema_version, payload, actor_id, \
         command_id, correlation_id, recorded_at, hash, prev_hash from events \
         where event_type in ('ProblemRecorded', 'ActionPlanned') order by position limit $1",
    )
    .bind(commands as i64)
    .fetch_all(pool)
    .await?)
}

/// Inserts `rows` one plain INSERT (one transaction) at a time from
/// `concurrency` connections into `bench_raw`: the events table's columns,
/// defaults, CHECK constraints and indexes (`LIKE ... INCLUDING ALL`), with
/// a sequence of its own, but without the foreign key to `streams` and the
/// append-only triggers (which fire only on UPDATE, DELETE and TRUNCATE).
async fn raw_inserts(
    database_url: &str,
    rows: &[EventRow],
    concurrency: usize,
) -> anyhow::Result<(u64, Duration)> {
    let pool = PgPoolOptions::new()
        .max_connections(concurrency as u32)
        .min_connections(concurrency as u32)
        .connect(database_url)
        .await?;
    for statement in [
        "drop table if exists bench_raw",
        "create table bench_raw (like events including all)",
        "create sequence bench_raw_position",
        "alter table bench_raw alter column position set default nextval('bench_raw_position')",
    ] {
        sqlx::query(statement).execute(&pool).await?;
    }
    // Open every connection before the clock starts: connecting is not
    // what is measured.
    let mut warm = Vec::new();
    for _ in 0..concurrency {
        warm.push(pool.acquire().await?);
    }
    drop(warm);

    let rows = Arc::new(rows.iter().collect::<Vec<_>>());
    let next = AtomicU64::new(0);
    let started = Instant::now();
    let inserted = futures::future::try_join_all((0..concurrency).map(|_| {
        let pool = &pool;
        let rows = &rows;
        let next = &next;
        async move {
            let mut inserted = 0u64;
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(row) = rows.get(index) else {
                    return Ok::<u64, sqlx::Error>(inserted);
                };
                sqlx::query(
                    "insert into bench_raw (stream_id, version, event_id, event_type, \
                     schema_version, payload, actor_id, command_id, correlation_id, \
                     recorded_at, hash, prev_hash) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(row.stream_id)
                .bind(row.version)
                .bind(row.event_id)
                .bind(&row.event_type)
                .bind(row.schema_version)
                .bind(&row.payload)
                .bind(row.actor_id)
                .bind(row.command_id)
                .bind(row.correlation_id)
                .bind(row.recorded_at)
                .bind(&row.hash)
                .bind(&row.prev_hash)
                .execute(pool)
                .await?;
                inserted += 1;
            }
        }
    }))
    .await?
    .into_iter()
    .sum();
    let elapsed = started.elapsed();
    pool.close().await;
    Ok((inserted, elapsed))
}

// ---------------------------------------------------------------------------
// Analysis and report
// ---------------------------------------------------------------------------

fn latency_histogram() -> Histogram<u64> {
    // 1 µs to an hour at three significant digits: ample for either end.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

/// Commit → delivery latency, by where the event was written and received.
struct Latencies {
    /// Every live event received by subscribers on instance `i`.
    on: Vec<Histogram<u64>>,
    /// `[written through][received on]`.
    route: Vec<Vec<Histogram<u64>>>,
    all: Histogram<u64>,
}

fn analyse(
    report: &mut Report,
    received: &[Received],
    heads: &[i64],
    written: &[Written],
    werkplaatsen: &[Werkplaats],
) {
    // Which instance wrote each version of each werkplaats; setup events
    // and the confirming first event are not the writers', so not timed.
    let mut writer_of: Vec<HashMap<i64, usize>> = vec![HashMap::new(); werkplaatsen.len()];
    for w in written {
        writer_of[w.werkplaats].insert(w.version, w.instance);
    }
    let instances = INSTANCES.len();
    let mut latencies = Latencies {
        on: (0..instances).map(|_| latency_histogram()).collect(),
        route: (0..instances)
            .map(|_| (0..instances).map(|_| latency_histogram()).collect())
            .collect(),
        all: latency_histogram(),
    };
    for subscriber in received {
        if let Some(error) = &subscriber.error {
            report.subscriber_errors += 1;
            if report.error_samples.len() < 3 {
                report.error_samples.push(error.clone());
            }
        }
        let head = heads[subscriber.werkplaats];
        let expected = (head - subscriber.after).max(0) as usize;
        let mut got = vec![0u32; expected];
        let mut previous = subscriber.after;
        for &(version, latency) in &subscriber.deliveries {
            if version <= previous {
                report.out_of_order += 1;
            }
            previous = previous.max(version);
            match usize::try_from(version - subscriber.after - 1) {
                Ok(slot) if slot < expected => got[slot] += 1,
                _ => report.unexpected += 1,
            }
            if let Some(&writer) = writer_of[subscriber.werkplaats].get(&version) {
                let on = subscriber.instance;
                latencies.on[on].saturating_record(latency);
                latencies.route[writer][on].saturating_record(latency);
                latencies.all.saturating_record(latency);
            }
        }
        let lost = got.iter().filter(|&&n| n == 0).count() as u64;
        let duplicated: u64 = got.iter().map(|&n| u64::from(n.saturating_sub(1))).sum();
        report.lost += lost;
        report.duplicated += duplicated;
        report.deliveries += subscriber.deliveries.len() as u64;
        if lost > 0 || duplicated > 0 {
            report.subscribers_affected += 1;
        }
    }
    report.subscribers_checked = received.len() as u64;
    report.latencies = Some(latencies);
}

struct MemoryFigures {
    instance: &'static str,
    subscribers: usize,
    rss_before_kib: u64,
    rss_after_kib: u64,
    rss_end_kib: u64,
}

impl MemoryFigures {
    fn per_subscriber_kib(&self) -> f64 {
        (self.rss_after_kib as f64 - self.rss_before_kib as f64) / self.subscribers.max(1) as f64
    }
}

struct NotifyFigures {
    in_transaction: bool,
    commands: u64,
    failed: u64,
    commands_per_sec: f64,
}

struct Report {
    args: BenchArgs,
    main_notify_in_transaction: bool,
    setup_secs: f64,
    connect_secs: f64,
    write_secs: f64,
    write_capped: bool,
    drain_secs: f64,
    drained: bool,
    total_secs: f64,
    commands: u64,
    failed_commands: u64,
    failure_samples: Vec<String>,
    commands_per_sec: f64,
    command_latency: Histogram<u64>,
    latencies: Option<Latencies>,
    deliveries: u64,
    subscribers_checked: u64,
    subscribers_affected: u64,
    subscriber_errors: u64,
    error_samples: Vec<String>,
    lost: u64,
    duplicated: u64,
    out_of_order: u64,
    unexpected: u64,
    memory: Vec<MemoryFigures>,
    notify_comparison: Vec<NotifyFigures>,
    raw_rows: u64,
    raw_inserts_per_sec: f64,
}

impl Report {
    fn new(args: &BenchArgs) -> Report {
        Report {
            args: args.clone(),
            main_notify_in_transaction: false,
            setup_secs: 0.0,
            connect_secs: 0.0,
            write_secs: 0.0,
            write_capped: false,
            drain_secs: 0.0,
            drained: false,
            total_secs: 0.0,
            commands: 0,
            failed_commands: 0,
            failure_samples: Vec::new(),
            commands_per_sec: 0.0,
            command_latency: latency_histogram(),
            latencies: None,
            deliveries: 0,
            subscribers_checked: 0,
            subscribers_affected: 0,
            subscriber_errors: 0,
            error_samples: Vec::new(),
            lost: 0,
            duplicated: 0,
            out_of_order: 0,
            unexpected: 0,
            memory: Vec::new(),
            notify_comparison: Vec::new(),
            raw_rows: 0,
            raw_inserts_per_sec: 0.0,
        }
    }

    fn ratio(&self) -> f64 {
        self.commands_per_sec / self.raw_inserts_per_sec
    }

    /// `(label, histogram)` rows of the latency table.
    fn latency_rows(&self) -> Vec<(String, Histogram<u64>)> {
        let Some(latencies) = &self.latencies else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        for (on, histogram) in INSTANCES.iter().zip(&latencies.on) {
            rows.push((format!("subscribers on {on}"), histogram.clone()));
        }
        for (writer, row) in INSTANCES.iter().zip(&latencies.route) {
            for (on, histogram) in INSTANCES.iter().zip(row) {
                rows.push((format!("written via {writer}, on {on}"), histogram.clone()));
            }
        }
        let mut across = latency_histogram();
        for writer in 0..INSTANCES.len() {
            for on in 0..INSTANCES.len() {
                if writer != on {
                    let _ = across.add(&latencies.route[writer][on]);
                }
            }
        }
        rows.push(("across instances".to_owned(), across));
        rows.push(("all".to_owned(), latencies.all.clone()));
        rows
    }

    fn text(&self) -> String {
        let a = &self.args;
        let mut out = String::new();
        let _ = writeln!(out, "== bench-live ==");
        let _ = writeln!(
            out,
            "2 instances, {} werkplaatsen, {} subscribers, {} writers, {}",
            a.werkplaatsen,
            a.subscribers,
            a.writers,
            match a.seconds {
                Some(seconds) => format!("{seconds} s of writing"),
                None => format!(
                    "{} commands (at most {} s of writing)",
                    a.commands, a.max_write_seconds
                ),
            }
        );
        let _ = writeln!(
            out,
            "phases: setup {:.1} s, connect {:.1} s ({:.0} subscribers/s), write {:.1} s, \
             drain {:.2} s{}, total {:.1} s",
            self.setup_secs,
            self.connect_secs,
            a.subscribers as f64 / self.connect_secs.max(1e-9),
            self.write_secs,
            self.drain_secs,
            if self.drained { "" } else { " (NOT caught up)" },
            self.total_secs
        );
        let _ = writeln!(
            out,
            "commands:        {} ok, {} failed in {:.2} s = {:.0} commands/s \
             (NOTIFY {}; request p50 {} p99 {} ms)",
            self.commands,
            self.failed_commands,
            self.write_secs,
            self.commands_per_sec,
            mode_name(self.main_notify_in_transaction),
            ms(self.command_latency.value_at_quantile(0.5)),
            ms(self.command_latency.value_at_quantile(0.99)),
        );
        if self.write_capped {
            let _ = writeln!(
                out,
                "  stopped by --max-write-seconds {} before all {} commands were sent",
                a.max_write_seconds, a.commands
            );
        }
        for sample in &self.failure_samples {
            let _ = writeln!(out, "  failure: {sample}");
        }
        let _ = writeln!(
            out,
            "raw INSERT:      {} rows at concurrency {} = {:.0} inserts/s; \
             ratio commands/s / inserts/s = {:.3}",
            self.raw_rows,
            a.writers,
            self.raw_inserts_per_sec,
            self.ratio()
        );
        for figures in &self.notify_comparison {
            let _ = writeln!(
                out,
                "writers only, NOTIFY {:<14}: {:.0} commands/s ({} ok, {} failed)",
                mode_name(figures.in_transaction),
                figures.commands_per_sec,
                figures.commands,
                figures.failed
            );
        }
        let _ = writeln!(
            out,
            "commit -> delivery (ms)        deliveries      p50      p95      p99      max"
        );
        for (label, histogram) in self.latency_rows() {
            let _ = writeln!(
                out,
                "  {label:<28} {:>10} {:>8} {:>8} {:>8} {:>8}",
                histogram.len(),
                ms(histogram.value_at_quantile(0.5)),
                ms(histogram.value_at_quantile(0.95)),
                ms(histogram.value_at_quantile(0.99)),
                ms(histogram.max()),
            );
        }
        let _ = writeln!(
            out,
            "delivery check:  {} subscribers, {} events received; lost {}, duplicated {} \
             ({} subscribers affected, {} out of order, {} unexpected, {} errors) {}",
            self.subscribers_checked,
            self.deliveries,
            self.lost,
            self.duplicated,
            self.subscribers_affected,
            self.out_of_order,
            self.unexpected,
            self.subscriber_errors,
            if self.lost == 0 && self.duplicated == 0 && self.subscriber_errors == 0 {
                "OK"
            } else {
                "FAILED"
            }
        );
        for sample in &self.error_samples {
            let _ = writeln!(out, "  error: {sample}");
        }
        for m in &self.memory {
            let _ = writeln!(
                out,
                "memory {}:        {} subscribers, RSS {:.1} -> {:.1} MiB ({:.1} MiB after the run) \
                 = {:.1} KiB per subscriber",
                m.instance,
                m.subscribers,
                m.rss_before_kib as f64 / 1024.0,
                m.rss_after_kib as f64 / 1024.0,
                m.rss_end_kib as f64 / 1024.0,
                m.per_subscriber_kib()
            );
        }
        out.trim_end().to_owned()
    }

    /// The same figures on one line, for scripts.
    fn json(&self) -> String {
        let latency: serde_json::Map<String, Value> = self
            .latency_rows()
            .into_iter()
            .map(|(label, h)| {
                (
                    label.replace([' ', ','], "_").replace("__", "_"),
                    json!({
                        "count": h.len(),
                        "p50_ms": ms_f(h.value_at_quantile(0.5)),
                        "p95_ms": ms_f(h.value_at_quantile(0.95)),
                        "p99_ms": ms_f(h.value_at_quantile(0.99)),
                        "max_ms": ms_f(h.max()),
                    }),
                )
            })
            .collect();
        json!({
            "werkplaatsen": self.args.werkplaatsen,
            "subscribers": self.args.subscribers,
            "writers": self.args.writers,
            "commands": self.commands,
            "failed_commands": self.failed_commands,
            "write_capped": self.write_capped,
            "commands_per_sec": round1(self.commands_per_sec),
            "raw_inserts_per_sec": round1(self.raw_inserts_per_sec),
            "ratio_to_raw_insert": (self.ratio() * 1000.0).round() / 1000.0,
            "notify": self.notify_comparison.iter().map(|f| json!({
                "in_transaction": f.in_transaction,
                "commands_per_sec": round1(f.commands_per_sec),
            })).collect::<Vec<_>>(),
            "latency": latency,
            "lost": self.lost,
            "duplicated": self.duplicated,
            "subscriber_errors": self.subscriber_errors,
            "memory_per_subscriber_kib": self.memory.iter().map(|m| json!({
                "instance": m.instance,
                "subscribers": m.subscribers,
                "kib": round1(m.per_subscriber_kib()),
            })).collect::<Vec<_>>(),
            "seconds": {
                "setup": round1(self.setup_secs),
                "connect": round1(self.connect_secs),
                "write": round1(self.write_secs),
                "drain": round1(self.drain_secs),
                "total": round1(self.total_secs),
            },
        })
        .to_string()
    }
}

fn mode_name(in_transaction: bool) -> &'static str {
    if in_transaction {
        "in transaction"
    } else {
        "after commit"
    }
}

fn ms(micros: u64) -> String {
    format!("{:.1}", micros as f64 / 1000.0)
}

fn ms_f(micros: u64) -> f64 {
    round1(micros as f64 / 1000.0)
}

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}
