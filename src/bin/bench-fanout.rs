//! `bench-fanout`: the floor under live delivery on this machine, a peer
//! baseline for `bench-live`.
//!
//! `bench-live` times an event from its commit to every subscriber of its
//! werkplaats through our whole path: GraphQL, the database, the feed, the
//! websockets. This benchmark takes all of ours out and keeps only the
//! fan-out itself, done as cheaply as we know how: two server processes
//! (this binary re-executed in a hidden `serve` mode, as `bench-live` runs
//! two instances) each accept half of the subscribers on plain websockets
//! and, at a paced rate of events per second spread round-robin over the
//! werkplaatsen, send each event to every subscriber of its werkplaats.
//! One task per werkplaats encodes the event's frame once (a server's
//! frames are unmasked, so the bytes are the same for everyone) and writes
//! it straight into each subscriber's socket: one `write` per subscriber
//! and event, no task per connection, no queue, no copy. That is the
//! floor: a real server adds its own work on top. The message is the one
//! `bench-live`'s subscription receives (a
//! `next` with `version` and `recordedAt`, stamped just before the send);
//! the client is `bench-live`'s too: the same socket buffers and the same
//! parsing (`support/delivery.rs`), and the latency from `recordedAt` to
//! the parsed message.
//!
//! For each rate in `--rates` it prints events/s, messages/s, lost
//! messages and the latency p50/p99/max, and the servers' memory per
//! subscriber. What a rate costs here, with no GraphQL and no database, is
//! the least it can cost our server on the same cores: when the peer
//! already misses a latency goal at a rate, no work in our delivery path
//! can meet it there.
//!
//! ```sh
//! cargo run --release --bin bench-fanout -- --subscribers 10000 --rates 128,250 --seconds 10
//! ```

use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use chrono::{SecondsFormat, Utc};
use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use hdrhistogram::Histogram;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, Semaphore};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
#[path = "support/delivery.rs"]
mod delivery;
#[path = "support/memory.rs"]
mod memory;

use delivery::delivery;
use memory::rss_kib;

/// Server processes, as `bench-live` runs two instances.
const SERVERS: usize = 2;

/// How long the servers wait, once every subscriber is connected, before
/// the first event.
const SETTLE: Duration = Duration::from_millis(500);

#[derive(Parser)]
#[command(
    name = "bench-fanout",
    about = "Peer baseline for bench-live: plain websocket fan-out, no GraphQL, no database"
)]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode>,
    #[command(flatten)]
    bench: BenchArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// One fan-out server, as the benchmark starts it (internal).
    #[command(hide = true)]
    Serve(ServeArgs),
}

#[derive(Args, Clone, Debug)]
struct BenchArgs {
    /// Websocket subscribers, alternating between the two servers.
    #[arg(long, default_value_t = 10_000)]
    subscribers: usize,

    /// Werkplaatsen the events are spread over, round-robin.
    #[arg(long, default_value_t = 20)]
    werkplaatsen: usize,

    /// Events per second to measure, one run each.
    #[arg(long, value_delimiter = ',', default_values_t = [128.0, 250.0])]
    rates: Vec<f64>,

    /// Seconds of events per rate.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,

    /// Subscribers connecting at the same time.
    #[arg(long, default_value_t = 250)]
    connect_parallelism: usize,
}

