//! `bench-write`: what one command costs us, next to what PostgreSQL can do.
//!
//! The benchmark creates a throw-away database and, for each number of
//! concurrent writers in `--writers`, measures four ways of appending one
//! event for `--seconds`, each writer sending one write at a time on its own
//! stream:
//! - **werkplaats**: the whole path. One real server instance (this binary
//!   re-executed in a hidden `serve` mode, so a release run measures a
//!   release server) serves W werkplaatsen, created through
//!   `createWerkplaats` with the admin token; each writer holds one
//!   keep-alive HTTP connection and sends `recordProblem` mutations with a
//!   400-character description as its werkplaats' facilitator. Every answer
//!   is checked for GraphQL `errors`.
//! - **event store alone**: the same command's events appended through
//!   our store (`EventStore::append_on`, in this process, on a pool of its
//!   own): the hash chain, the group commit and `append_commands`, without
//!   HTTP, GraphQL, the rate limit or the fold. What it costs is what our
//!   SQL and its guarantees cost; the rest of the first path's time is the
//!   server's.
//! - **raw INSERT**: the row such a command appends (same columns, the
//!   payload of a stored `ProblemRecorded` event), one INSERT per
//!   transaction as a prepared statement into `bench_events`, a copy of the
//!   events table with its unique (stream, version) and other indexes but
//!   without the foreign key and the append-only triggers. Each connection
//!   writes its own stream with increasing versions.
//! - **Message DB-style**: an SQL function of our own, `bench_write_message`,
//!   after the idea of Message DB 1.3's `write_message`: take a transaction
//!   advisory lock on a hash of the stream's category (or, with
//!   `--message-db-lock stream`, of the stream), read the stream's current
//!   version, raise when it is not the expected one, insert the message.
//!   One call per transaction. As in Message DB, all streams are
//!   `werkplaats-<id>`, so by default they share one category lock.
//!
//! Each path gets its throughput in commands/s and the latency of every
//! write in an HDR histogram (p50, p99). The distance between the first and
//! the second is what our server (HTTP, GraphQL, rate limit, fold) costs,
//! between the second and the third what our SQL and its guarantees cost;
//! the fourth shows what a well-known event store design does with the
//! same PostgreSQL. Beside each path go the CPU µs per command that the
//! server, PostgreSQL and this process spent, the share of the machine
//! left idle, and the ceiling those costs allow were the path never
//! waiting (the cores divided by the cost, `support/cpu.rs`): a path short
//! of CPU and a path that waits look alike in commands/s alone. A table per writer count goes to stdout as
//! soon as it is measured, a markdown summary at the end; the database is
//! dropped at the end, also on error or Ctrl-C.
//!
//! ```sh
//! cargo run --release --bin bench-write -- --writers 1,8,32 --seconds 10
//! ```
//!
//! With `--write-wrk-setup PATH` it measures nothing: it starts the server,
//! creates the werkplaatsen, writes their ids and tokens to PATH, prints
//! `wrk` and `pgbench` command lines for `deploy/bench/` and serves until
//! Ctrl-C, for a cross-check with those tools.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use chrono::Utc;
use clap::{Args, Parser, Subcommand, ValueEnum};
use futures::StreamExt;
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use sqlx::{Connection as _, PgConnection};
use uuid::Uuid;
#[path = "support/cpu.rs"]
mod cpu;
#[path = "support/scratch.rs"]
mod scratch;
#[path = "support/server.rs"]
mod server;

use scratch::BenchDatabase;
use server::{graphql, serve, text, ServeArgs, Server};
use werkplaats::config::Config;
use werkplaats::store::{AppendRequest, Appended, EventStore, Head, NewEvent};

const CREATE_WERKPLAATS: &str = "mutation($input: CreateWerkplaatsInput!) { createWerkplaats(input: $input) { werkplaats { id } facilitatorToken } }";
const RECORD_PROBLEM: &str =
    "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }";

