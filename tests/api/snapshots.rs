//! Snapshots are a cache: reading any version with them gives exactly what
//! folding the stream from its first event gives.

use serde_json::json;

use super::time_travel::{check_seed, WERKPLAATS};
use crate::kit::app::*;

/// Werkplaatsen built at once, each from its own random command sequence.
const SEEDS: u64 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_replay_equals_full_replay_at_every_version() {
    // A snapshot every 5 events and room for only a few of them, so that
    // reads start from snapshots, from heads, after evictions and from
    // nothing, while commands on several werkplaatsen interleave.
    let app = spawn_app_with(|config| {
        config.snapshot_every = 5;
        config.snapshot_cache = 12;
    })
    .await;
    // Every version, in random order, against the test's own fold of the
    // stream's events (see `time_travel`).
    let results =
        futures::future::join_all((100..100 + SEEDS).map(|seed| check_seed(&app, seed))).await;
    let versions: i64 = results.iter().map(|r| r.0).sum();
    assert!(versions > 20 * SEEDS as i64, "only {versions} versions");

    // The same answers from an instance without snapshots on the same
    // database, every version newest first, read twice on the snapshot side
    // so that the second read surely comes from the cache.
    let plain = app
        .another_instance_with(|config| config.snapshot_every = 0)
        .await;
    let token = app.admin_token.clone();
    let list = app
        .graphql(Some(&token), "{ werkplaatsen { id version } }", json!({}))
        .await;
    assert_ok(&list);
    let list = list["data"]["werkplaatsen"].as_array().unwrap().clone();
    assert_eq!(list.len() as u64, SEEDS);
    for werkplaats in &list {
        let id = werkplaats["id"].as_str().unwrap();
        let head = werkplaats["version"].as_i64().unwrap();
        for v in (1..=head).rev() {
            let variables = json!({"id": id, "v": v});
            let want = plain.graphql(&token, WERKPLAATS, variables.clone()).await;
            assert_ok(&want);
            for _ in 0..2 {
                let got = app
                    .graphql(Some(&token), WERKPLAATS, variables.clone())
                    .await;
                assert_eq!(got, want, "werkplaats {id}, version {v}");
            }
        }
    }
    println!("snapshots: {SEEDS} seeds, {versions} versions compared with and without");
}