#[derive(Args, Clone, Debug)]
struct ServeArgs {
    #[arg(long)]
    werkplaatsen: usize,
    /// Subscribers to wait for before the first event.
    #[arg(long)]
    subscribers: usize,
    #[arg(long)]
    rate: f64,
    #[arg(long)]
    events: u64,
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
// The fan-out server
// ---------------------------------------------------------------------------

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("port {}", listener.local_addr()?.port());
    let connected = Arc::new(AtomicUsize::new(0));
    let werkplaatsen: Arc<Vec<mpsc::UnboundedSender<Job>>> = Arc::new(
        (0..args.werkplaatsen)
            .map(|_| {
                let (jobs, receiver) = mpsc::unbounded_channel();
                tokio::spawn(fan_out(receiver, connected.clone()));
                jobs
            })
            .collect(),
    );
    let accepting = tokio::spawn(accept(listener, werkplaatsen.clone()));
    while connected.load(Ordering::Relaxed) < args.subscribers {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(SETTLE).await;
    let interval = Duration::from_secs_f64(1.0 / args.rate);
    let started = Instant::now();
    for k in 0..args.events {
        tokio::time::sleep_until(started + interval.mul_f64(k as f64)).await;
        let werkplaats = (k % args.werkplaatsen as u64) as usize;
        let version = k / args.werkplaatsen as u64 + 1;
        let recorded_at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
        let message = format!(
            r#"{{"id":"1","type":"next","payload":{{"data":{{"werkplaatsEvents":{{"version":{version},"recordedAt":"{recorded_at}"}}}}}}}}"#
        );
        let _ = werkplaatsen[werkplaats].send(Job::Event(text_frame(&message)));
    }
    println!(
        "sent {} in {:.3} s",
        args.events,
        started.elapsed().as_secs_f64()
    );
    accepting.await?;
    Ok(())
}

/// What a werkplaats' task is given: a subscriber, or an event's frame.
enum Job {
    Join(TcpStream),
    Event(Arc<[u8]>),
}

/// A websocket text frame as a server sends it: unmasked, so the same
/// bytes for every subscriber.
fn text_frame(text: &str) -> Arc<[u8]> {
    let payload = text.as_bytes();
    let mut frame = Vec::with_capacity(payload.len() + 4);
    frame.push(0x81);
    match payload.len() {
        n if n < 126 => frame.push(n as u8),
        n => {
            frame.push(126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
    }
    frame.extend_from_slice(payload);
    frame.into()
}

/// One werkplaats: writes each event's frame straight into every
/// subscriber's socket, waiting only when a socket's buffer is full.
async fn fan_out(mut jobs: mpsc::UnboundedReceiver<Job>, connected: Arc<AtomicUsize>) {
    let mut subscribers: Vec<TcpStream> = Vec::new();
    while let Some(job) = jobs.recv().await {
        match job {
            Job::Join(stream) => {
                subscribers.push(stream);
                connected.fetch_add(1, Ordering::Relaxed);
            }
            Job::Event(frame) => {
                let mut gone = Vec::new();
                for (index, stream) in subscribers.iter().enumerate() {
                    if write_all(stream, &frame).await.is_err() {
                        gone.push(index);
                    }
                }
                for index in gone.into_iter().rev() {
                    subscribers.swap_remove(index);
                }
            }
        }
    }
}

async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        match stream.try_write(bytes) {
            Ok(written) => bytes = &bytes[written..],
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                stream.writable().await?
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

async fn accept(listener: TcpListener, werkplaatsen: Arc<Vec<mpsc::UnboundedSender<Job>>>) {
    while let Ok((stream, _)) = listener.accept().await {
        let werkplaatsen = werkplaatsen.clone();
        tokio::spawn(async move {
            let _ = stream.set_nodelay(true);
            if let Ok((werkplaats, stream)) = handshake(stream).await {
                if let Some(jobs) = werkplaatsen.get(werkplaats) {
                    let _ = jobs.send(Job::Join(stream));
                }
            }
        });
    }
}

/// The server's side of the websocket opening handshake (RFC 6455 4.2);
/// the path is the werkplaats' index.
async fn handshake(mut stream: TcpStream) -> anyhow::Result<(usize, TcpStream)> {
    let mut request = Vec::with_capacity(512);
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 || request.len() > 8 * 1024 {
            bail!("no complete opening handshake");
        }
        request.extend_from_slice(&buffer[..read]);
    }
    let request = String::from_utf8_lossy(&request);
    let path = request
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .context("no request line")?;
    let werkplaats = path.trim_start_matches('/').parse()?;
    let key = request
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("sec-websocket-key")
                .then(|| value.trim().to_owned())
        })
        .context("no Sec-WebSocket-Key")?;
    let response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {}\r\n\r\n",
        derive_accept_key(key.as_bytes())
    );
    stream.write_all(response.as_bytes()).await?;
    Ok((werkplaats, stream))
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    async fn start(
        args: &BenchArgs,
        subscribers: usize,
        events: u64,
        rate: f64,
    ) -> anyhow::Result<Server> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", "--werkplaatsen", &args.werkplaatsen.to_string()])
            .args(["--subscribers", &subscribers.to_string()])
            .args(["--rate", &rate.to_string(), "--events", &events.to_string()])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next_line()
            .await?
            .context("the server said nothing")?;
        let port = first
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .with_context(|| format!("expected `port N`, got {first:?}"))?;
        // The rest of what it says goes nowhere.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { child, port })
    }

    fn rss_kib(&self) -> anyhow::Result<u64> {
        rss_kib(self.child.id().context("the server has exited")?)
    }
}

/// What one rate did.
struct Measured {
    rate: f64,
    events: u64,
    expected: u64,
    received: u64,
    latency: Histogram<u64>,
    kib_per_subscriber: f64,
}

async fn bench(args: BenchArgs) -> anyhow::Result<()> {
    if args.werkplaatsen == 0 || args.subscribers < SERVERS {
        bail!("--werkplaatsen must be at least 1 and --subscribers at least {SERVERS}");
    }
    let mut measured = Vec::new();
    for &rate in &args.rates {
        eprintln!("bench-fanout: {rate} events/s");
        let result = run(&args, rate).await?;
        println!("{}", line(&args, &result));
        measured.push(result);
    }
    println!("\n{}", summary(&args, &measured));
    let lost: u64 = measured.iter().map(|m| m.expected - m.received).sum();
    if lost > 0 {
        bail!("{lost} messages did not arrive within the deadline");
    }
    Ok(())
}