/// The problem's description: 400 characters, the same in every run (and in
/// `deploy/bench/record-problem.lua` and `insert-event.sql`).
const DESCRIPTION: &str = "Inwoners met betalingsachterstanden melden zich pas bij de \
    schuldhulpverlening als de deurwaarder al langs is geweest. Vroegsignalering via \
    woningcorporatie, energieleverancier en zorgverzekeraar bereikt hen nu niet: de signalen \
    komen binnen, maar niemand belt of gaat op huisbezoek. Wie toch belt, krijgt geen gehoor \
    of een ander nummer. Een vaste contactpersoon per wijk zou dat spoedig doorbreken.";
const _: () = assert!(DESCRIPTION.len() == 400);

/// The copy of the events table the raw INSERTs go to.
const CREATE_BENCH_EVENTS: [&str; 3] = [
    "create table bench_events (like events including all)",
    "create sequence bench_events_position owned by bench_events.position",
    "alter table bench_events alter column position set default nextval('bench_events_position')",
];

const INSERT_EVENT: &str = "insert into bench_events (stream_id, version, event_id, event_type, \
    schema_version, payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash) \
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// Messages as Message DB keeps them: a global position, the stream's own
/// position from 0, type, data and metadata, unique per (stream, position)
/// and per id, indexed by category for category readers.
const CREATE_BENCH_MESSAGES: [&str; 4] = [
    "create table bench_messages (
        global_position bigserial primary key,
        position bigint not null,
        time timestamptz not null default now(),
        stream_name text not null,
        type text not null,
        data jsonb,
        metadata jsonb,
        id uuid not null
    )",
    "create unique index bench_messages_id on bench_messages (id)",
    "create unique index bench_messages_stream on bench_messages (stream_name, position)",
    "create index bench_messages_category on bench_messages \
        (split_part(stream_name, '-', 1), global_position)",
];

/// `bench_write_message`, with `{LOCK_KEY}` replaced by what the advisory
/// lock is taken on. Returns the new message's position in its stream.
const CREATE_WRITE_MESSAGE: &str = "
create function bench_write_message(
    p_id uuid, p_stream text, p_type text, p_data jsonb, p_metadata jsonb, p_expected bigint
) returns bigint language plpgsql as $$
declare
    stream_version bigint;
begin
    -- Writers of one key queue here until the holder commits.
    perform pg_advisory_xact_lock(hashtextextended({LOCK_KEY}, 0));
    select coalesce(max(position), -1) into stream_version
        from bench_messages where stream_name = p_stream;
    if p_expected is not null and p_expected <> stream_version then
        raise exception 'stream % is at version %, not at the expected %',
            p_stream, stream_version, p_expected
            using errcode = 'serialization_failure';
    end if;
    insert into bench_messages (id, stream_name, position, type, data, metadata)
        values (p_id, p_stream, stream_version + 1, p_type, p_data, p_metadata);
    return stream_version + 1;
end;
$$";

const WRITE_MESSAGE: &str = "select bench_write_message($1, $2, $3, $4, $5, $6)";

#[derive(Parser)]
#[command(
    name = "bench-write",
    about = "Write benchmark: recordProblem over GraphQL vs our event store alone vs raw INSERT vs a Message DB-style function"
)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// The server instance, as the benchmark starts it (internal).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(Args, Clone, Debug)]
struct BenchArgs {
    /// PostgreSQL server to create the throw-away database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    database_server: String,

    /// Numbers of concurrent writers to measure, one after the other.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    writers: Vec<usize>,

    /// How long each path is measured at each number of writers.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,

    /// Database connections of the server (default: the largest --writers
    /// and one more, the server's `LISTEN` connection, which it holds for
    /// good: so no writer waits for a connection).
    #[arg(long)]
    pool_size: Option<u32>,

    /// What the Message DB-style function takes its advisory lock on.
    #[arg(long, value_enum, default_value_t = LockKey::Category)]
    message_db_lock: LockKey,

    /// Measure nothing: prepare a database and server for wrk and pgbench
    /// (`deploy/bench/`), write the werkplaatsen's ids and tokens to PATH,
    /// print the command lines and serve until Ctrl-C.
    #[arg(long, value_name = "PATH")]
    write_wrk_setup: Option<PathBuf>,
}

/// The advisory lock of the Message DB-style function.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum LockKey {
    /// The stream's category, the part before the first `-`, as Message DB
    /// 1.3 does: writers of one category take turns.
    Category,
    /// The whole stream name: writers of different streams never wait.
    Stream,
}

