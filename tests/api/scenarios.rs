//! Runs every contract scenario in `../shared/contract/scenarios/`, read at
//! test time, each against its own fresh server and database, with the
//! matching rules of the contract's README.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::kit::app::{error_codes, spawn_app, TestApp};

pub(crate) fn scenario_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/contract/scenarios")
}

/// Replaces `"$var"` by the captured value and `${var}` inside a longer
/// string by its text.
fn substitute(value: &Value, vars: &HashMap<String, Value>) -> Value {
    match value {
        Value::String(s) => {
            if let Some(captured) = s.strip_prefix('$').and_then(|name| vars.get(name)) {
                return captured.clone();
            }
            let mut text = s.clone();
            for (name, captured) in vars {
                let replacement = match captured {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                text = text.replace(&format!("${{{name}}}"), &replacement);
            }
            Value::String(text)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| substitute(v, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Objects need every listed key, arrays the same length element by
/// element, numbers equal within 1e-6; the first mismatch is described.
fn matches(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let got = got
                    .get(key)
                    .ok_or_else(|| format!("{path}/{key}: missing"))?;
                matches(value, got, &format!("{path}/{key}"))?;
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                return Err(format!(
                    "{path}: expected {} items, got {}",
                    want.len(),
                    got.len()
                ));
            }
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                matches(w, g, &format!("{path}/{i}"))?;
            }
            Ok(())
        }
        (Value::Number(want), Value::Number(got)) => {
            let (w, g) = (want.as_f64().unwrap(), got.as_f64().unwrap());
            if (w - g).abs() <= 1e-6 {
                Ok(())
            } else {
                Err(format!("{path}: expected {w}, got {g}"))
            }
        }
        (want, got) if want == got => Ok(()),
        (want, got) => Err(format!("{path}: expected {want}, got {got}")),
    }
}

async fn run_scenario(file: &PathBuf) -> usize {
    run_scenario_file(file).await.2
}

/// Runs every step of a scenario file against a fresh server; answers the
/// server (still running), the captured variables and the number of steps,
/// so that other tests can build on the state a scenario leaves.
pub(crate) async fn run_scenario_file(file: &PathBuf) -> (TestApp, HashMap<String, Value>, usize) {
    let scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).expect("scenario is JSON");
    let app = spawn_app().await;
    let mut vars: HashMap<String, Value> = HashMap::new();
    let steps = scenario["steps"].as_array().expect("steps");
    for (i, step) in steps.iter().enumerate() {
        let name = step["name"].as_str().unwrap_or("?");
        let here = format!("{} step {i} '{name}'", file.display());
        let token = match step["as"].as_str() {
            Some("admin") => Some(app.admin_token.clone()),
            Some("anonymous") | None => None,
            Some(var) => {
                let value = substitute(&Value::String(var.to_owned()), &vars);
                Some(
                    value
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or(value.to_string()),
                )
            }
        };
        let variables = substitute(step.get("variables").unwrap_or(&Value::Null), &vars);
        let query = step["query"].as_str().expect("query");
        let response = app.graphql(token.as_deref(), query, variables).await;
        if let Some(code) = step.get("expectError").and_then(Value::as_str) {
            assert!(
                error_codes(&response).contains(&code),
                "{here}: expected error {code}, got {response}"
            );
        } else {
            assert!(
                response.get("errors").is_none(),
                "{here}: unexpected errors {response}"
            );
        }
        if let Some(expect) = step.get("expect") {
            let expect = substitute(expect, &vars);
            if let Err(mismatch) = matches(&expect, &response, "") {
                panic!("{here}: {mismatch}\nresponse: {response}");
            }
        }
        if let Some(capture) = step.get("capture").and_then(Value::as_object) {
            for (var, pointer) in capture {
                let value = response
                    .pointer(pointer.as_str().expect("a JSON pointer"))
                    .unwrap_or_else(|| panic!("{here}: nothing at {pointer} in {response}"));
                vars.insert(var.clone(), value.clone());
            }
        }
    }
    let steps = steps.len();
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

/// The method issue's scenarios: step guides, goals, risks, journeys, the
/// checklist, reviews and corrections.
#[tokio::test]
async fn every_method_scenario_passes() {
    run_all(&scenario_dir().join("method")).await;
}

/// The library issue's scenarios: lessons shared across werkplaatsen.
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
