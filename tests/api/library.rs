//! The library across werkplaatsen: lessons written by concurrent writers on
//! two instances are all there, on both, the moment their mutations have
//! answered; and a rebuild from the events finds exactly the library the
//! live writes kept.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::kit::app::*;
use crate::kit::process::post;
use crate::kit::seed::create_werkplaats;

const LIBRARY: &str = "query($after: String) { watWerkt(first: 100, after: $after) {
  lessons { id title outcome rationale cycles findings owner concludedAt
    source { werkplaatsId werkplaatsName } solution { title capitals }
    indicators { name latest normMet } }
  hasMore cursor } }";

/// Every lesson of the library, page after page, as `base` serves it.
async fn library(http: &reqwest::Client, base: &str, token: &str) -> Vec<Value> {
    let mut lessons = Vec::new();
    let mut after = Value::Null;
    loop {
        let response = post(http, base, token, LIBRARY, json!({ "after": after }))
            .await
            .expect("an answer");
        assert_ok(&response);
        let page = &response["data"]["watWerkt"];
        lessons.extend(page["lessons"].as_array().unwrap().iter().cloned());
        if page["hasMore"] != json!(true) {
            return lessons;
        }
        after = page["cursor"].clone();
    }
}

/// Runs a mutation on `base` and returns its payload.
async fn run(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    let input_type = format!("{}{}Input", field[..1].to_uppercase(), &field[1..]);
    let query = format!("mutation($input: {input_type}!) {{ {field}(input: $input) {selection} }}");
    let response = post(http, base, token, &query, json!({ "input": input }))
        .await
        .expect("an answer");
    assert_ok(&response);
    response["data"][field].clone()
}

/// A werkplaats that shares, with a partner to own its actions.
async fn sharing(app: &TestApp, n: usize) -> (String, String, String) {
    let (wp, fac) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    let partner = app
        .command(
            &fac,
            "addPartner",
            "{ partner { id } }",
            json!({"werkplaatsId": wp, "name": format!("Schuldhulp {n}"), "kind": "SCHULDHULPVERLENING"}),
        )
        .await["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.command(
        &fac,
        "shareLessons",
        "{ sharesLessons }",
        json!({"werkplaatsId": wp, "share": true}),
    )
    .await;
    (wp, fac, partner)
}

/// Plans, does, checks and concludes one action through `base`.
async fn conclude_one(
    http: &reqwest::Client,
    base: &str,
    (wp, fac, partner): &(String, String, String),
    title: &str,
    outcome: &str,
) -> String {
    let planned = run(http, base, fac, "planAction", "{ action { id } }",
        json!({"werkplaatsId": wp, "title": title, "goal": "Eerder in beeld.", "ownerPartnerId": partner})).await;
    let action = planned["action"]["id"].as_str().unwrap().to_owned();
    run(
        http,
        base,
        fac,
        "startAction",
        "{ version }",
        json!({"werkplaatsId": wp, "actionId": action}),
    )
    .await;
    run(http, base, fac, "checkAction", "{ version }",
        json!({"werkplaatsId": wp, "actionId": action, "findings": format!("Bevindingen bij {title}.")})).await;
    run(http, base, fac, "concludeAction", "{ version }",
        json!({"werkplaatsId": wp, "actionId": action, "outcome": outcome, "rationale": "Zo bleek het."})).await;
    action
}

#[tokio::test]
async fn lessons_concluded_on_two_instances_at_once_are_in_the_library_of_both() {
    let app = spawn_app().await;
    let other = app.another_instance().await;
    let http = reqwest::Client::new();
    let bases = [app.address.clone(), other.address.clone()];
    let mut werkplaatsen = Vec::new();
    for n in 0..6 {
        werkplaatsen.push(sharing(&app, n).await);
    }
    // Each writer alternates instances; all write at the same time, so the
    // lessons' transactions interleave across instances and werkplaatsen.
    let writers = werkplaatsen.iter().enumerate().map(|(w, werkplaats)| {
        let (http, bases) = (&http, &bases);
        async move {
            let mut ids = Vec::new();
            for k in 0..5 {
                let base = &bases[(w + k) % 2];
                let outcome = ["ADOPT", "ADAPT", "ABANDON"][(w + k) % 3];
                ids.push(
                    conclude_one(http, base, werkplaats, &format!("Actie {w}.{k}"), outcome).await,
                );
                // Right after the answer, the other instance has the lesson.
                let elsewhere = library(http, &bases[(w + k + 1) % 2], &werkplaats.1).await;
                assert!(
                    elsewhere.iter().any(|l| l["id"] == json!(ids[k])),
                    "lesson {} not yet on the other instance",
                    ids[k]
                );
            }
            ids
        }
    });
    let written: Vec<String> = futures::future::join_all(writers)
        .await
        .into_iter()
        .flatten()
        .collect();
    let on_one = library(&http, &bases[0], &app.admin_token).await;
    let on_other = library(&http, &bases[1], &app.admin_token).await;
    assert_eq!(on_one, on_other);
    let mut found: Vec<String> = on_one
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect();
    let mut expected = written.clone();
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "every concluded action is a lesson, once");
    let times: Vec<&str> = on_one
        .iter()
        .map(|l| l["concludedAt"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest conclusion first: {times:?}"
    );
    println!(
        "library: {} lessons written on two instances at once, the same on both",
        found.len()
    );
}