impl LockKey {
    fn expression(self) -> &'static str {
        match self {
            LockKey::Category => "split_part(p_stream, '-', 1)",
            LockKey::Stream => "p_stream",
        }
    }

    fn name(self) -> &'static str {
        match self {
            LockKey::Category => "category",
            LockKey::Stream => "stream",
        }
    }
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
// The server instance
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    if args.writers.is_empty() || args.writers.contains(&0) {
        bail!("--writers takes numbers of at least 1, e.g. 1,8,32");
    }
    if args.seconds.is_nan() || args.seconds <= 0.0 {
        bail!("--seconds must be positive");
    }
    let database = BenchDatabase::create(&args.database_server).await?;
    eprintln!("bench-write: database {}", database.name);
    let url = database.url();
    // Ctrl-C drops the run (and with it the server), then the database goes.
    let outcome = tokio::select! {
        outcome = run(&args, &url) => outcome,
        // Ctrl-C is how the --write-wrk-setup mode ends.
        _ = tokio::signal::ctrl_c() => if args.write_wrk_setup.is_some() {
            Ok(())
        } else {
            Err(anyhow!("interrupted"))
        },
    };
    let dropped = database.drop_now().await;
    outcome?;
    dropped
}

async fn run(args: &BenchArgs, database_url: &str) -> anyhow::Result<()> {
    let most = args.writers.iter().copied().max().unwrap_or(1);
    let store = EventStore::connect(database_url, 1).await?;
    store.migrate().await?;
    store.pool().close().await;
    let mut admin = PgConnection::connect(database_url).await?;
    for statement in CREATE_BENCH_EVENTS.iter().chain(&CREATE_BENCH_MESSAGES) {
        sqlx::query(statement).execute(&mut admin).await?;
    }
    sqlx::query(&CREATE_WRITE_MESSAGE.replace("{LOCK_KEY}", args.message_db_lock.expression()))
        .execute(&mut admin)
        .await?;

    let admin_token = format!("bench-admin-{:016x}", rand::random::<u64>());
    let pool_size = args.pool_size.unwrap_or(most as u32 + 1);
    let server = Server::start(
        "server",
        database_url,
        &admin_token,
        pool_size,
        Config::default().notify_in_transaction,
    )
    .await?;
    let setup = reqwest::Client::new();

    if let Some(path) = &args.write_wrk_setup {
        return wrk_setup(
            args,
            database_url,
            &mut admin,
            &server,
            &setup,
            &admin_token,
            path,
        )
        .await;
    }

    let duration = Duration::from_secs_f64(args.seconds);
    eprintln!(
        "bench-write: server pool {pool_size}, {} s per path, Message DB-style lock on the {}",
        args.seconds,
        args.message_db_lock.name()
    );
    let mut points = Vec::new();
    for &writers in &args.writers {
        let werkplaatsen = create_werkplaatsen(&setup, &server.http, &admin_token, writers).await?;
        let http: Vec<Writer> = werkplaatsen
            .into_iter()
            .map(|w| Writer::http(&server.http, w))
            .collect::<anyhow::Result<_>>()?;
        eprintln!("bench-write: {writers} writers, werkplaats");
        let werkplaats = drive(http, duration, server.pid).await?;

        let template = Arc::new(template(&mut admin).await?);
        eprintln!("bench-write: {writers} writers, event store alone");
        let alone = EventStore::connect(database_url, writers as u32).await?;
        let store = drive(
            store_writers(&alone, writers, &template),
            duration,
            server.pid,
        )
        .await?;
        alone.pool().close().await;
        eprintln!("bench-write: {writers} writers, raw INSERT");
        let raw = drive(
            db_writers(database_url, writers, &template, Target::RawInsert).await?,
            duration,
            server.pid,
        )
        .await?;
        eprintln!("bench-write: {writers} writers, Message DB-style");
        let message_db = drive(
            db_writers(database_url, writers, &template, Target::MessageDb).await?,
            duration,
            server.pid,
        )
        .await?;

        let point = Point {
            writers,
            werkplaats,
            store,
            raw,
            message_db,
        };
        println!("{}", point.table());
        points.push(point);
    }
    admin.close().await?;
    println!("{}", summary(args, pool_size, &points));
    // Everything the runs wrote is folded in the server's kept heads.
    println!(
        "server resident memory after the runs: {:.1} MiB",
        server.rss_kib()? as f64 / 1024.0
    );
    server.stop().await;

    let failed: Vec<&Measured> = points
        .iter()
        .flat_map(|p| [&p.werkplaats, &p.store, &p.raw, &p.message_db])
        .filter(|m| m.failed > 0)
        .collect();
    if let Some(first) = failed.first() {
        bail!(
            "{} writes failed; the first: {}",
            failed.iter().map(|m| m.failed).sum::<u64>(),
            first.first_failure.as_deref().unwrap_or("?")
        );
    }
    Ok(())
}

