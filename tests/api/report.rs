//! The evaluation report of the Almere scenario, over HTTP for members and
//! from the command line: one chart per indicator, the decision log with
//! the superseded decision, and the same 401/404 rules as GraphQL.

use serde_json::{json, Value};

use super::scenarios::{run_scenario_file, scenario_dir};
use crate::kit::app::TestApp;

async fn get_report(app: &TestApp, werkplaats: &str, token: Option<&str>) -> reqwest::Response {
    let mut request =
        reqwest::Client::new().get(format!("{}/werkplaatsen/{werkplaats}/report", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the server answers")
}

fn token(vars: &std::collections::HashMap<String, Value>, name: &str) -> String {
    vars[name].as_str().expect("a captured token").to_owned()
}

/// What the report must show, as GraphQL tells it.
async fn expected(app: &TestApp, evaluator: &str, werkplaats: &str) -> Value {
    let response = app
        .graphql(
            Some(evaluator),
            "query($id: ID!) { werkplaats(id: $id) { question evaluation { indicators { id } } \
             decisionLog { title supersededBy { id } } } }",
            json!({ "id": werkplaats }),
        )
        .await;
    response["data"]["werkplaats"].clone()
}

#[tokio::test]
async fn the_almere_report_shows_every_indicator_decision_and_supersession() {
    let (app, vars, _) = run_scenario_file(&scenario_dir().join("almere.json")).await;
    let wp = vars["wp"].as_str().expect("the werkplaats id").to_owned();
    let evaluator = token(&vars, "ev");
    let want = expected(&app, &evaluator, &wp).await;

    let response = get_report(&app, &wp, Some(&evaluator)).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    std::fs::write(
        concat!(env!("CARGO_MANIFEST_DIR"), "/target/report-almere.html"),
        &html,
    )
    .expect("target/ is writable");

    let question = want["question"].as_str().unwrap();
    assert!(html.contains(&werkplaats::report::escape(question)));
    let indicators = want["evaluation"]["indicators"].as_array().unwrap().len();
    assert!(indicators > 0);
    assert_eq!(html.matches("<svg").count(), indicators);
    let decisions = want["decisionLog"].as_array().unwrap();
    assert!(decisions.iter().any(|d| !d["supersededBy"].is_null()));
    for decision in decisions {
        let title = werkplaats::report::escape(decision["title"].as_str().unwrap());
        assert!(html.contains(&title), "missing decision {title}");
    }
    assert!(html.contains("<strong>Vervangen</strong> door besluit"));
    // Two PDCA cycles of the home-visit action, each with its outcome.
    assert!(html.contains("bijstellen voor een nieuwe cyclus"));
    assert!(html.contains("overnemen"));
}

#[tokio::test]
async fn the_report_follows_the_graphql_access_rules_and_the_cli_writes_the_same() {
    let (app, vars, _) = run_scenario_file(&scenario_dir().join("almere.json")).await;
    let wp = vars["wp"].as_str().unwrap().to_owned();
    let wp2 = vars["wp2"].as_str().unwrap().to_owned();

    // A member of the second werkplaats cannot see Almere: not found, as
    // if it did not exist; nor can anyone see a werkplaats that does not.
    let other = get_report(&app, &wp, Some(&token(&vars, "fac2"))).await;
    assert_eq!(other.status(), 404);
    let unknown = get_report(&app, "not-a-uuid", Some(&app.admin_token)).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(get_report(&app, &wp, None).await.status(), 401);
    assert_eq!(
        get_report(&app, &wp, Some("wpt_nobody")).await.status(),
        401
    );
    // The second werkplaats' own facilitator does see their report.
    assert_eq!(
        get_report(&app, &wp2, Some(&token(&vars, "fac2")))
            .await
            .status(),
        200
    );

    let over_http = get_report(&app, &wp, Some(&app.admin_token))
        .await
        .text()
        .await
        .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_werkplaats"))
        .args(["report", "--werkplaats", &wp, "--database-url"])
        .arg(app.database_url())
        .env_remove("DATABASE_URL")
        .output()
        .expect("the werkplaats binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let from_cli = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        from_cli, over_http,
        "the CLI and HTTP render the same report"
    );
}
