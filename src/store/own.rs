//! A connection of one task's own, out of the pool.
//!
//! sqlx pings a pooled connection every time it goes back to the pool (a
//! `Sync` round trip, whatever `test_before_acquire` says), in case a query
//! on it was dropped halfway. The store's busiest tasks (the group writer,
//! the rate limit's batched takes) each send a statement at a time and
//! never drop one halfway, so they keep a connection taken out of the pool
//! and save that round trip on every statement. After an error it is
//! replaced, as the pool would replace it.

use sqlx::{PgConnection, PgPool};

pub(super) struct Own {
    pool: PgPool,
    connection: Option<PgConnection>,
}

impl Own {
    pub fn new(pool: PgPool) -> Own {
        Own {
            pool,
            connection: None,
        }
    }

    /// The connection, connected first when there is none.
    pub async fn get(&mut self) -> Result<&mut PgConnection, sqlx::Error> {
        match &mut self.connection {
            Some(connection) => Ok(connection),
            empty => Ok(empty.insert(self.pool.acquire().await?.detach())),
        }
    }

    /// Keeps the connection after `result`, or drops it after an error: it
    /// may be broken, or point at a host that is no longer the primary.
    pub fn after<T>(&mut self, result: Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if result.is_err() {
            self.connection = None;
        }
        result
    }
}