/// The `--write-wrk-setup` mode.
async fn wrk_setup(
    args: &BenchArgs,
    database_url: &str,
    admin: &mut PgConnection,
    server: &Server,
    client: &reqwest::Client,
    admin_token: &str,
    path: &Path,
) -> anyhow::Result<()> {
    let most = args.writers.iter().copied().max().unwrap_or(1);
    let werkplaatsen = create_werkplaatsen(client, &server.http, admin_token, most).await?;
    let mut lines = String::new();
    for w in &werkplaatsen {
        let _ = writeln!(lines, "{} {}", w.id, w.token);
    }
    std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    // insert-event.sql takes its versions from here.
    sqlx::query("create sequence bench_events_version")
        .execute(&mut *admin)
        .await?;
    println!(
        "{most} werkplaatsen, their ids and facilitator tokens in {}",
        path.display()
    );
    let seconds = args.seconds.ceil() as u64;
    for &writers in &args.writers {
        println!(
            "WERKPLAATS_TOKENS={} wrk -t {writers} -c {writers} -d {seconds}s --latency \
             -s deploy/bench/record-problem.lua {}",
            path.display(),
            server.http
        );
    }
    for &writers in &args.writers {
        println!(
            "pgbench -n -M prepared -f deploy/bench/insert-event.sql -c {writers} -j {} \
             -T {seconds} {database_url}",
            writers.min(2)
        );
    }
    println!("serving until Ctrl-C; the database is dropped then");
    std::future::pending().await
}

// ---------------------------------------------------------------------------
// GraphQL over HTTP
// ---------------------------------------------------------------------------

/// A werkplaats and its facilitator's token.
struct Werkplaats {
    id: String,
    token: String,
}

async fn create_werkplaatsen(
    client: &reqwest::Client,
    url: &str,
    admin_token: &str,
    count: usize,
) -> anyhow::Result<Vec<Werkplaats>> {
    let created = futures::stream::iter(0..count)
        .map(|index| async move {
            let data = graphql(
                client,
                url,
                admin_token,
                CREATE_WERKPLAATS,
                json!({"input": {
                    "name": format!("Werkplaats Schrijftest {index}"),
                    "municipality": "Benchdorp",
                    "question": "Hoe bereiken we inwoners met schulden eerder?",
                    "methodology": "SCHOUDERS_ERONDER",
                    "facilitatorName": "Procesbegeleider",
                }}),
            )
            .await
            .context("createWerkplaats")?;
            let created = &data["createWerkplaats"];
            Ok(Werkplaats {
                id: text(&created["werkplaats"]["id"])?,
                token: text(&created["facilitatorToken"])?,
            })
        })
        .buffered(4)
        .collect::<Vec<anyhow::Result<Werkplaats>>>()
        .await;
    created.into_iter().collect()
}

// ---------------------------------------------------------------------------
// The writers
// ---------------------------------------------------------------------------

/// The event row a `recordProblem` appended, as the database paths write it.
#[derive(sqlx::FromRow)]
struct Template {
    event_type: String,
    schema_version: i32,
    payload: Value,
    actor_id: Option<Uuid>,
    hash: String,
    prev_hash: Option<String>,
}

