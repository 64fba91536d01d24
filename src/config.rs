//! Configuration: one declaration serves flags and environment variables.

use std::net::SocketAddr;

/// How a server instance is set up. Every field is a `--flag` and an
/// environment variable, as the contract's README names them.
#[derive(Clone, Debug, clap::Args)]
pub struct Config {
    /// PostgreSQL to keep the event store in; the database is created when missing.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/werkplaats"
    )]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "WERKPLAATS_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The bootstrap administrator's token; generated and printed once when unset.
    #[arg(long, env = "WERKPLAATS_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "WERKPLAATS_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,

    /// Deepest query accepted.
    #[arg(long, env = "WERKPLAATS_MAX_QUERY_DEPTH", default_value_t = 16)]
    pub max_query_depth: usize,

    /// Most complex query accepted (each selected field counts one).
    #[arg(long, env = "WERKPLAATS_MAX_QUERY_COMPLEXITY", default_value_t = 1_000)]
    pub max_query_complexity: usize,

    /// Connections in the database pool.
    #[arg(long, env = "WERKPLAATS_DB_POOL_SIZE", default_value_t = 16)]
    pub db_pool_size: u32,
}
