//! Several instances migrating one fresh database at once: the advisory
//! lock lets one apply the migrations while the others wait, and then find
//! nothing left to do.

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::kit::process::Database;

const INSTANCES: usize = 6;

#[tokio::test]
async fn instances_migrating_at_once_all_succeed() {
    let database = Database::fresh();
    let started = Instant::now();
    let children: Vec<_> = (0..INSTANCES)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_werkplaats"))
                .arg("migrate")
                .env("DATABASE_URL", database.url())
                .env("WERKPLAATS_LOG_FORMAT", "json")
                .env_remove("WERKPLAATS_CONFIG")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("werkplaats migrate starts")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "a migrate failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let took = started.elapsed();

    let pool = database.pool().await;
    let (applied, distinct): (i64, i64) = sqlx::query_as(
        "select count(*), count(distinct version) from _sqlx_migrations where success",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count() as i64;
    assert_eq!(
        (applied, distinct),
        (files, files),
        "each migration applied once"
    );
    // The schema is whole: the append-only trigger is there.
    let triggers: i64 = sqlx::query_scalar(
        "select count(*) from pg_trigger where tgrelid = 'events'::regclass and not tgisinternal",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(triggers > 0, "the events table has its triggers");
    pool.close().await;
    println!(
        "migrations: {INSTANCES} `werkplaats migrate` processes at once on a fresh database: \
         all succeeded in {} ms; {applied} migration(s) applied once",
        took.as_millis()
    );
}
