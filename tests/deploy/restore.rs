//! The README's restore drill, run for real: `pg_dump` while three writers
//! append, `pg_restore` into a new database, a server on it, and every
//! werkplaats exported from the restored database verifies offline.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use crate::kit::db::server_url;
use crate::kit::process::{create_werkplaats, post, Database, Server, Writer};

const WRITERS: usize = 3;

fn run(program: &str, args: &[&str]) -> std::process::Output {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[tokio::test]
async fn a_dump_taken_during_writes_restores_to_trails_that_verify() {
    let original = Database::fresh();
    let admin = "restore-admin";
    let server = Server::start(&original.url(), admin, &[], &[]);
    let base = server.http();
    let mut werkplaatsen = Vec::new();
    for n in 0..WRITERS {
        werkplaatsen.push(create_werkplaats(&base, admin, &format!("Procesbegeleider {n}")).await);
    }

    let writing = Arc::new(AtomicBool::new(true));
    let writers: Vec<_> = werkplaatsen
        .iter()
        .cloned()
        .map(|(werkplaats, token)| {
            let writing = writing.clone();
            let writer = Writer {
                http: reqwest::Client::new(),
                bases: vec![base.clone()],
                token,
                werkplaats,
                deadline: tokio::time::Instant::now() + Duration::from_secs(60),
                pause: Duration::from_millis(20),
            };
            tokio::spawn(async move {
                let mut n = 0;
                while writing.load(Ordering::Relaxed) {
                    writer.record_problem(n).await;
                    n += 1;
                }
                n
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let dump = std::env::temp_dir().join(format!("{}.dump", original.name));
    let dump = dump.to_str().unwrap().to_owned();
    run(
        "pg_dump",
        &[
            "--format=custom",
            "--file",
            &dump,
            "--dbname",
            &original.url(),
        ],
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    writing.store(false, Ordering::Relaxed);
    let mut written = 0;
    for writer in writers {
        written += writer.await.unwrap();
    }

    let restored = Database::fresh();
    run(
        "createdb",
        &[
            "--maintenance-db",
            &format!("{}/postgres", server_url()),
            &restored.name,
        ],
    );
    run(
        "pg_restore",
        &["--no-owner", "--dbname", &restored.url(), &dump],
    );
    let _ = std::fs::remove_file(&dump);

    let on_restored = Server::start(&restored.url(), admin, &[], &[]);
    let mut verified = 0;
    for (id, token) in &werkplaatsen {
        let trail = post(
            &reqwest::Client::new(),
            &on_restored.http(),
            token,
            "query($id: ID!) { werkplaats(id: $id) { version verifyTrail { valid checkedEvents } } }",
            json!({"id": id}),
        )
        .await
        .expect("the restored server answers");
        let werkplaats = &trail["data"]["werkplaats"];
        assert_eq!(werkplaats["verifyTrail"]["valid"], true, "{trail}");
        let export = std::env::temp_dir().join(format!("restored-{id}.jsonl"));
        let export = export.to_str().unwrap().to_owned();
        run(
            env!("CARGO_BIN_EXE_werkplaats"),
            &[
                "export",
                "--werkplaats",
                id,
                "--database-url",
                &restored.url(),
                "--output",
                &export,
            ],
        );
        run(env!("CARGO_BIN_EXE_werkplaats"), &["verify", &export]);
        let _ = std::fs::remove_file(&export);
        verified += werkplaats["version"].as_i64().unwrap();
    }
    assert!(
        verified > 2 * WRITERS as i64,
        "the dump holds writes: {verified} events"
    );
    println!(
        "restore drill: {written} problems written by {WRITERS} writers; the dump taken meanwhile restored {verified} events whose trails verify"
    );
    drop(server);
}
