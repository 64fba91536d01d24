//! Scratch databases: the PostgreSQL server tests create them on, and
//! dropping one when its test ends.

use sqlx::postgres::PgPoolOptions;

/// The PostgreSQL server tests create their databases on.
pub fn server_url() -> String {
    std::env::var("WERKPLAATS_TEST_DATABASE_SERVER")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Drops database `name` with whatever is still connected to it (FORCE),
/// on a thread and runtime of its own: the test's runtime may be shutting
/// down or gone when this runs from a `Drop`.
pub fn drop_database(name: &str) {
    let drop = format!(r#"drop database if exists "{name}" with (force)"#);
    let _ = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            if let Ok(pool) = PgPoolOptions::new()
                .max_connections(1)
                .connect(&format!("{}/postgres", server_url()))
                .await
            {
                let _ = sqlx::query(&drop).execute(&pool).await;
            }
        });
    })
    .join();
}
