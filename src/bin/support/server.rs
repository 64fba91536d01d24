//! The server instances a benchmark measures, and the GraphQL requests it
//! sends them. An instance is the benchmark's own binary re-executed in a
//! hidden `serve` mode, so that one `cargo run --release` builds and
//! measures a release server. Shared by the benchmark binaries through
//! `#[path]`, like `scratch.rs`; each of them uses all of it.

use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use werkplaats::config::Config;
use werkplaats::startup::Application;

#[path = "memory.rs"]
mod memory;

/// Longest an instance may take to start and report its address.
const START_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long)]
    database_url: String,
    #[arg(long)]
    admin_token: String,
    #[arg(long)]
    db_pool_size: u32,
    #[arg(long)]
    notify_in_transaction: bool,
}

/// The hidden `serve` mode: the real application, on port 0, reporting its
/// address on stdout.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        // stdout carries the address to the benchmark; logs go beside it.
        .with_writer(std::io::stderr)
        .init();
    let config = Config {
        database_url: args.database_url,
        bind: "127.0.0.1:0".parse()?,
        admin_token: Some(args.admin_token),
        db_pool_size: args.db_pool_size,
        notify_in_transaction: args.notify_in_transaction,
        // The benchmarks write as fast as they can and hold thousands of
        // subscriptions per token: what they measure is not the abuse limits.
        mutation_burst: u32::MAX,
        mutations_per_second: u32::MAX,
        ws_max_connections_per_token: usize::MAX,
        ..Config::default()
    };
    let app = Application::build(config).await?;
    println!("listening {}", app.local_addr()?);
    // The benchmark holds our stdin open: when it goes away, even killed,
    // so does this server, instead of lingering on a dropped database.
    let parent_gone = async {
        let mut sink = [0u8; 64];
        let mut stdin = tokio::io::stdin();
        while matches!(stdin.read(&mut sink).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        served = app.run() => served?,
        () = parent_gone => {}
    }
    Ok(())
}

/// A server instance running as a child process.
pub struct Server {
    pub label: &'static str,
    child: Child,
    pub pid: u32,
    /// `http://127.0.0.1:PORT/graphql`
    pub http: String,
    /// Held open: the child exits when it closes.
    _stdin: ChildStdin,
}

impl Server {
    pub async fn start(
        label: &'static str,
        database_url: &str,
        admin_token: &str,
        pool_size: u32,
        notify_in_transaction: bool,
    ) -> anyhow::Result<Server> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg("serve")
            .args(["--database-url", database_url])
            .args(["--admin-token", admin_token])
            .args(["--db-pool-size", &pool_size.to_string()]);
        if notify_in_transaction {
            command.arg("--notify-in-transaction");
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            // Whatever way the benchmark ends, the servers end with it.
            .kill_on_drop(true)
            .spawn()
            .context("starting a server instance")?;
        let pid = child.id().context("the server has a pid")?;
        let stdin = child.stdin.take().context("the server's stdin")?;
        let mut stdout = BufReader::new(child.stdout.take().context("the server's stdout")?);
        let mut line = String::new();
        tokio::time::timeout(START_TIMEOUT, stdout.read_line(&mut line))
            .await
            .context("the server did not report its address in time")??;
        let address = line
            .trim()
            .strip_prefix("listening ")
            .ok_or_else(|| anyhow!("server {label} did not start: {line:?}"))?
            .to_owned();
        // Keep reading, so a stray line never blocks the server on a full pipe.
        tokio::spawn(async move {
            let mut lines = stdout.lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[{label}] {line}");
            }
        });
        Ok(Server {
            label,
            child,
            pid,
            http: format!("http://{address}/graphql"),
            _stdin: stdin,
        })
    }

    /// Resident memory in KiB, from `/proc/<pid>/status`.
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        memory::rss_kib(self.pid).with_context(|| format!("server {}", self.label))
    }

    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// Posts one GraphQL request; the `data` of the answer, or its errors.
pub async fn graphql(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await?;
    let status = response.status();
    let mut body: Value = response
        .json()
        .await
        .with_context(|| format!("HTTP {status}: not JSON"))?;
    if let Some(errors) = body.get("errors") {
        bail!("HTTP {status}: {errors}");
    }
    Ok(body["data"].take())
}

pub fn text(value: &Value) -> anyhow::Result<String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("expected a string, got {value}"))
}