async fn template(connection: &mut PgConnection) -> anyhow::Result<Template> {
    sqlx::query_as(
        "select event_type, schema_version, payload, actor_id, hash, prev_hash from events \
         where event_type = 'ProblemRecorded' order by position desc limit 1",
    )
    .fetch_optional(connection)
    .await?
    .context("no ProblemRecorded event stored to copy")
}

#[derive(Clone, Copy)]
enum Target {
    RawInsert,
    MessageDb,
}

/// One writer: its own stream, one write at a time.
enum Writer {
    Http {
        client: reqwest::Client,
        url: String,
        werkplaats: Werkplaats,
        sent: u64,
    },
    Store {
        store: EventStore,
        stream: Uuid,
        /// The stream's head after the last append; `None` before the first.
        head: Option<(i64, Head)>,
        template: Arc<Template>,
    },
    Database {
        connection: PgConnection,
        target: Target,
        stream: Uuid,
        /// The last version written; Message DB's positions start at 0.
        version: i64,
        template: Arc<Template>,
    },
}

impl Writer {
    fn http(url: &str, werkplaats: Werkplaats) -> anyhow::Result<Writer> {
        Ok(Writer::Http {
            // One client per writer, at most one idle connection: each writer
            // keeps its own keep-alive connection.
            client: reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(60))
                .build()?,
            url: url.to_owned(),
            werkplaats,
            sent: 0,
        })
    }

    async fn write(&mut self) -> anyhow::Result<()> {
        match self {
            Writer::Http {
                client,
                url,
                werkplaats,
                sent,
            } => {
                *sent += 1;
                let data = graphql(
                    client,
                    url,
                    &werkplaats.token,
                    RECORD_PROBLEM,
                    json!({"input": {
                        "werkplaatsId": werkplaats.id,
                        "title": format!("Knelpunt {sent}: signalen blijven liggen"),
                        "description": DESCRIPTION,
                        "perspective": "CLIENT",
                    }}),
                )
                .await?;
                data["recordProblem"]["version"]
                    .as_i64()
                    .ok_or_else(|| anyhow!("recordProblem answered without a version: {data}"))?;
            }
            Writer::Store {
                store,
                stream,
                head,
                template,
            } => {
                let command = Uuid::new_v4();
                let request = AppendRequest {
                    stream_id: *stream,
                    expected_version: head.as_ref().map_or(0, |(version, _)| *version),
                    command_id: command,
                    correlation_id: command,
                    actor: template.actor_id,
                    events: vec![NewEvent {
                        event_type: "ProblemRecorded",
                        schema_version: template.schema_version,
                        payload: template.payload.clone(),
                    }],
                    members: Vec::new(),
                    access: Vec::new(),
                    recorded_at: None,
                    library: None,
                    charge: None,
                };
                let on = head.as_ref().map(|(_, h)| h.clone());
                match store.append_on(request, on).await? {
                    Appended::Committed {
                        last_version,
                        recorded_at,
                        hash,
                        ..
                    } => *head = Some((last_version, Head { hash, recorded_at })),
                    Appended::Duplicate { .. } => {
                        bail!("a new command id was taken for a duplicate")
                    }
                }
            }
            Writer::Database {
                connection,
                target: Target::RawInsert,
                stream,
                version,
                template,
            } => {
                let command = Uuid::new_v4();
                sqlx::query(INSERT_EVENT)
                    .bind(*stream)
                    .bind(*version + 1)
                    .bind(Uuid::new_v4())
                    .bind(&template.event_type)
                    .bind(template.schema_version)
                    .bind(&template.payload)
                    .bind(template.actor_id)
                    .bind(command)
                    .bind(command)
                    .bind(Utc::now())
                    .bind(&template.hash)
                    .bind(&template.prev_hash)
                    .execute(&mut *connection)
                    .await?;
                *version += 1;
            }
            Writer::Database {
                connection,
                target: Target::MessageDb,
                stream,
                version,
                template,
            } => {
                let command = Uuid::new_v4();
                let position: i64 = sqlx::query_scalar(WRITE_MESSAGE)
                    .bind(Uuid::new_v4())
                    .bind(format!("werkplaats-{stream}"))
                    .bind(&template.event_type)
                    .bind(&template.payload)
                    .bind(json!({
                        "actorId": template.actor_id,
                        "commandId": command,
                        "correlationId": command,
                        "schemaVersion": template.schema_version,
                    }))
                    .bind(*version)
                    .fetch_one(&mut *connection)
                    .await?;
                *version = position;
            }
        }
        Ok(())
    }
}

