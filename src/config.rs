//! Configuration: one declaration serves flags and environment variables.

use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/werkplaats";
const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEFAULT_MAX_BODY_BYTES: usize = 1_048_576;
const DEFAULT_MAX_QUERY_DEPTH: usize = 16;
const DEFAULT_MAX_QUERY_COMPLEXITY: usize = 1_000;
const DEFAULT_DB_POOL_SIZE: u32 = 16;
const DEFAULT_WS_INIT_TIMEOUT_SECS: u64 = 10;
const DEFAULT_WS_PING_INTERVAL_SECS: u64 = 15;
const DEFAULT_WS_SEND_TIMEOUT_SECS: u64 = 30;
const DEFAULT_SNAPSHOT_EVERY: u64 = 1_000;
const DEFAULT_SNAPSHOT_CACHE: usize = 128;

/// How a server instance is set up. Every field is a `--flag` and an
/// environment variable, as the contract's README names them.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// PostgreSQL to keep the event store in; the database is created when missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "WERKPLAATS_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,

    /// The bootstrap administrator's token; generated and printed once when unset.
    #[arg(long, env = "WERKPLAATS_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "WERKPLAATS_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Deepest query accepted.
    #[arg(long, env = "WERKPLAATS_MAX_QUERY_DEPTH", default_value_t = DEFAULT_MAX_QUERY_DEPTH)]
    pub max_query_depth: usize,

    /// Most complex query accepted (each selected field counts one).
    #[arg(long, env = "WERKPLAATS_MAX_QUERY_COMPLEXITY", default_value_t = DEFAULT_MAX_QUERY_COMPLEXITY)]
    pub max_query_complexity: usize,

    /// Connections in the database pool.
    #[arg(long, env = "WERKPLAATS_DB_POOL_SIZE", default_value_t = DEFAULT_DB_POOL_SIZE)]
    pub db_pool_size: u32,

    /// Seconds a websocket may take to send `connection_init` (then closed with 4408).
    #[arg(long, env = "WERKPLAATS_WS_INIT_TIMEOUT_SECS", default_value_t = DEFAULT_WS_INIT_TIMEOUT_SECS)]
    pub ws_init_timeout_secs: u64,

    /// Send `NOTIFY` inside the append transaction instead of right after it.
    /// Inside, PostgreSQL takes a global lock at commit that serialises all
    /// writers; after, a crash between commit and notify costs a follower
    /// one poll interval. Measured by `bench-live`; off by default.
    #[arg(
        long,
        env = "WERKPLAATS_NOTIFY_IN_TRANSACTION",
        default_value_t = false
    )]
    pub notify_in_transaction: bool,

    /// Seconds between the server's pings on a websocket.
    #[arg(long, env = "WERKPLAATS_WS_PING_INTERVAL_SECS", default_value_t = DEFAULT_WS_PING_INTERVAL_SECS)]
    pub ws_ping_interval_secs: u64,

    /// Seconds a websocket send may wait for a client that does not read
    /// (then closed with 4499, "too slow; resubscribe").
    #[arg(long, env = "WERKPLAATS_WS_SEND_TIMEOUT_SECS", default_value_t = DEFAULT_WS_SEND_TIMEOUT_SECS)]
    pub ws_send_timeout_secs: u64,

    /// Keep the folded state of a werkplaats in memory every so many events,
    /// so that reading a version folds fewer events than that (0: never).
    /// A cache only: rebuilt from the events at will. Measured by `bench-replay`.
    #[arg(long, env = "WERKPLAATS_SNAPSHOT_EVERY", default_value_t = DEFAULT_SNAPSHOT_EVERY)]
    pub snapshot_every: u64,

    /// Most snapshots kept in memory; the least recently used go first.
    /// A snapshot is as large as its werkplaats's read model (about 6 MB at
    /// 100,000 events in `bench-replay`'s mix, far less for usual ones).
    #[arg(long, env = "WERKPLAATS_SNAPSHOT_CACHE", default_value_t = DEFAULT_SNAPSHOT_CACHE)]
    pub snapshot_cache: usize,
}

impl Default for Config {
    /// The same defaults as the flags, without reading the environment.
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            bind: DEFAULT_BIND.parse().expect("the default address parses"),
            admin_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_query_depth: DEFAULT_MAX_QUERY_DEPTH,
            max_query_complexity: DEFAULT_MAX_QUERY_COMPLEXITY,
            db_pool_size: DEFAULT_DB_POOL_SIZE,
            notify_in_transaction: false,
            ws_init_timeout_secs: DEFAULT_WS_INIT_TIMEOUT_SECS,
            ws_ping_interval_secs: DEFAULT_WS_PING_INTERVAL_SECS,
            ws_send_timeout_secs: DEFAULT_WS_SEND_TIMEOUT_SECS,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            snapshot_cache: DEFAULT_SNAPSHOT_CACHE,
        }
    }
}
