//! `bench-replay`: how long reading a werkplaats as it was takes on a long
//! stream, with and without snapshots.
//!
//! The benchmark creates a throw-away database and builds one werkplaats of
//! `--events` events (100,000 by default) in well under a minute: commands
//! are decided by `domain::decide` on a state folded alongside, as the
//! server would, and their events appended straight through
//! `EventStore::append` in batches. The mix is that of a long-running
//! werkplaats: actions planned while fewer than 200 are open, revised and
//! taken through their PDCA cycles (adapted ones again), measurements,
//! reflections and now and then a problem or decision.
//!
//! It then starts real server instances in this process and asks
//! `werkplaats(id, asOfVersion: v)` over GraphQL HTTP, one request at a
//! time, for uniformly random versions `v`:
//! - without snapshots (`snapshot_every = 0`): every read folds from event 1;
//! - with snapshots, cold: a fresh instance whose cache fills as it reads;
//! - with snapshots, warm: the same instance after one head read, which
//!   folds the whole stream and so keeps a snapshot every K events.
//!
//! It prints p50, p99 and max for each. Then it measures catch-up: one
//! websocket subscriber (`graphql-transport-ws`) asks for every event of the
//! werkplaats from version 0, as a client that was away for a long time
//! does, and the benchmark prints the events per second it receives, first
//! with `version` only, then with each event's actor too (which needs the
//! werkplaats folded along). Beside it, in the same run, reading the same
//! rows from PostgreSQL alone (`SELECT … ORDER BY version`, in pages as the
//! server reads them). It drops the database at the end.
//!
//! ```sh
//! cargo run --release --bin bench-replay -- --events 100000 --snapshot-every 1000
//! ```

use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::Parser;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;
use werkplaats::app::generate_token;
#[path = "support/scratch.rs"]
mod scratch;

use scratch::BenchDatabase;
use werkplaats::config::Config;
use werkplaats::domain::{
    decide, ActOutcome, ActionStatus, Actor, AddPartner, AdvancePhase, CheckAction, Command,
    ConcludeAction, CreateWerkplaats, DefineIndicator, Direction, Event, Methodology, PartnerKind,
    Perspective, PlanAction, RecordDecision, RecordMeasurement, RecordProblem, RecordReflection,
    ReviseAction, StartAction, State,
};
use werkplaats::startup::Application;
use werkplaats::store::{AppendRequest, EventStore, MemberRecord, NewEvent};

const QUERY: &str = "query($id: ID!, $v: Int) { werkplaats(id: $id, asOfVersion: $v) { \
    version phase { number } plan { actions { id status } } evaluation { cyclesCompleted } } }";

#[derive(Parser, Debug)]
#[command(about = "Time to read a werkplaats as of a random version, with and without snapshots")]
struct Args {
    /// PostgreSQL server (without database) to create the scratch database on.
    #[arg(
        long,
        env = "WERKPLAATS_BENCH_DATABASE_SERVER",
        default_value = "postgres://postgres@127.0.0.1:5432"
    )]
    database_server: String,
    /// Events in the werkplaats.
    #[arg(long, default_value_t = 100_000)]
    events: i64,
    /// Events per append while building it.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// K: a snapshot every K events.
    #[arg(long, default_value_t = 1_000)]
    snapshot_every: u64,
    /// Random reads measured with snapshots (cold and warm each).
    #[arg(long, default_value_t = 500)]
    reads: usize,
    /// Random reads measured without snapshots (each folds from event 1).
    #[arg(long, default_value_t = 60)]
    reads_without: usize,
    /// Seed of the command mix and the versions read.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let database = BenchDatabase::create(&args.database_server).await?;
    let outcome = run(&args, &database.url()).await;
    database.drop_now().await?;
    outcome
}