fn store_writers(store: &EventStore, count: usize, template: &Arc<Template>) -> Vec<Writer> {
    (0..count)
        .map(|_| Writer::Store {
            store: store.clone(),
            stream: Uuid::new_v4(),
            head: None,
            template: template.clone(),
        })
        .collect()
}

async fn db_writers(
    database_url: &str,
    count: usize,
    template: &Arc<Template>,
    target: Target,
) -> anyhow::Result<Vec<Writer>> {
    let mut writers = Vec::with_capacity(count);
    for _ in 0..count {
        writers.push(Writer::Database {
            connection: PgConnection::connect(database_url).await?,
            target,
            stream: Uuid::new_v4(),
            version: match target {
                Target::RawInsert => 0,
                Target::MessageDb => -1,
            },
            template: template.clone(),
        });
    }
    Ok(writers)
}

/// What one path did at one number of writers.
struct Measured {
    writes: u64,
    failed: u64,
    first_failure: Option<String>,
    elapsed: Duration,
    /// Per successful write, in µs.
    latency: Histogram<u64>,
    /// Where the CPU went while it ran.
    cpu: cpu::Spent,
}

impl Measured {
    fn per_sec(&self) -> f64 {
        self.writes as f64 / self.elapsed.as_secs_f64()
    }

    fn p50(&self) -> f64 {
        ms(self.latency.value_at_quantile(0.5))
    }

    fn p99(&self) -> f64 {
        ms(self.latency.value_at_quantile(0.99))
    }
}

/// Every writer writes once (connecting, preparing statements), then all
/// write as fast as they can until `duration` has passed.
/// Runs `writers` for `duration` after one warm-up write each; `server` is
/// the server's pid, for where the CPU went.
async fn drive(writers: Vec<Writer>, duration: Duration, server: u32) -> anyhow::Result<Measured> {
    let warmed = futures::future::join_all(writers.into_iter().map(|mut writer| async move {
        writer.write().await.context("the first write")?;
        Ok::<Writer, anyhow::Error>(writer)
    }))
    .await;
    let writers = warmed.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    let before = cpu::Sample::now(Some(server))?;
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = writers
        .into_iter()
        .map(|mut writer| {
            tokio::spawn(async move {
                let mut latency = latency_histogram();
                let mut failed = 0u64;
                let mut first_failure = None;
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    match writer.write().await {
                        Ok(()) => latency.saturating_record(sent.elapsed().as_micros() as u64),
                        Err(error) => {
                            failed += 1;
                            first_failure.get_or_insert_with(|| format!("{error:#}"));
                        }
                    }
                }
                (writer, latency, failed, first_failure)
            })
        })
        .collect();
    let mut latency = latency_histogram();
    let (mut failed, mut first_failure) = (0, None);
    // The writers stay until the CPU is read: a closed connection's
    // backend exits and takes its CPU time with it.
    let mut done = Vec::with_capacity(tasks.len());
    for task in tasks {
        let (writer, writer_latency, writer_failed, writer_failure) =
            task.await.context("a writer task")?;
        latency.add(&writer_latency)?;
        failed += writer_failed;
        first_failure = first_failure.or(writer_failure);
        done.push(writer);
    }
    let elapsed = started.elapsed();
    let writes = latency.len();
    let cpu = before.until(&cpu::Sample::now(Some(server))?, writes + failed);
    drop(done);
    Ok(Measured {
        writes,
        failed,
        first_failure,
        elapsed,
        latency,
        cpu,
    })
}

