//! Runs every contract scenario in `../shared/contract/scenarios/`, read at
//! test time, each against its own fresh server and database, with the
//! matching rules of the contract's README.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::kit::app::{spawn_app, TestApp};
pub(crate) use crate::kit::scenario::scenario_dir;
use crate::kit::scenario::{matches, run_steps};

async fn run_scenario(file: &Path) -> usize {
    run_scenario_file(file).await.2
}

/// Runs every step of a scenario file against a fresh server; answers the
/// server (still running), the captured variables and the number of steps,
/// so that other tests can build on the state a scenario leaves.
pub(crate) async fn run_scenario_file(file: &Path) -> (TestApp, HashMap<String, Value>, usize) {
    let app = spawn_app().await;
    let (vars, steps) = run_steps(file, &app.admin_token.clone(), |token, query, variables| {
        let app = &app;
        async move { app.graphql(token.as_deref(), &query, variables).await }
    })
    .await;
    (app, vars, steps)
}

/// The scenario files of one folder, in name order.
fn scenarios_in(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is beside the checkout: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    files
}

async fn run_all(dir: &std::path::Path) {
    for file in &scenarios_in(dir) {
        let steps = run_scenario(file).await;
        println!("scenario {}: {steps} steps passed", file.display());
    }
}

#[tokio::test]
async fn every_contract_scenario_passes() {
    run_all(&scenario_dir()).await;
}

/// The method issue's scenarios (`../shared/contract/scenarios/method/`):
/// step guides, goals, risks, journeys, the checklist, reviews and
/// corrections.
#[tokio::test]
async fn every_method_scenario_passes() {
    run_all(&scenario_dir().join("method")).await;
}

/// The library issue's scenarios (`../shared/contract/scenarios/library/`):
/// lessons shared across werkplaatsen.
#[tokio::test]
async fn every_library_scenario_passes() {
    run_all(&scenario_dir().join("library")).await;
}

#[test]
fn the_matcher_is_strict_where_the_contract_is() {
    let expected = serde_json::json!({"a": [1, {"b": 0.3888888889}]});
    assert!(matches(
        &expected,
        &serde_json::json!({"a": [1, {"b": 0.38888888888, "c": 2}], "d": 1}),
        ""
    )
    .is_ok());
    assert!(matches(&expected, &serde_json::json!({"a": [1, {"b": 0.39}]}), "").is_err());
    assert!(matches(&expected, &serde_json::json!({"a": [1]}), "").is_err());
    assert!(matches(&serde_json::json!({"x": null}), &serde_json::json!({}), "").is_err());
}
