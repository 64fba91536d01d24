//! The verifiable trail: `werkplaats export` writes what the store holds,
//! `werkplaats verify` accepts it untouched and names the first bad line of
//! any tampered copy, and the checked-in test vector still verifies.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use werkplaats::trail::verify::verify;

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

/// A three-event export from a real run, kept so an independent verifier
/// has something fixed to check itself against (see README, "The hash chain").
const VECTOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/trail-3.jsonl");

/// The head hash of [`VECTOR`], written down so a change to the encoding
/// cannot pass by regenerating the file and its expectations together.
const VECTOR_HEAD: &str = "9cded977c78716aebadd6ac79d7f95b547fef0fb05bac0eecbccd308808956e7";

/// Runs the real binary.
fn run_cli(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_werkplaats"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the werkplaats binary runs")
}

/// A werkplaats of three events (created, facilitator invited, partner added).
async fn three_events(app: &TestApp) -> (String, String) {
    let (id, token) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    let partner = app
        .add_partner(&token, &id, "Sociaal Werk Één", "SOCIAAL_WERK")
        .await;
    assert_eq!(partner.version, 3);
    (id, token)
}

/// Exports `werkplaats` with the binary into a fresh file.
fn export(app: &TestApp, werkplaats: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("trail-{}.jsonl", uuid::Uuid::new_v4()));
    let output = run_cli(&[
        "export",
        "--werkplaats",
        werkplaats,
        "--database-url",
        &app.database_url(),
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "export failed: {output:?}");
    path
}