fn latency_histogram() -> Histogram<u64> {
    // 1 µs to an hour at three significant digits.
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds")
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

struct Point {
    writers: usize,
    werkplaats: Measured,
    store: Measured,
    raw: Measured,
    message_db: Measured,
}

impl Point {
    fn paths(&self) -> [(&'static str, &Measured); 4] {
        [
            ("werkplaats (GraphQL)", &self.werkplaats),
            ("event store alone", &self.store),
            ("raw INSERT", &self.raw),
            ("Message DB-style", &self.message_db),
        ]
    }

    fn versus_raw(&self) -> f64 {
        self.werkplaats.per_sec() / self.raw.per_sec()
    }

    fn versus_message_db(&self) -> f64 {
        self.werkplaats.per_sec() / self.message_db.per_sec()
    }

    fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "== {} writers ==", self.writers);
        let _ = writeln!(
            out,
            "  {:<22} {:>10} {:>9} {:>9} {:>9} {:>7} | CPU µs per command: {:>7} {:>10} {:>6} {:>6} | {:>6} {:>8}",
            "path", "commands/s", "p50 ms", "p99 ms", "writes", "failed",
            "server", "PostgreSQL", "bench", "total", "idle", "ceiling/s"
        );
        for (name, m) in self.paths() {
            let _ = writeln!(
                out,
                "  {name:<22} {:>10.0} {:>9.2} {:>9.2} {:>9} {:>7} |                     {:>7.0} {:>10.0} {:>6.0} {:>6.0} | {:>5.0}% {:>8.0}",
                m.per_sec(),
                m.p50(),
                m.p99(),
                m.writes,
                m.failed,
                m.cpu.server,
                m.cpu.postgres,
                m.cpu.bench,
                m.cpu.total(),
                m.cpu.idle * 100.0,
                m.cpu.ceiling()
            );
        }
        let _ = write!(
            out,
            "writers {}: werkplaats {:.0}/s (p50 {:.1} ms, p99 {:.1} ms) | event store alone {:.0}/s | \
             raw INSERT {:.0}/s | Message DB-style {:.0}/s | werkplaats/raw {:.3}, \
             werkplaats/MessageDB {:.2}, store alone/raw {:.3} | CPU per command: werkplaats \
             {:.0} µs ({:.0}% idle, ceiling {:.0}/s = {:.2} of raw), raw INSERT {:.0} µs ({:.0}% idle)",
            self.writers,
            self.werkplaats.per_sec(),
            self.werkplaats.p50(),
            self.werkplaats.p99(),
            self.store.per_sec(),
            self.raw.per_sec(),
            self.message_db.per_sec(),
            self.versus_raw(),
            self.versus_message_db(),
            self.store.per_sec() / self.raw.per_sec(),
            self.werkplaats.cpu.total(),
            self.werkplaats.cpu.idle * 100.0,
            self.werkplaats.cpu.ceiling(),
            self.werkplaats.cpu.ceiling() / self.raw.per_sec(),
            self.raw.cpu.total(),
            self.raw.cpu.idle * 100.0
        );
        out
    }
}

/// The figures as a markdown table, for the README.
fn summary(args: &BenchArgs, pool_size: u32, points: &[Point]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n`bench-write --writers {} --seconds {}`: server pool {pool_size}, Message DB-style \
         lock on the {}; commands/s (p50 / p99 ms)\n",
        args.writers
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(","),
        args.seconds,
        args.message_db_lock.name()
    );
    let _ = writeln!(
        out,
        "| writers | werkplaats (GraphQL) | event store alone | raw INSERT | Message DB-style | werkplaats ÷ raw | werkplaats ÷ Message DB | CPU µs per command, werkplaats / store alone / raw (idle) | werkplaats's CPU ceiling ÷ raw |"
    );
    let _ = writeln!(
        out,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for point in points {
        let cell = |m: &Measured| format!("{:.0} ({:.1} / {:.1})", m.per_sec(), m.p50(), m.p99());
        let spent = |m: &Measured| format!("{:.0} ({:.0} %)", m.cpu.total(), m.cpu.idle * 100.0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.3} | {:.2} | {} / {} / {} | {:.2} |",
            point.writers,
            cell(&point.werkplaats),
            cell(&point.store),
            cell(&point.raw),
            cell(&point.message_db),
            point.versus_raw(),
            point.versus_message_db(),
            spent(&point.werkplaats),
            spent(&point.store),
            spent(&point.raw),
            point.werkplaats.cpu.ceiling() / point.raw.per_sec()
        );
    }
    out.trim_end().to_owned()
}