/// A random history: actions through their cycles, revisions, measurements
/// and sharing switched on and off.
async fn random_history(app: &TestApp, rng: &mut StdRng) {
    let http = reqwest::Client::new();
    let base = app.address.clone();
    for n in 0..4 {
        let werkplaats = sharing(app, n).await;
        let (wp, fac, partner) = &werkplaats;
        let solution = app
            .command(
                fac,
                "proposeSolution",
                "{ solution { id version } }",
                json!({
                "werkplaatsId": wp, "title": "Huisbezoek", "description": "Samen op huisbezoek.",
                "basis": ["PRACTICE"], "addressesProblemIds": [], "capitals": ["SOCIAL"]}),
            )
            .await;
        let indicator = app
            .command(fac, "defineIndicatorFromTemplate", "{ indicator { id } }", json!({
                "werkplaatsId": wp, "templateKey": "doorlooptijd_tot_hulp", "baseline": 30, "norm": 10}))
            .await["indicator"]["id"]
            .clone();
        let mut actions: Vec<(String, &str)> = Vec::new();
        for step in 0..30 {
            match rng.gen_range(0..10) {
                0..=2 => {
                    let planned = run(&http, &base, fac, "planAction", "{ action { id } }", json!({
                        "werkplaatsId": wp, "title": format!("Actie {n}.{step}"), "goal": "Sneller hulp.",
                        "ownerPartnerId": partner, "solutionId": solution["solution"]["id"],
                        "indicatorIds": [indicator]})).await;
                    actions.push((
                        planned["action"]["id"].as_str().unwrap().to_owned(),
                        "PLANNED",
                    ));
                }
                3..=6 if !actions.is_empty() => {
                    let i = rng.gen_range(0..actions.len());
                    let (id, status) = actions[i].clone();
                    let next = match status {
                        "PLANNED" | "ADAPTED" => Some(("startAction", json!({}), "DOING")),
                        "DOING" => Some((
                            "checkAction",
                            json!({"findings": format!("Stap {step}: 60% bereikt.")}),
                            "CHECKING",
                        )),
                        "CHECKING" => {
                            let outcome = ["ADOPT", "ADAPT", "ABANDON"][rng.gen_range(0..3)];
                            let status = match outcome {
                                "ADOPT" => "ADOPTED",
                                "ADAPT" => "ADAPTED",
                                _ => "ABANDONED",
                            };
                            Some((
                                "concludeAction",
                                json!({"outcome": outcome, "rationale": format!("Besluit in stap {step}.")}),
                                status,
                            ))
                        }
                        _ => None,
                    };
                    if let Some((field, mut input, status)) = next {
                        input["werkplaatsId"] = json!(wp);
                        input["actionId"] = json!(id);
                        run(&http, &base, fac, field, "{ version }", input).await;
                        actions[i].1 = status;
                    }
                }
                7 => {
                    run(&http, &base, fac, "recordMeasurement", "{ version }", json!({
                        "werkplaatsId": wp, "indicatorId": indicator,
                        "value": rng.gen_range(5..30), "measuredOn": format!("2026-0{}-01", 1 + step % 9)})).await;
                }
                8 => {
                    let share = rng.gen_bool(0.7);
                    run(
                        &http,
                        &base,
                        fac,
                        "shareLessons",
                        "{ sharesLessons }",
                        json!({"werkplaatsId": wp, "share": share}),
                    )
                    .await;
                }
                _ if !actions.is_empty() => {
                    let (id, _) = &actions[rng.gen_range(0..actions.len())];
                    let current = app
                        .graphql(Some(fac), "query($id: ID!) { werkplaats(id: $id) { plan { actions { id version status } } } }", json!({"id": wp}))
                        .await;
                    let action = current["data"]["werkplaats"]["plan"]["actions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|a| a["id"] == json!(id))
                        .unwrap()
                        .clone();
                    if !matches!(action["status"].as_str(), Some("ADOPTED" | "ABANDONED")) {
                        run(&http, &base, fac, "reviseAction", "{ version }", json!({
                            "werkplaatsId": wp, "actionId": id, "expectedVersion": action["version"],
                            "title": format!("Herzien in stap {step}")})).await;
                    }
                }
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn a_rebuild_from_the_events_finds_the_library_the_live_writes_kept() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(13);
    random_history(&app, &mut rng).await;
    let live = library(&http, &app.address, &app.admin_token).await;
    assert!(!live.is_empty(), "the random history concluded something");
    // The stored rows, not only what watWerkt shows.
    let stored = |pool: sqlx::PgPool| async move {
        sqlx::query_as::<_, (String, i64, String)>(
            "select action_id::text, version, lesson::text from lessons order by action_id",
        )
        .fetch_all(&pool)
        .await
        .expect("the lessons")
    };
    let before = stored(app.pool.clone()).await;
    sqlx::query("delete from lessons")
        .execute(&app.pool)
        .await
        .unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_werkplaats"))
        .args(["rebuild", "library", "--database-url", &app.database_url()])
        .output()
        .expect("werkplaats rebuild library runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains(&format!("{} lessons", live.len())), "{said}");
    let rebuilt = library(&http, &app.address, &app.admin_token).await;
    assert_eq!(rebuilt, live);
    let after = stored(app.pool.clone()).await;
    assert_eq!(
        after
            .iter()
            .map(|(id, _, lesson)| (id, lesson))
            .collect::<Vec<_>>(),
        before
            .iter()
            .map(|(id, _, lesson)| (id, lesson))
            .collect::<Vec<_>>()
    );
    println!(
        "library: rebuilt {} lessons from the events, the same as the live ones",
        live.len()
    );
}

#[tokio::test]
async fn bad_library_requests_answer_with_the_contracts_codes_and_append_nothing() {
    let app = spawn_app().await;
    let (wp, fac, _) = sharing(&app, 0).await;
    let (_, outsider) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    let page =
        "query($first: Int, $after: String) { watWerkt(first: $first, after: $after) { hasMore } }";
    let cases: [(Option<&str>, Value, &str); 7] = [
        (None, json!({}), "UNAUTHENTICATED"),
        (Some("wpt_0000"), json!({}), "UNAUTHENTICATED"),
        (Some(&fac), json!({"first": 0}), "BAD_USER_INPUT"),
        (Some(&fac), json!({"first": 101}), "BAD_USER_INPUT"),
        (Some(&fac), json!({"first": -5}), "BAD_USER_INPUT"),
        (
            Some(&fac),
            json!({"after": "niet-een-cursor"}),
            "BAD_USER_INPUT",
        ),
        (
            Some(&fac),
            json!({"after": "12.not-a-uuid"}),
            "BAD_USER_INPUT",
        ),
    ];
    for (token, variables, code) in cases {
        let response = app.graphql(token, page, variables.clone()).await;
        assert_eq!(error_code(&response), Some(code), "{variables}: {response}");
    }
    let share = "mutation($input: ShareLessonsInput!) { shareLessons(input: $input) { sharesLessons version } }";
    let before = app.stored_events(&wp).await;
    let refusals: [(Option<&str>, Value, &str); 5] = [
        (
            None,
            json!({"werkplaatsId": wp, "share": false}),
            "UNAUTHENTICATED",
        ),
        (
            Some(&outsider),
            json!({"werkplaatsId": wp, "share": false}),
            "NOT_FOUND",
        ),
        (
            Some(&fac),
            json!({"werkplaatsId": "geen-id", "share": false}),
            "NOT_FOUND",
        ),
        (
            Some(&fac),
            json!({"werkplaatsId": uuid::Uuid::new_v4().to_string(), "share": false}),
            "NOT_FOUND",
        ),
        (
            Some(&app.admin_token),
            json!({"werkplaatsId": wp, "share": false}),
            "FORBIDDEN",
        ),
    ];
    for (token, input, code) in refusals {
        let response = app.graphql(token, share, json!({"input": input})).await;
        assert_eq!(error_code(&response), Some(code), "{input}: {response}");
    }
    assert_eq!(
        app.stored_events(&wp).await,
        before,
        "a refused request appends nothing"
    );
    // Sharing what is shared appends nothing and answers the current state.
    let again = app
        .data(
            &fac,
            share,
            json!({"input": {"werkplaatsId": wp, "share": true}}),
        )
        .await;
    assert_eq!(
        again["shareLessons"],
        json!({"sharesLessons": true, "version": before})
    );
    assert_eq!(app.stored_events(&wp).await, before);
}
