//! Configuration: one declaration serves flags and environment variables.

use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/werkplaats";
const DEFAULT_BIND: &str = "127.0.0.1:8080";
const DEFAULT_MAX_BODY_BYTES: usize = 1_048_576;
// The deepest and largest legitimate query selects every field of a
// werkplaats without repeating a type on one path, as `createWerkplaats`'s
// payload: depth 9 and 534 fields since the method (253 before) (`tests/api/limits.rs` builds it from the
// schema); the contract's scenarios need at most 5 and 61. The limits leave
// room for a chain of superseded decisions three deep, and for that query
// twice over, or a schema grown by half.
const DEFAULT_MAX_QUERY_DEPTH: usize = 12;
const DEFAULT_MAX_QUERY_COMPLEXITY: usize = 1600;
const DEFAULT_MAX_ALIASES: usize = 30;
// graphql-js's `getIntrospectionQuery()` (9 levels of `ofType`) is 14
// deep and weighs about 250 with every option on; room for tools that ask
// a little more.
const DEFAULT_MAX_INTROSPECTION_DEPTH: usize = 20;
const DEFAULT_MAX_INTROSPECTION_COMPLEXITY: usize = 1000;
const DEFAULT_PERSISTED_QUERIES: usize = 1000;
const DEFAULT_MAX_BATCH: usize = 10;
const DEFAULT_MUTATION_BURST: u32 = 60;
const DEFAULT_MUTATIONS_PER_SECOND: u32 = 10;
const DEFAULT_WS_MAX_MESSAGE_BYTES: usize = 262_144;
const DEFAULT_WS_MAX_OPERATIONS: usize = 100;
const DEFAULT_WS_MAX_CONNECTIONS_PER_TOKEN: usize = 16;
const DEFAULT_INSTANCE_TTL_SECS: u64 = 30;
const DEFAULT_DB_POOL_SIZE: u32 = 16;
const DEFAULT_WS_INIT_TIMEOUT_SECS: u64 = 10;
const DEFAULT_WS_PING_INTERVAL_SECS: u64 = 15;
const DEFAULT_WS_SEND_TIMEOUT_SECS: u64 = 30;
const DEFAULT_SNAPSHOT_EVERY: u64 = 1_000;
const DEFAULT_SNAPSHOT_CACHE: usize = 128;
const DEFAULT_OIDC_CLAIM: &str = "sub";