async fn run(args: &Args, url: &str) -> anyhow::Result<()> {
    let store = EventStore::connect(url, 4).await?;
    store.migrate().await?;
    let mut rng = StdRng::seed_from_u64(args.seed);

    let started = Instant::now();
    let id = build(&store, &mut rng, args.events, args.batch).await?;
    let head = store
        .stream_version(id)
        .await?
        .context("the stream exists")?;
    println!(
        "built werkplaats {id}: {head} events in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // Planned on the table's statistics, as on a server that has run a while.
    sqlx::query("analyze events").execute(store.pool()).await?;

    let admin_token = format!("bench-admin-{}", Uuid::new_v4());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?;
    let reader = Reader {
        client: &client,
        token: &admin_token,
        id,
        head,
    };
    let mut versions = |n: usize| -> Vec<i64> { (0..n).map(|_| rng.gen_range(1..=head)).collect() };

    let plain = serve(url, &admin_token, 0).await?;
    let without = reader
        .measure(&plain, &versions(args.reads_without))
        .await?;

    let cached = serve(url, &admin_token, args.snapshot_every).await?;
    let cold = reader.measure(&cached, &versions(args.reads)).await?;
    let warm_up = Instant::now();
    reader.read(&cached, head).await?;
    let warm_up = warm_up.elapsed();
    let warm = reader.measure(&cached, &versions(args.reads)).await?;

    println!();
    println!(
        "werkplaats(asOfVersion: v), v uniform in 1..={head}, over GraphQL HTTP, one request at a time"
    );
    println!(
        "{:<44} {:>6} {:>10} {:>10} {:>10}",
        "", "reads", "p50 ms", "p99 ms", "max ms"
    );
    let k = args.snapshot_every;
    without.print("without snapshots (snapshot_every 0)");
    cold.print(&format!("with snapshots every {k}, cold cache"));
    warm.print(&format!("with snapshots every {k}, warm cache"));
    println!(
        "(warm-up: one head read, folding all {head} events, took {:.1} ms)",
        warm_up.as_secs_f64() * 1e3
    );
    let p99 = warm.percentile(0.99);
    println!(
        "goal p99 <= 20 ms with snapshots (warm): {}",
        if p99 <= 20.0 { "met" } else { "NOT met" }
    );

    println!();
    println!("catch-up: one subscriber, werkplaatsEvents(afterVersion: 0) over graphql-transport-ws, all {head} events");
    let ws_url = cached.replacen("http", "ws", 1);
    for (label, selection) in [
        ("{ version recordedAt }", "version recordedAt"),
        (
            "{ version type data actor { name role } }",
            "version type data actor { name role }",
        ),
    ] {
        let rate = catch_up(&ws_url, &admin_token, id, head, selection).await?;
        println!("{label:<44} {rate:>12.0} events/s");
    }
    let raw = raw_read(url, id, head).await?;
    println!(
        "{:<44} {:>12.0} events/s",
        "PostgreSQL alone, pages of 500 rows", raw
    );
    println!("goal >= 50,000 events/s: see the first of these lines");
    Ok(())
}

/// Events per second a subscriber from version 0 receives until the head.
async fn catch_up(
    ws_url: &str,
    token: &str,
    id: Uuid,
    head: i64,
    selection: &str,
) -> anyhow::Result<f64> {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::http::HeaderValue;
    use tokio_tungstenite::tungstenite::Message;

    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init =
        json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {token}")}});
    socket.send(Message::text(init.to_string())).await?;
    let query = format!(
        "subscription($id: ID!) {{ werkplaatsEvents(werkplaatsId: $id, afterVersion: 0) {{ {selection} }} }}"
    );
    let started = Instant::now();
    let mut expected = 1;
    while let Some(message) = socket.next().await {
        let Message::Text(text) = message? else {
            continue;
        };
        let message: Value = serde_json::from_str(&text)?;
        match message["type"].as_str() {
            Some("connection_ack") => {
                let subscribe = json!({"id": "1", "type": "subscribe", "payload": {"query": query, "variables": {"id": id}}});
                socket.send(Message::text(subscribe.to_string())).await?;
            }
            Some("ping") => socket.send(Message::text(r#"{"type":"pong"}"#)).await?,
            Some("next") => {
                let version = message["payload"]["data"]["werkplaatsEvents"]["version"].as_i64();
                if version != Some(expected) {
                    bail!("expected event {expected}, got {message}");
                }
                if expected == head {
                    let rate = head as f64 / started.elapsed().as_secs_f64();
                    let _ = socket.close(None).await;
                    return Ok(rate);
                }
                expected += 1;
            }
            _ => bail!("unexpected {message}"),
        }
    }
    bail!("the connection ended at event {expected} of {head}")
}

/// Rows per second PostgreSQL alone reads the stream at, in pages of 500.
async fn raw_read(url: &str, id: Uuid, head: i64) -> anyhow::Result<f64> {
    use sqlx::Row;
    let pool = sqlx::PgPool::connect(url).await?;
    let started = Instant::now();
    let (mut after, mut read) = (0i64, 0i64);
    while after < head {
        let rows = sqlx::query(
            "select version, event_type, payload, recorded_at, actor_id, hash, prev_hash \
             from events where stream_id = $1 and version > $2 order by version limit 500",
        )
        .bind(id)
        .bind(after)
        .fetch_all(&pool)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.get::<i64, _>("version");
        read += rows.len() as i64;
    }
    let rate = read as f64 / started.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

// ---------------------------------------------------------------------------
// Building the werkplaats
// ---------------------------------------------------------------------------

fn text(rng: &mut StdRng, what: &str) -> String {
    const WORDS: &[&str] = &[
        "schulden",
        "wijkteam",
        "budgetcoach",
        "inkomen",
        "vroegsignalering",
        "huurachterstand",
        "bewindvoering",
        "armoede",
        "gesprek",
        "ervaringsdeskundige",
    ];
    let words: Vec<&str> = (0..6).map(|_| *WORDS.choose(rng).unwrap()).collect();
    format!("{what}: {}", words.join(" "))
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> Option<T> {
    items.choose(rng).copied()
}

/// One random command of the mix, on the state so far.
fn next_command(rng: &mut StdRng, state: &State, day: NaiveDate) -> Option<Command> {
    let partners: Vec<Uuid> = state.partners.iter().copied().collect();
    let indicators: Vec<Uuid> = state.indicators.keys().copied().collect();
    let actions: Vec<(Uuid, i64, ActionStatus)> = state
        .actions
        .iter()
        .map(|(id, a)| (*id, a.version, a.status))
        .collect();
    // Actions still in their cycle; finished ones stay in the plan, so new
    // ones come only while few are open.
    let open = actions
        .iter()
        .filter(|(_, _, s)| !matches!(s, ActionStatus::Adopted | ActionStatus::Abandoned))
        .count();
    let roll = rng.gen_range(0..1000);
    Some(match roll {
        _ if partners.len() < 6 => Command::AddPartner(AddPartner {
            partner_id: Uuid::new_v4(),
            name: text(rng, "partner"),
            kind: *[
                PartnerKind::Gemeente,
                PartnerKind::Schuldhulpverlening,
                PartnerKind::SociaalWerk,
                PartnerKind::Clientenraad,
            ]
            .choose(rng)?,
        }),
        _ if indicators.len() < 6 => Command::DefineIndicator(DefineIndicator {
            indicator_id: Uuid::new_v4(),
            name: text(rng, "indicator"),
            unit: "huishoudens".into(),
            baseline: 100.0,
            norm: 150.0,
            direction: Direction::Increase,
            goal_id: None,
            kind: werkplaats::domain::IndicatorKind::Outcome,
        }),
        0..=29 if open < 200 => Command::PlanAction(PlanAction {
            action_id: Uuid::new_v4(),
            title: text(rng, "actie"),
            goal: text(rng, "doel"),
            owner_partner_id: pick(rng, &partners)?.to_string(),
            solution_id: None,
            due_date: Some(day),
            indicator_ids: Vec::new(),
        }),
        0..=349 => {
            let (id, version, _) = pick(rng, &actions)?;
            Command::ReviseAction(ReviseAction {
                action_id: id.to_string(),
                expected_version: version,
                title: Some(text(rng, "actie")),
                goal: None,
                owner_partner_id: None,
                due_date: None,
                indicator_ids: None,
            })
        }
        350..=599 => {
            let (id, _, status) = pick(rng, &actions)?;
            let action_id = id.to_string();
            match status {
                ActionStatus::Planned | ActionStatus::Adapted => {
                    Command::StartAction(StartAction {
                        action_id,
                        expected_version: None,
                    })
                }
                ActionStatus::Doing => Command::CheckAction(CheckAction {
                    action_id,
                    findings: text(rng, "bevindingen"),
                    expected_version: None,
                }),
                ActionStatus::Checking => Command::ConcludeAction(ConcludeAction {
                    action_id,
                    outcome: *[ActOutcome::Adopt, ActOutcome::Adapt, ActOutcome::Abandon]
                        .choose(rng)?,
                    rationale: text(rng, "afweging"),
                    expected_version: None,
                }),
                _ => return None,
            }
        }
        600..=849 => Command::RecordMeasurement(RecordMeasurement {
            indicator_id: pick(rng, &indicators)?.to_string(),
            value: rng.gen_range(50.0..200.0),
            measured_on: day,
            note: None,
        }),
        850..=959 => Command::RecordReflection(RecordReflection {
            reflection_id: Uuid::new_v4(),
            text: text(rng, "reflectie"),
            about: Vec::new(),
        }),
        960..=984 => Command::RecordProblem(RecordProblem {
            problem_id: Uuid::new_v4(),
            title: text(rng, "probleem"),
            description: text(rng, "beschrijving"),
            perspective: Perspective::Client,
        }),
        985..=997 => Command::RecordDecision(RecordDecision {
            decision_id: Uuid::new_v4(),
            title: text(rng, "besluit"),
            context: text(rng, "context"),
            options_considered: vec![text(rng, "optie"), text(rng, "optie")],
            decision: text(rng, "besluit"),
            rationale: text(rng, "afweging"),
            based_on: Vec::new(),
            supersedes_decision_id: None,
            consequences: None,
            review_on: None,
        }),
        _ => Command::AdvancePhase(AdvancePhase {
            expected_phase: i64::from(state.phase),
            note: None,
        }),
    })
}

fn new_event(event: &Event) -> NewEvent {
    NewEvent {
        event_type: event.event_type(),
        schema_version: Event::SCHEMA_VERSION,
        payload: event.payload(),
    }
}

/// Builds the werkplaats; returns its id.
async fn build(
    store: &EventStore,
    rng: &mut StdRng,
    events: i64,
    batch: usize,
) -> anyhow::Result<Uuid> {
    let id = Uuid::new_v4();
    let facilitator = Uuid::new_v4();
    let mut state = State::default();
    let created = decide(
        &state,
        Actor::Admin,
        Command::CreateWerkplaats(CreateWerkplaats {
            werkplaats_id: id,
            facilitator_id: facilitator,
            name: "Werkplaats Schulden Lang".into(),
            municipality: "Almere".into(),
            question: "Hoe bereiken we huishoudens met schulden eerder?".into(),
            methodology: Methodology::SchoudersEronder,
            facilitator_name: "Fatima Facilitator".into(),
        }),
    )?;
    let members = created
        .profile
        .iter()
        .map(|p| MemberRecord {
            member_id: p.member_id,
            name: p.name.as_str().to_owned(),
            token_hash: generate_token().1.to_vec(),
        })
        .collect();
    append(store, id, &state, None, &created.events, members).await?;
    for event in &created.events {
        state.apply(event);
    }

    let actor = Actor::Member(facilitator);
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date");
    let mut pending: Vec<Event> = Vec::with_capacity(batch);
    let mut at = state.clone();
    let mut refused = 0i64;
    while state.version < events {
        let day = start + chrono::Days::new((state.version / 100) as u64);
        if refused > events * 10 {
            bail!(
                "the command mix was refused {refused} times for {} events",
                state.version
            );
        }
        // Not possible (nothing to act on) or not allowed here (a phase
        // rule, a finished action): draw again.
        let Some(command) = next_command(rng, &state, day) else {
            refused += 1;
            continue;
        };
        let Ok(decided) = decide(&state, actor, command) else {
            refused += 1;
            continue;
        };
        for event in decided.events {
            state.apply(&event);
            pending.push(event);
        }
        if pending.len() >= batch || state.version >= events {
            append(store, id, &at, Some(facilitator), &pending, Vec::new()).await?;
            pending.clear();
            at = state.clone();
        }
    }
    println!("({refused} drawn commands were not possible or refused and drawn again)");
    Ok(id)
}

async fn append(
    store: &EventStore,
    id: Uuid,
    decided_on: &State,
    actor: Option<Uuid>,
    events: &[Event],
    members: Vec<MemberRecord>,
) -> anyhow::Result<()> {
    let command_id = Uuid::new_v4();
    store
        .append(AppendRequest {
            stream_id: id,
            expected_version: decided_on.version,
            command_id,
            correlation_id: command_id,
            actor,
            events: events.iter().map(new_event).collect(),
            members,
            access: Vec::new(),
            recorded_at: None,
            library: None,
            charge: None,
        })
        .await
        .map_err(|e| anyhow::anyhow!("append failed: {e:?}"))?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading over GraphQL
// ---------------------------------------------------------------------------

/// Starts a server instance in this process; returns its GraphQL address.
async fn serve(url: &str, admin_token: &str, snapshot_every: u64) -> anyhow::Result<String> {
    let config = Config {
        database_url: url.to_owned(),
        bind: "127.0.0.1:0".parse()?,
        admin_token: Some(admin_token.to_owned()),
        snapshot_every,
        ..Config::default()
    };
    let app = Application::build(config).await?;
    let address = format!("http://{}/graphql", app.local_addr()?);
    tokio::spawn(app.run());
    Ok(address)
}

struct Reader<'a> {
    client: &'a reqwest::Client,
    token: &'a str,
    id: Uuid,
    head: i64,
}

impl Reader<'_> {
    async fn read(&self, address: &str, version: i64) -> anyhow::Result<()> {
        let response: Value = self
            .client
            .post(address)
            .bearer_auth(self.token)
            .json(&json!({"query": QUERY, "variables": {"id": self.id, "v": version}}))
            .send()
            .await?
            .json()
            .await?;
        let got = response["data"]["werkplaats"]["version"].as_i64();
        if got != Some(version) || version > self.head {
            bail!("asked version {version}, got {response}");
        }
        Ok(())
    }

    async fn measure(&self, address: &str, versions: &[i64]) -> anyhow::Result<Timings> {
        let mut millis = Vec::with_capacity(versions.len());
        for &version in versions {
            let started = Instant::now();
            self.read(address, version).await?;
            millis.push(started.elapsed().as_secs_f64() * 1e3);
        }
        millis.sort_by(f64::total_cmp);
        Ok(Timings { millis })
    }
}

/// Response times in milliseconds, sorted.
struct Timings {
    millis: Vec<f64>,
}

impl Timings {
    /// Nearest-rank percentile.
    fn percentile(&self, p: f64) -> f64 {
        let rank = ((p * self.millis.len() as f64).ceil() as usize).clamp(1, self.millis.len());
        self.millis[rank - 1]
    }

    fn print(&self, label: &str) {
        println!(
            "{label:<44} {:>6} {:>10.2} {:>10.2} {:>10.2}",
            self.millis.len(),
            self.percentile(0.50),
            self.percentile(0.99),
            self.millis.last().copied().unwrap_or(0.0)
        );
    }
}

// ---------------------------------------------------------------------------
// The scratch database
// ---------------------------------------------------------------------------