async fn run(args: &BenchArgs, rate: f64) -> anyhow::Result<Measured> {
    let events = (rate * args.seconds).round().max(1.0) as u64;
    let mut servers = Vec::with_capacity(SERVERS);
    for s in 0..SERVERS {
        let subscribers = (s..args.subscribers).step_by(SERVERS).count();
        servers.push(Server::start(args, subscribers, events, rate).await?);
    }
    let idle: Vec<u64> = servers
        .iter()
        .map(Server::rss_kib)
        .collect::<Result<_, _>>()?;

    // Subscriber i: server i mod 2, werkplaats (i / 2) mod W, as in bench-live.
    let gate = Arc::new(Semaphore::new(args.connect_parallelism.max(1)));
    let mut tasks = Vec::with_capacity(args.subscribers);
    let mut expected = 0;
    let deadline =
        Instant::now() + Duration::from_secs_f64(args.seconds) + Duration::from_secs(120);
    for i in 0..args.subscribers {
        let server = i % SERVERS;
        let werkplaats = (i / SERVERS) % args.werkplaatsen;
        let mine = (werkplaats as u64..events)
            .step_by(args.werkplaatsen)
            .count() as u64;
        expected += mine;
        let url = format!("ws://127.0.0.1:{}/{werkplaats}", servers[server].port);
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            subscribe(&url, mine, deadline, gate).await
        }));
    }
    let mut latency = Histogram::<u64>::new_with_bounds(1, 3_600_000_000, 3)?;
    let mut received = 0;
    let mut kib_per_subscriber = None;
    for task in tasks {
        let latencies = task.await??;
        if kib_per_subscriber.is_none() {
            // Every subscriber was connected before the first event, so
            // once one is done this is the servers' memory with all of them.
            let full: Vec<u64> = servers
                .iter()
                .map(Server::rss_kib)
                .collect::<Result<_, _>>()?;
            let grown: u64 = full
                .iter()
                .zip(&idle)
                .map(|(f, i)| f.saturating_sub(*i))
                .sum();
            kib_per_subscriber = Some(grown as f64 / args.subscribers as f64);
        }
        received += latencies.len() as u64;
        for micros in latencies {
            latency.saturating_record(micros);
        }
    }
    for mut server in servers {
        let _ = server.child.kill().await;
    }
    Ok(Measured {
        rate,
        events,
        expected,
        received,
        latency,
        kib_per_subscriber: kib_per_subscriber.unwrap_or_default(),
    })
}

/// One subscriber: its latencies, until it has `wanted` events or the
/// deadline passes.
async fn subscribe(
    url: &str,
    wanted: u64,
    deadline: Instant,
    gate: Arc<Semaphore>,
) -> anyhow::Result<Vec<u64>> {
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0);
    let (mut socket, _) = {
        let _turn = gate.acquire().await?;
        tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?
    };
    let mut latencies = Vec::with_capacity(wanted as usize);
    while (latencies.len() as u64) < wanted {
        let message = match tokio::time::timeout_at(deadline, socket.next()).await {
            Err(_) => break,
            Ok(Some(Ok(Message::Text(text)))) => text,
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(error))) => return Err(error.into()),
            Ok(None) => bail!("the server closed the connection"),
        };
        let event = delivery(message.as_str()).ok_or_else(|| anyhow!("not a next message"))?;
        latencies.push(event.latency_us);
        // Versions count up by one per werkplaats: a subscriber that lost
        // some (the total shows how many) is done at the last one.
        if event.version as u64 >= wanted {
            break;
        }
    }
    let _ = socket.close(None).await;
    Ok(latencies)
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

fn line(args: &BenchArgs, m: &Measured) -> String {
    format!(
        "fanout {:.0} events/s over {} werkplaatsen to {} subscribers: {} events, {} of {} messages \
         ({:.0} messages/s), latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, {:.1} KiB per subscriber",
        m.rate,
        args.werkplaatsen,
        args.subscribers,
        m.events,
        m.received,
        m.expected,
        m.received as f64 / args.seconds,
        ms(m.latency.value_at_quantile(0.5)),
        ms(m.latency.value_at_quantile(0.99)),
        ms(m.latency.max()),
        m.kib_per_subscriber,
    )
}

/// The figures as a markdown table, for the README.
fn summary(args: &BenchArgs, measured: &[Measured]) -> String {
    let mut out = format!(
        "`bench-fanout --subscribers {} --werkplaatsen {} --seconds {}`: plain websocket fan-out, \
         2 servers\n\n| events/s | messages/s | lost | p50 ms | p99 ms | max ms | KiB per subscriber |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        args.subscribers, args.werkplaatsen, args.seconds
    );
    for m in measured {
        out.push_str(&format!(
            "| {:.0} | {:.0} | {} | {:.1} | {:.1} | {:.1} | {:.1} |\n",
            m.rate,
            m.received as f64 / args.seconds,
            m.expected - m.received,
            ms(m.latency.value_at_quantile(0.5)),
            ms(m.latency.value_at_quantile(0.99)),
            ms(m.latency.max()),
            m.kib_per_subscriber,
        ));
    }
    out.trim_end().to_owned()
}