/// `werkplaats verify FILE [--checkpoint ..]`: success and what it printed.
fn verify_file(path: &Path, checkpoints: &[String]) -> (bool, String) {
    let mut args = vec!["verify".to_owned(), path.to_str().unwrap().to_owned()];
    for checkpoint in checkpoints {
        args.extend(["--checkpoint".to_owned(), checkpoint.clone()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run_cli(&args);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), printed)
}

/// The line the verifier names, checked in memory (no process per case).
fn failing_line(bytes: &[u8]) -> Option<usize> {
    verify(bytes, &[]).err().map(|failure| failure.line)
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

fn joined(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[tokio::test]
async fn an_export_verifies_and_every_tampering_names_its_line() {
    let app = spawn_app().await;
    let (id, _) = three_events(&app).await;
    let path = export(&app, &id);
    let text = std::fs::read_to_string(&path).unwrap();
    if let Ok(target) = std::env::var("WERKPLAATS_WRITE_TRAIL_VECTOR") {
        // How tests/vectors/trail-3.jsonl was made, once.
        std::fs::write(target, &text).unwrap();
    }

    let (ok, printed) = verify_file(&path, &[]);
    assert!(ok, "{printed}");
    assert!(printed.contains("valid: 3 events"), "{printed}");

    // The header matches the store's head.
    let rows = lines(&text);
    assert_eq!(rows.len(), 4);
    let header: Value = serde_json::from_str(&rows[0]).unwrap();
    let head: String =
        sqlx::query_scalar("select hash from events where stream_id = $1::uuid and version = 3")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(header["headVersion"], 3);
    assert_eq!(header["headHash"], head);
    assert_eq!(header["werkplaats"], id);
    assert_eq!(header["methodology"], "SCHOUDERS_ERONDER");

    // Every single byte changed, in every line, is caught at that line.
    for (index, line) in rows.iter().enumerate() {
        for at in 0..line.len() {
            let mut tampered = rows.clone();
            let mut bytes = tampered[index].clone().into_bytes();
            // `#` is valid only inside a string, where it changes the value.
            bytes[at] = if bytes[at] == b'#' { b'%' } else { b'#' };
            tampered[index] = String::from_utf8_lossy(&bytes).into_owned();
            assert_eq!(
                failing_line(joined(&tampered).as_bytes()),
                Some(index + 1),
                "byte {at} of line {}",
                index + 1
            );
        }
    }
    // Removing any line is caught where it was.
    for index in 0..rows.len() {
        let mut removed = rows.clone();
        removed.remove(index);
        assert_eq!(
            failing_line(joined(&removed).as_bytes()),
            Some(index + 1),
            "line {} removed",
            index + 1
        );
    }
    // Swapping two lines is caught at the first of them.
    for first in 0..rows.len() {
        for second in first + 1..rows.len() {
            let mut swapped = rows.clone();
            swapped.swap(first, second);
            assert_eq!(
                failing_line(joined(&swapped).as_bytes()),
                Some(first + 1),
                "lines {} and {} swapped",
                first + 1,
                second + 1
            );
        }
    }

    // The binary says so too, naming the line and failing.
    let mut tampered = rows.clone();
    tampered[2] = tampered[2].replacen("\"version\":2", "\"version\":7", 1);
    let bad = path.with_extension("bad.jsonl");
    std::fs::write(&bad, joined(&tampered)).unwrap();
    let (ok, printed) = verify_file(&bad, &[]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("line 3 (version 2)"), "{printed}");
    let mut removed = rows.clone();
    removed.remove(3);
    std::fs::write(&bad, joined(&removed)).unwrap();
    let (ok, printed) = verify_file(&bad, &[]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("line 4 (version 3)"), "{printed}");
    let _ = std::fs::remove_file(bad);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn export_of_an_unknown_werkplaats_fails() {
    let app = spawn_app().await;
    let output = run_cli(&[
        "export",
        "--werkplaats",
        &uuid::Uuid::new_v4().to_string(),
        "--database-url",
        &app.database_url(),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
}

#[test]
fn the_test_vector_verifies_and_its_hashes_are_recomputable_by_hand() {
    let (ok, printed) = verify_file(Path::new(VECTOR), &[]);
    assert!(ok, "{printed}");
    let text = std::fs::read_to_string(VECTOR).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4);
    let stream = rows[0]["werkplaats"].as_str().unwrap();
    // Recomputed from the README's description alone, not with the
    // server's `event_hash`, so the documentation is checked too.
    let mut prev = String::new();
    for event in &rows[1..] {
        let canonical = serde_json_canonicalizer::to_string(&json!({
            "actor": event["actor"],
            "data": event["data"],
            "recordedAt": event["recordedAt"],
            "stream": stream,
            "type": event["type"],
            "version": event["version"],
        }))
        .unwrap();
        let hash = hex::encode(Sha256::digest(format!("{prev}\n{canonical}").as_bytes()));
        assert_eq!(event["hash"], hash);
        prev = hash;
    }
    assert_eq!(rows[0]["headHash"], prev);
    assert_eq!(prev, VECTOR_HEAD);
    // A checkpoint at the head holds; a wrong one names its line.
    let (ok, printed) = verify_file(Path::new(VECTOR), &[format!("3:{VECTOR_HEAD}")]);
    assert!(ok, "{printed}");
    let (ok, printed) = verify_file(Path::new(VECTOR), &[format!("2:{VECTOR_HEAD}")]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("line 3 (version 2)"), "{printed}");
}

const RECORD_CHECKPOINT: &str = "mutation($id: ID!) { recordCheckpoint(input: {werkplaatsId: $id}) { checkpoint { version hash recordedBy { id role } recordedAt } version } }";
const CHECKPOINTS: &str = "query($id: ID!, $checkpoints: [CheckpointInput!]!) { werkplaats(id: $id) { version checkpoints { version hash recordedBy { role } } verifyTrail { valid firstInvalidVersion } verifyCheckpoints(checkpoints: $checkpoints) { valid checkedEvents firstInvalidVersion } } }";

async fn check(app: &TestApp, token: &str, werkplaats: &str, checkpoints: Value) -> Value {
    app.graphql(
        Some(token),
        CHECKPOINTS,
        json!({"id": werkplaats, "checkpoints": checkpoints}),
    )
    .await
}

/// Rewrites the payload of `version` the way an insider with database
/// rights could, and re-hashes every later event so the chain is
/// consistent again.
async fn rewrite_history(app: &TestApp, werkplaats: &str, version: i64, payload: Value) {
    let stream: uuid::Uuid = werkplaats.parse().unwrap();
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("alter table events disable trigger events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update events set payload = $3 where stream_id = $1 and version = $2")
        .bind(stream)
        .bind(version)
        .bind(&payload)
        .execute(&mut *tx)
        .await
        .unwrap();
    let rows: Vec<werkplaats::store::StoredEvent> = sqlx::query_as(
        "select position, stream_id, version, event_id, event_type, schema_version, payload, \
         actor_id, command_id, correlation_id, recorded_at, hash, prev_hash \
         from events where stream_id = $1 order by version",
    )
    .bind(stream)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let mut prev: Option<String> = None;
    for row in rows {
        let hash = werkplaats::store::event_hash(
            prev.as_deref(),
            stream,
            row.version,
            &row.event_type,
            row.actor_id,
            row.recorded_at,
            &row.payload,
        );
        sqlx::query(
            "update events set hash = $3, prev_hash = $4 where stream_id = $1 and version = $2",
        )
        .bind(stream)
        .bind(row.version)
        .bind(&hash)
        .bind(&prev)
        .execute(&mut *tx)
        .await
        .unwrap();
        prev = Some(hash);
    }
    sqlx::query("update streams set head_hash = $2 where id = $1")
        .bind(stream)
        .bind(&prev)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("alter table events enable trigger events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_checkpoint_catches_a_history_rewritten_and_rehashed() {
    let app = spawn_app().await;
    let (id, facilitator) = three_events(&app).await;
    let evaluator = app
        .invite_member(&facilitator, &id, "Onderzoeker", "EVALUATOR", None)
        .await
        .token; // version 4

    let response = app
        .graphql(Some(&evaluator), RECORD_CHECKPOINT, json!({"id": id}))
        .await;
    assert_ok(&response);
    let recorded = &response["data"]["recordCheckpoint"];
    assert_eq!(recorded["version"], 5);
    assert_eq!(recorded["checkpoint"]["version"], 4);
    assert_eq!(recorded["checkpoint"]["recordedBy"]["role"], "EVALUATOR");
    let hash = recorded["checkpoint"]["hash"].as_str().unwrap().to_owned();
    let stored: String =
        sqlx::query_scalar("select hash from events where stream_id = $1::uuid and version = 4")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(hash, stored, "the checkpoint holds the head before it");
    // A facilitator may record one too; each is an event of its own.
    let response = app
        .graphql(Some(&facilitator), RECORD_CHECKPOINT, json!({"id": id}))
        .await;
    assert_ok(&response);
    assert_eq!(
        response["data"]["recordCheckpoint"]["checkpoint"]["version"],
        5
    );

    let given = json!([{"version": 4, "hash": hash}]);
    let before = check(&app, &evaluator, &id, given.clone()).await;
    assert_ok(&before);
    let wp = &before["data"]["werkplaats"];
    assert_eq!(wp["checkpoints"].as_array().unwrap().len(), 2);
    assert_eq!(wp["checkpoints"][0]["hash"], hash.as_str());
    assert_eq!(wp["verifyCheckpoints"]["valid"], true);
    let path = export(&app, &id);
    let (ok, printed) = verify_file(&path, &[format!("4:{hash}")]);
    assert!(ok, "{printed}");

    // The partner's name changed after the fact, the chain re-hashed.
    rewrite_history(
        &app,
        &id,
        3,
        json!({"kind": "SOCIAAL_WERK", "name": "Iemand Anders", "partnerId": uuid::Uuid::new_v4()}),
    )
    .await;
    let after = check(&app, &evaluator, &id, given).await;
    assert_ok(&after);
    let wp = &after["data"]["werkplaats"];
    assert_eq!(
        wp["verifyTrail"],
        json!({"valid": true, "firstInvalidVersion": null})
    );
    assert_eq!(wp["verifyCheckpoints"]["valid"], false);
    assert_eq!(wp["verifyCheckpoints"]["firstInvalidVersion"], 4);

    // Offline likewise: the fresh export verifies on its own, not against
    // the checkpoint.
    let rewritten = export(&app, &id);
    let (ok, printed) = verify_file(&rewritten, &[]);
    assert!(ok, "{printed}");
    let (ok, printed) = verify_file(&rewritten, &[format!("4:{hash}")]);
    assert!(!ok, "{printed}");
    assert!(printed.contains("line 5 (version 4)"), "{printed}");
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(rewritten);
}

#[tokio::test]
async fn record_checkpoint_refuses_wrong_roles_strangers_and_other_werkplaatsen() {
    let app = spawn_app().await;
    let (id, facilitator) = three_events(&app).await;
    let observer = app
        .invite_member(&facilitator, &id, "Onderzoeker", "OBSERVER", None)
        .await
        .token;
    let client_voice = app
        .invite_member(&facilitator, &id, "Onderzoeker", "CLIENT_VOICE", None)
        .await
        .token;
    let (_, other_facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    for token in [&observer, &client_voice] {
        let response = app
            .graphql(Some(token), RECORD_CHECKPOINT, json!({"id": id}))
            .await;
        assert_error(&response, "FORBIDDEN");
    }
    let response = app
        .graphql(None, RECORD_CHECKPOINT, json!({"id": id}))
        .await;
    assert_error(&response, "UNAUTHENTICATED");
    let response = app
        .graphql(
            Some(&other_facilitator),
            RECORD_CHECKPOINT,
            json!({"id": id}),
        )
        .await;
    assert_error(&response, "NOT_FOUND");
    assert_eq!(app.stored_events(&id).await, 5, "nothing was appended");
}

#[tokio::test]
async fn verify_checkpoints_refuses_malformed_hashes_and_versions_out_of_range() {
    let app = spawn_app().await;
    let (id, facilitator) = three_events(&app).await;
    let good = "0".repeat(64);
    for bad in [
        json!([{"version": 1, "hash": "abc"}]),
        json!([{"version": 1, "hash": good.to_uppercase().replace('0', "A")}]),
        json!([{"version": 1, "hash": format!("{good}0")}]),
        json!([{"version": 0, "hash": good}]),
        json!([{"version": 4, "hash": good}]),
        json!([{"version": -1, "hash": good}]),
    ] {
        let response = check(&app, &facilitator, &id, bad.clone()).await;
        assert_error(&response, "BAD_USER_INPUT");
    }
    // Well formed but not in the chain: answered, not refused.
    let response = check(
        &app,
        &facilitator,
        &id,
        json!([{"version": 2, "hash": good}]),
    )
    .await;
    assert_ok(&response);
    let verification = &response["data"]["werkplaats"]["verifyCheckpoints"];
    assert_eq!(verification["valid"], false);
    assert_eq!(verification["firstInvalidVersion"], 2);
    let response = check(&app, &facilitator, &id, json!([])).await;
    assert_ok(&response);
    assert_eq!(
        response["data"]["werkplaats"]["verifyCheckpoints"]["valid"],
        true
    );
}