/// How a server instance is set up. Every field is a `--flag` and an
/// environment variable, as the contract's README names them.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// PostgreSQL to keep the event store in; the database is created when missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Where `serve` keeps its private PostgreSQL cluster, started when no
    /// `DATABASE_URL` is given and the default cannot be reached.
    #[arg(long, env = "WERKPLAATS_DATA_DIR")]
    pub data_dir: Option<std::path::PathBuf>,

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

    /// Most complex query accepted (each selected field counts one, and so
    /// does each fragment spread, with fragments expanded).
    #[arg(long, env = "WERKPLAATS_MAX_QUERY_COMPLEXITY", default_value_t = DEFAULT_MAX_QUERY_COMPLEXITY)]
    pub max_query_complexity: usize,

    /// Deepest introspection-only query accepted (one asking only
    /// `__schema`, `__type` and `__typename`, as schema loaders do).
    #[arg(long, env = "WERKPLAATS_MAX_INTROSPECTION_DEPTH", default_value_t = DEFAULT_MAX_INTROSPECTION_DEPTH)]
    pub max_introspection_depth: usize,

    /// Most complex introspection-only query accepted, counted as
    /// `--max-query-complexity` counts.
    #[arg(long, env = "WERKPLAATS_MAX_INTROSPECTION_COMPLEXITY", default_value_t = DEFAULT_MAX_INTROSPECTION_COMPLEXITY)]
    pub max_introspection_complexity: usize,

    /// Automatic persisted queries each instance remembers (the least
    /// recently used go first); 0 turns them off.
    #[arg(long, env = "WERKPLAATS_PERSISTED_QUERIES", default_value_t = DEFAULT_PERSISTED_QUERIES)]
    pub persisted_queries: usize,

    /// Most aliased fields in one document, with fragments expanded.
    #[arg(long, env = "WERKPLAATS_MAX_ALIASES", default_value_t = DEFAULT_MAX_ALIASES)]
    pub max_aliases: usize,

    /// Most operations in one batched HTTP request.
    #[arg(long, env = "WERKPLAATS_MAX_BATCH", default_value_t = DEFAULT_MAX_BATCH)]
    pub max_batch: usize,

    /// Mutations one caller may send at once; their bucket refills at
    /// `--mutations-per-second` (counted over all instances on the database).
    #[arg(long, env = "WERKPLAATS_MUTATION_BURST", default_value_t = DEFAULT_MUTATION_BURST)]
    pub mutation_burst: u32,

    /// Mutations per second one caller may keep sending.
    #[arg(long, env = "WERKPLAATS_MUTATIONS_PER_SECOND", default_value_t = DEFAULT_MUTATIONS_PER_SECOND)]
    pub mutations_per_second: u32,

    /// Answer introspection queries (`__schema`, `__type`). Production
    /// servers should say `false`: clients have `graphql/schema.graphql`.
    #[arg(long, env = "WERKPLAATS_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,

    /// Serve GraphiQL on `GET /graphql`. Production servers should say `false`.
    #[arg(long, env = "WERKPLAATS_GRAPHIQL", default_value_t = true, action = clap::ArgAction::Set)]
    pub graphiql: bool,

    /// Largest websocket message accepted, in bytes (then closed with 1009).
    #[arg(long, env = "WERKPLAATS_WS_MAX_MESSAGE_BYTES", default_value_t = DEFAULT_WS_MAX_MESSAGE_BYTES)]
    pub ws_max_message_bytes: usize,

    /// Most operations one websocket runs at a time (more: `RATE_LIMITED`).
    #[arg(long, env = "WERKPLAATS_WS_MAX_OPERATIONS", default_value_t = DEFAULT_WS_MAX_OPERATIONS)]
    pub ws_max_operations: usize,

    /// Most websockets one token holds open over all instances on the
    /// database (more: closed with 4429 at `connection_init`).
    #[arg(long, env = "WERKPLAATS_WS_MAX_CONNECTIONS_PER_TOKEN", default_value_t = DEFAULT_WS_MAX_CONNECTIONS_PER_TOKEN)]
    pub ws_max_connections_per_token: usize,

    /// Seconds after which an instance that stopped saying it lives (it
    /// says so every third of this) is taken for dead: its websockets no
    /// longer count against their tokens' limit.
    #[arg(long, env = "WERKPLAATS_INSTANCE_TTL_SECS", default_value_t = DEFAULT_INSTANCE_TTL_SECS, value_parser = clap::value_parser!(u64).range(1..))]
    pub instance_ttl_secs: u64,

    /// Connections in the database pool. The store's group-commit writer
    /// and its rate-limit task each keep one more of their own, so an
    /// instance holds up to this many plus two.
    #[arg(long, env = "WERKPLAATS_DB_POOL_SIZE", default_value_t = DEFAULT_DB_POOL_SIZE)]
    pub db_pool_size: u32,

    /// Seconds a websocket may take to send `connection_init` (then closed with 4408).
    #[arg(long, env = "WERKPLAATS_WS_INIT_TIMEOUT_SECS", default_value_t = DEFAULT_WS_INIT_TIMEOUT_SECS)]
    pub ws_init_timeout_secs: u64,

    /// Send `NOTIFY` inside the append transaction instead of right after it.
    /// Inside, PostgreSQL takes a global lock at commit that serialises the
    /// committing writers, but a group commit has only a few of them, and
    /// the separate statement after the commit costs each group a round
    /// trip; after, a crash between commit and notify costs a follower one
    /// poll interval. Measured by `bench-live` and `bench-write`: inside is
    /// as fast or faster, and the default.
    #[arg(
        long,
        env = "WERKPLAATS_NOTIFY_IN_TRANSACTION",
        default_value_t = true,
        action = clap::ArgAction::Set
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
    /// As many werkplaatsen being written keep their newest fold too.
    #[arg(long, env = "WERKPLAATS_SNAPSHOT_CACHE", default_value_t = DEFAULT_SNAPSHOT_CACHE)]
    pub snapshot_cache: usize,

    /// The identity provider's issuer (`iss`); with the audience and JWKS
    /// URL it turns on sign-in with its JWTs beside member tokens.
    #[arg(long, env = "WERKPLAATS_OIDC_ISSUER", requires_all = ["oidc_audience", "oidc_jwks_url"])]
    pub oidc_issuer: Option<String>,

    /// The audience (`aud`) the provider's tokens must be for: our client id.
    #[arg(long, env = "WERKPLAATS_OIDC_AUDIENCE")]
    pub oidc_audience: Option<String>,

    /// Where the provider publishes its signing keys (JWKS).
    #[arg(long, env = "WERKPLAATS_OIDC_JWKS_URL")]
    pub oidc_jwks_url: Option<String>,

    /// The claim that names the person; `linkIdentity` links its value to a member.
    #[arg(long, env = "WERKPLAATS_OIDC_CLAIM", default_value = DEFAULT_OIDC_CLAIM)]
    pub oidc_claim: String,
}

impl Default for Config {
    /// The same defaults as the flags, without reading the environment.
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            data_dir: None,
            bind: DEFAULT_BIND.parse().expect("the default address parses"),
            admin_token: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_query_depth: DEFAULT_MAX_QUERY_DEPTH,
            max_query_complexity: DEFAULT_MAX_QUERY_COMPLEXITY,
            max_aliases: DEFAULT_MAX_ALIASES,
            max_introspection_depth: DEFAULT_MAX_INTROSPECTION_DEPTH,
            max_introspection_complexity: DEFAULT_MAX_INTROSPECTION_COMPLEXITY,
            persisted_queries: DEFAULT_PERSISTED_QUERIES,
            max_batch: DEFAULT_MAX_BATCH,
            mutation_burst: DEFAULT_MUTATION_BURST,
            mutations_per_second: DEFAULT_MUTATIONS_PER_SECOND,
            introspection: true,
            graphiql: true,
            ws_max_message_bytes: DEFAULT_WS_MAX_MESSAGE_BYTES,
            ws_max_operations: DEFAULT_WS_MAX_OPERATIONS,
            ws_max_connections_per_token: DEFAULT_WS_MAX_CONNECTIONS_PER_TOKEN,
            instance_ttl_secs: DEFAULT_INSTANCE_TTL_SECS,
            db_pool_size: DEFAULT_DB_POOL_SIZE,
            notify_in_transaction: true,
            ws_init_timeout_secs: DEFAULT_WS_INIT_TIMEOUT_SECS,
            ws_ping_interval_secs: DEFAULT_WS_PING_INTERVAL_SECS,
            ws_send_timeout_secs: DEFAULT_WS_SEND_TIMEOUT_SECS,
            snapshot_every: DEFAULT_SNAPSHOT_EVERY,
            snapshot_cache: DEFAULT_SNAPSHOT_CACHE,
            oidc_issuer: None,
            oidc_audience: None,
            oidc_jwks_url: None,
            oidc_claim: DEFAULT_OIDC_CLAIM.to_owned(),
        }
    }
}
