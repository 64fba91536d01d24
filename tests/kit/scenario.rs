//! The contract's scenario files (`../shared/contract/scenarios/`): each
//! step sent as its caller, the response matched as the contract's README
//! says, captures kept for the steps after. Any server will do: the
//! in-process app, or the binary started as a process.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::app::error_codes;

pub fn scenario_dir() -> PathBuf {
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
pub fn matches(expected: &Value, actual: &Value, path: &str) -> Result<(), String> {
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

/// Runs every step of the scenario `file` through `send(token, query,
/// variables)`; answers the captured variables and the number of steps.
pub async fn run_steps<F, Fut>(
    file: &Path,
    admin_token: &str,
    mut send: F,
) -> (HashMap<String, Value>, usize)
where
    F: FnMut(Option<String>, String, Value) -> Fut,
    Fut: Future<Output = Value>,
{
    let scenario: Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).expect("scenario is JSON");
    let mut vars: HashMap<String, Value> = HashMap::new();
    let steps = scenario["steps"].as_array().expect("steps");
    for (i, step) in steps.iter().enumerate() {
        let name = step["name"].as_str().unwrap_or("?");
        let here = format!("{} step {i} '{name}'", file.display());
        let token = match step["as"].as_str() {
            Some("admin") => Some(admin_token.to_owned()),
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
        let query = step["query"].as_str().expect("query").to_owned();
        let response = send(token, query, variables).await;
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
    (vars, steps.len())
}
