//! Fresh databases, server processes and nginx, each cleaned up when
//! dropped, however the test ends.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use uuid::Uuid;

/// Longest wait for a server process or nginx to listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

use super::db::{self, server_url};
use super::seed::{created_werkplaats, werkplaats_input, CREATE_WERKPLAATS, RECORD_PROBLEM};

/// A database name of the tests' own, not created yet: the server creates
/// it. Dropped with everything in it when this is.
pub struct Database {
    pub name: String,
}

impl Database {
    pub fn fresh() -> Database {
        Database {
            name: format!("werkplaats_test_{}", Uuid::new_v4().simple()),
        }
    }

    pub fn url(&self) -> String {
        format!("{}/{}", server_url(), self.name)
    }

    /// A small pool on it, for looking behind the servers.
    pub async fn pool(&self) -> PgPool {
        PgPoolOptions::new()
            .max_connections(2)
            .connect(&self.url())
            .await
            .expect("the test database is reachable")
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        db::drop_database(&self.name);
    }
}

/// `werkplaats serve` as a child process, JSON logs collected line by line.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
    pub logs: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `werkplaats serve` on a free port with these extra arguments
    /// and environment; returns once it listens.
    pub fn start(
        database_url: &str,
        admin_token: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_werkplaats"));
        command.env("DATABASE_URL", database_url);
        Server::launch(command, admin_token, args, env)
    }

    /// Starts `werkplaats serve` with no `DATABASE_URL` at all, as on a
    /// machine where nothing was configured.
    pub fn start_unconfigured(admin_token: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_werkplaats"));
        command.env_remove("DATABASE_URL");
        Server::launch(command, admin_token, args, env)
    }

    fn launch(
        mut command: Command,
        admin_token: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Server {
        command
            .arg("serve")
            .args(args)
            .env("WERKPLAATS_BIND", "127.0.0.1:0")
            .env("WERKPLAATS_ADMIN_TOKEN", admin_token)
            .env("WERKPLAATS_DB_POOL_SIZE", "8")
            .env("WERKPLAATS_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env_remove("WERKPLAATS_CONFIG");
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server binary starts");
        let stdout = child.stdout.take().unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (address_sender, address) = std::sync::mpsc::channel();
        let collected = logs.clone();
        // Reads until the process ends, so that its stdout never fills up.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(log) = serde_json::from_str::<Value>(&line) {
                    if log["message"] == "serving GraphQL on /graphql" {
                        if let Some(address) = log["address"].as_str() {
                            let _ = address_sender.send(address.parse::<SocketAddr>().unwrap());
                        }
                    }
                }
                collected.lock().unwrap().push(line);
            }
        });
        let address = match address.recv_timeout(START_TIMEOUT) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                panic!("the server did not start: {:?}", logs.lock().unwrap());
            }
        };
        Server {
            child,
            address,
            logs,
        }
    }

    pub fn http(&self) -> String {
        format!("http://{}", self.address)
    }

    /// SIGKILL: no goodbye to anyone, as when a machine dies.
    pub fn kill(&mut self) {
        self.child.kill().expect("the server is killed");
        let _ = self.child.wait();
    }

    /// Sends `signal` (`-TERM`, `-KILL`, …) with `kill`, as Kubernetes,
    /// systemd or a dying machine would.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill {signal} sent");
    }

    /// Whether the process exited within `wait`, and how.
    pub fn exited_within(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        exited_within(&mut self.child, wait)
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.logs.lock().unwrap().clone()
    }
}

/// Whether `child` exited within `wait`, and how.
fn exited_within(child: &mut Child, wait: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `address`.
pub fn wait_for_listener(address: SocketAddr) -> bool {
    let deadline = Instant::now() + START_TIMEOUT;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The nginx binary `.ci/run` installs (Debian's package).
pub const NGINX: &str = "/usr/sbin/nginx";

/// nginx in the foreground with a configuration of its own in a temporary
/// directory: its own pid file, logs and temp paths, a free port, and
/// `upstreams` as the load-balanced servers.
pub struct Nginx {
    child: Child,
    directory: PathBuf,
    pub address: SocketAddr,
}

impl Nginx {
    pub fn start(upstreams: &[SocketAddr]) -> Nginx {
        assert!(
            Path::new(NGINX).exists(),
            "{NGINX} is missing: apt-get install -y --no-install-recommends nginx (as .ci/run does)"
        );
        let directory = std::env::temp_dir().join(format!("werkplaats-nginx-{}", Uuid::new_v4()));
        std::fs::create_dir_all(directory.join("temp")).unwrap();
        let port = free_port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let config = nginx_config(&directory, port, upstreams);
        std::fs::write(directory.join("nginx.conf"), config).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(&directory)
            .arg("-e")
            .arg(directory.join("error.log"))
            .arg("-c")
            .arg(directory.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        let nginx = Nginx {
            child,
            directory,
            address,
        };
        assert!(
            wait_for_listener(address),
            "nginx does not listen: {}",
            nginx.error_log()
        );
        nginx
    }

    pub fn http(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn ws(&self) -> String {
        format!("ws://{}/graphql", self.address)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.directory.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so that the master stops its workers: after a SIGKILL
        // they would live on, orphaned, with the listening socket.
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        if exited_within(&mut self.child, START_TIMEOUT).is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

/// `deploy/nginx/werkplaats.conf` itself — the load balancer compose runs —
/// with `upstreams` for its two servers and a free local port to listen
/// on, inside a main configuration that keeps every file nginx writes in
/// `directory`.
fn nginx_config(directory: &Path, port: u16, upstreams: &[SocketAddr]) -> String {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx/werkplaats.conf");
    let shipped = std::fs::read_to_string(shipped).expect("deploy/nginx/werkplaats.conf");
    let servers: Vec<&str> = shipped
        .lines()
        .filter(|line| line.trim_start().starts_with("server werkplaats-"))
        .collect();
    assert_eq!(
        servers.len(),
        2,
        "two upstream servers in the shipped config"
    );
    let options = servers[0]
        .split_once(':')
        .and_then(|(_, rest)| rest.split_once(' '))
        .map_or("", |(_, options)| options);
    let ours: String = upstreams
        .iter()
        .map(|address| format!("    server {address} {options}\n"))
        .collect();
    let site = shipped
        .replacen(&format!("{}\n{}\n", servers[0], servers[1]), &ours, 1)
        .replacen(
            "    listen 80;",
            &format!("    listen 127.0.0.1:{port};"),
            1,
        );
    assert!(
        site.contains(&ours) && site.contains(&format!("listen 127.0.0.1:{port};")),
        "the shipped config has its upstream servers and `listen 80;` as expected"
    );
    let directory = directory.display();
    format!(
        r#"daemon off;
master_process on;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    client_body_temp_path {directory}/temp/body;
    proxy_temp_path {directory}/temp/proxy;
    fastcgi_temp_path {directory}/temp/fastcgi;
    uwsgi_temp_path {directory}/temp/uwsgi;
    scgi_temp_path {directory}/temp/scgi;
{site}}}
"#
    )
}

/// Posts a GraphQL request; `Err` when there is no JSON answer or it came
/// with an HTTP 5xx (nginx's 502 when an instance died under it).
pub async fn post(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Result<Value, String> {
    let response = http
        .post(format!("{base}/graphql"))
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

/// How a writer reaches the servers: attempt `k` of command `n` goes to
/// `bases[(n + k) % len]`, so a retry lands elsewhere, as a load balancer
/// may send it. Every attempt carries the command's first `commandId`.
pub struct Writer {
    pub http: reqwest::Client,
    pub bases: Vec<String>,
    pub token: String,
    pub werkplaats: String,
    /// Past this, a command still not accepted fails the test.
    pub deadline: tokio::time::Instant,
    /// Pause before a retry.
    pub pause: Duration,
}

/// A command the servers accepted, and what it took.
pub struct Accepted {
    pub command_id: Uuid,
    pub version: i64,
    pub variables: Value,
    /// Attempts answered with a GraphQL error.
    pub refused: usize,
    /// Attempts without a JSON answer, or answered with an HTTP 5xx.
    pub failed: usize,
}

impl Writer {
    /// Sends problem `n` until it is accepted.
    pub async fn record_problem(&self, n: usize) -> Accepted {
        let command_id = Uuid::new_v4();
        let variables = json!({"input": {
            "werkplaatsId": self.werkplaats,
            "title": format!("Probleem {n}"),
            "description": "Inwoners melden zich pas laat bij de schuldhulp.",
            "perspective": "CLIENT",
            "commandId": command_id,
        }});
        let (mut refused, mut failed) = (0, 0);
        for attempt in 0.. {
            let base = &self.bases[(n + attempt) % self.bases.len()];
            let answer = post(
                &self.http,
                base,
                &self.token,
                RECORD_PROBLEM,
                variables.clone(),
            );
            let failure = match answer.await {
                Ok(response) if response.get("errors").is_none() => {
                    let version = response["data"]["recordProblem"]["version"]
                        .as_i64()
                        .unwrap();
                    return Accepted {
                        command_id,
                        version,
                        variables,
                        refused,
                        failed,
                    };
                }
                Ok(response) => {
                    refused += 1;
                    response["errors"].to_string()
                }
                Err(error) => {
                    failed += 1;
                    error
                }
            };
            assert!(
                tokio::time::Instant::now() < self.deadline,
                "command {n} still not accepted: {failure}"
            );
            tokio::time::sleep(self.pause).await;
        }
        unreachable!("the attempts never end")
    }
}

/// A werkplaats created by the admin through `base`: `(id, facilitator token)`.
pub async fn create_werkplaats(
    base: &str,
    admin_token: &str,
    facilitator: &str,
) -> (String, String) {
    let response = post(
        &reqwest::Client::new(),
        base,
        admin_token,
        CREATE_WERKPLAATS,
        json!({ "input": werkplaats_input("SCHOUDERS_ERONDER", facilitator) }),
    )
    .await
    .expect("the werkplaats is created");
    assert!(response.get("errors").is_none(), "{response}");
    created_werkplaats(&response)
}
