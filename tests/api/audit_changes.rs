//! Replay and audit (`audit.graphql`): `changes` between two versions of the
//! Almere scenario lists exactly what the events in between touched, and a
//! decision's provenance shows its basis as the partners saw it then.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::scenarios::{run_scenario_file, scenario_dir};
use crate::kit::app::{assert_error, assert_ok, TestApp};

const CHANGES: &str = "query($id: ID!, $from: Int!, $to: Int) { werkplaats(id: $id) { \
    changes(fromVersion: $from, toVersion: $to) { fromVersion toVersion \
    items { kind id change before after } events { version type } } } }";

/// The Almere scenario run to its end: the werkplaats is at version 29.
async fn almere() -> (TestApp, HashMap<String, Value>) {
    let (app, vars, _) = run_scenario_file(&scenario_dir().join("almere.json")).await;
    (app, vars)
}

fn var<'a>(vars: &'a HashMap<String, Value>, name: &str) -> &'a str {
    vars[name].as_str().unwrap()
}

async fn changes_between(
    app: &TestApp,
    vars: &HashMap<String, Value>,
    from: i64,
    to: Value,
) -> Value {
    app.graphql(
        Some(var(vars, "ev")),
        CHANGES,
        json!({"id": var(vars, "wp"), "from": from, "to": to}),
    )
    .await
}

/// `(kind, id, change)` of each listed item, in order.
fn listed(response: &Value) -> Vec<(String, String, String)> {
    response["data"]["werkplaats"]["changes"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["kind"].as_str().unwrap().to_owned(),
                item["id"].as_str().unwrap().to_owned(),
                item["change"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn entry(kind: &str, id: &str, change: &str) -> (String, String, String) {
    (kind.to_owned(), id.to_owned(), change.to_owned())
}

#[tokio::test]
async fn changes_list_exactly_what_the_events_in_between_touched() {
    let (app, vars) = almere().await;
    let act1 = var(&vars, "act1");

    // 19 revises the due date, 20 starts, 21 checks, 22 adapts the action;
    // 23 records a reflection.
    let response = changes_between(&app, &vars, 18, json!(23)).await;
    assert_ok(&response);
    let changes = &response["data"]["werkplaats"]["changes"];
    assert_eq!(changes["fromVersion"], 18);
    assert_eq!(changes["toVersion"], 23);
    assert_eq!(
        listed(&response),
        vec![
            entry("ACTION", act1, "CHANGED"),
            entry("REFLECTION", var(&vars, "ref1"), "ADDED"),
        ]
    );
    let action = &changes["items"][0];
    assert_eq!(action["before"]["dueDate"], "2026-03-01");
    assert_eq!(action["before"]["status"], "PLANNED");
    assert_eq!(action["before"]["version"], 16);
    assert_eq!(action["before"]["findings"], json!([]));
    assert_eq!(action["after"]["dueDate"], "2026-03-15");
    assert_eq!(action["after"]["status"], "ADAPTED");
    assert_eq!(action["after"]["version"], 22);
    assert_eq!(
        action["after"]["findings"],
        json!(["Na 6 weken: 74% binnen 5 werkdagen bezocht"])
    );
    // References are shown as the query shows them: the owner as an object.
    assert_eq!(action["after"]["owner"]["id"], var(&vars, "pSw"));
    assert_eq!(action["after"]["owner"]["name"], "Sociaal Werk Almere");
    let reflection = &changes["items"][1];
    assert_eq!(reflection["before"], Value::Null);
    assert_eq!(reflection["after"]["about"], json!([act1]));
    assert_eq!(reflection["after"]["phase"]["number"], 3);
    assert_eq!(
        changes["events"],
        json!([
            {"version": 19, "type": "ActionRevised"},
            {"version": 20, "type": "ActionStarted"},
            {"version": 21, "type": "ActionChecked"},
            {"version": 22, "type": "ActionConcluded"},
            {"version": 23, "type": "ReflectionRecorded"},
        ])
    );

    // 15 advances the phase, 16 plans the action, 17 defines the indicator:
    // listed by kind, the phase last.
    let response = changes_between(&app, &vars, 14, json!(17)).await;
    assert_ok(&response);
    assert_eq!(
        listed(&response),
        vec![
            entry("ACTION", act1, "ADDED"),
            entry("INDICATOR", var(&vars, "ind1"), "ADDED"),
            entry("PHASE", "phase", "CHANGED"),
        ]
    );
    let phase = &response["data"]["werkplaats"]["changes"]["items"][2];
    assert_eq!(phase["before"]["key"], "oplossingen_verkennen");
    assert_eq!(phase["after"]["key"], "actieplan_en_evaluatie");

    // 29 supersedes the first decision: the earlier one changes (its
    // successor), the new one is added; within a kind, in creation order.
    let response = changes_between(&app, &vars, 28, Value::Null).await;
    assert_ok(&response);
    assert_eq!(response["data"]["werkplaats"]["changes"]["toVersion"], 29);
    assert_eq!(
        listed(&response),
        vec![
            entry("DECISION", var(&vars, "dec1"), "CHANGED"),
            entry("DECISION", var(&vars, "dec2"), "ADDED"),
        ]
    );
    let dec1 = &response["data"]["werkplaats"]["changes"]["items"][0];
    assert_eq!(dec1["before"]["supersededBy"], Value::Null);
    assert_eq!(dec1["after"]["supersededBy"]["id"], var(&vars, "dec2"));

    // From the very beginning, every item is added.
    let response = changes_between(&app, &vars, 0, Value::Null).await;
    assert_ok(&response);
    let kinds: Vec<String> = listed(&response).into_iter().map(|(k, _, _)| k).collect();
    let count = |kind: &str| kinds.iter().filter(|k| *k == kind).count();
    assert_eq!(
        [
            "PROBLEM",
            "SOLUTION",
            "ACTION",
            "DECISION",
            "REFLECTION",
            "INDICATOR",
            "PARTNER",
            "MEMBER",
            "PHASE"
        ]
        .map(count),
        [2, 2, 1, 2, 1, 1, 3, 4, 1]
    );
    assert!(listed(&response).iter().all(|(_, _, c)| c == "ADDED"));
    assert_eq!(
        response["data"]["werkplaats"]["changes"]["events"]
            .as_array()
            .unwrap()
            .len(),
        29
    );
}

#[tokio::test]
async fn changes_need_a_range_within_the_werkplaats() {
    let (app, vars) = almere().await;
    for (from, to) in [
        (20, json!(20)),
        (21, json!(20)),
        (-1, json!(5)),
        (0, json!(30)),
        (29, Value::Null),
        (30, Value::Null),
    ] {
        let response = changes_between(&app, &vars, from, to.clone()).await;
        assert_error(&response, "BAD_USER_INPUT");
    }
    // As of an earlier version, that version is the upper bound.
    let response = app
        .graphql(
            Some(var(&vars, "ev")),
            "query($id: ID!) { werkplaats(id: $id, asOfVersion: 10) { \
             changes(fromVersion: 9) { toVersion items { kind change } } \
             late: changes(fromVersion: 9, toVersion: 11) { toVersion } } }",
            json!({"id": var(&vars, "wp")}),
        )
        .await;
    assert_error(&response, "BAD_USER_INPUT");
    let response = app
        .graphql(
            Some(var(&vars, "ev")),
            "query($id: ID!) { werkplaats(id: $id, asOfVersion: 10) { \
             changes(fromVersion: 9) { toVersion items { kind change } } } }",
            json!({"id": var(&vars, "wp")}),
        )
        .await;
    assert_ok(&response);
    assert_eq!(
        response["data"]["werkplaats"]["changes"],
        json!({"toVersion": 10, "items": [{"kind": "PROBLEM", "change": "ADDED"}]})
    );
}

const DECISION: &str = "mutation($input: RecordDecisionInput!) { recordDecision(input: $input) { decision { id atVersion } } }";

async fn decide(app: &TestApp, token: &str, input: Value) -> (String, i64) {
    let response = app
        .graphql(Some(token), DECISION, json!({ "input": input }))
        .await;
    assert_ok(&response);
    let decision = &response["data"]["recordDecision"]["decision"];
    (
        decision["id"].as_str().unwrap().to_owned(),
        decision["atVersion"].as_i64().unwrap(),
    )
}

const PROVENANCE: &str = "query($id: ID!, $v: Int) { werkplaats(id: $id, asOfVersion: $v) { \
    decisionLog { id referencedBy provenance { id kind atDecision changedSince } } } }";

/// The decision `id` from the decision log, read as of `version` (head when null).
async fn logged(app: &TestApp, vars: &HashMap<String, Value>, version: Value, id: &str) -> Value {
    let response = app
        .graphql(
            Some(var(vars, "ev")),
            PROVENANCE,
            json!({"id": var(vars, "wp"), "v": version}),
        )
        .await;
    assert_ok(&response);
    response["data"]["werkplaats"]["decisionLog"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("decision {id} in {response}"))
}

#[tokio::test]
async fn provenance_shows_the_basis_as_it_was_when_decided() {
    let (app, vars) = almere().await;
    let (wp, fac, prob1) = (var(&vars, "wp"), var(&vars, "fac"), var(&vars, "prob1"));

    let planned = app
        .graphql(
            Some(fac),
            "mutation($input: PlanActionInput!) { planAction(input: $input) { action { id version } } }",
            json!({"input": {
                "werkplaatsId": wp,
                "title": "Aankondigingsbrief in B1",
                "goal": "Elke brief in B1",
                "ownerPartnerId": var(&vars, "pGem"),
            }}),
        )
        .await;
    assert_ok(&planned);
    let action = planned["data"]["planAction"]["action"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let planned_at = planned["data"]["planAction"]["action"]["version"].clone();

    let (decision, decided_at) = decide(
        &app,
        fac,
        json!({
            "werkplaatsId": wp,
            "title": "B1-brieven als tweede stap",
            "context": "De huisbezoeken lopen.",
            "optionsConsidered": ["Nu", "Later"],
            "decision": "Nu.",
            "rationale": "Brieven zijn de eerste indruk.",
            "basedOn": [action, prob1],
        }),
    )
    .await;

    let revised = app
        .graphql(
            Some(fac),
            "mutation($input: ReviseActionInput!) { reviseAction(input: $input) { version } }",
            json!({"input": {
                "werkplaatsId": wp,
                "actionId": action,
                "expectedVersion": planned_at,
                "title": "Aankondigingsbrief en herinnering in B1",
            }}),
        )
        .await;
    assert_ok(&revised);

    let (later, _) = decide(
        &app,
        fac,
        json!({
            "werkplaatsId": wp,
            "title": "Ook herinneringen in B1",
            "context": "Voortbouwend op het vorige besluit.",
            "optionsConsidered": ["Ja"],
            "decision": "Ja.",
            "rationale": "Consistent.",
            "basedOn": [decision],
        }),
    )
    .await;

    let now = logged(&app, &vars, Value::Null, &decision).await;
    let provenance = now["provenance"].as_array().unwrap();
    assert_eq!(provenance.len(), 2, "{now}");
    assert_eq!(provenance[0]["id"], action.as_str());
    assert_eq!(provenance[0]["kind"], "ACTION");
    assert_eq!(
        provenance[0]["atDecision"]["title"],
        "Aankondigingsbrief in B1"
    );
    assert_eq!(provenance[0]["atDecision"]["version"], planned_at);
    assert_eq!(provenance[0]["changedSince"], true);
    assert_eq!(provenance[1]["id"], prob1);
    assert_eq!(provenance[1]["kind"], "PROBLEM");
    assert_eq!(provenance[1]["changedSince"], false);
    assert_eq!(now["referencedBy"], json!([later]));

    // Read as of the decision itself, nothing has changed since, and no
    // later decision refers to it yet.
    let then = logged(&app, &vars, json!(decided_at), &decision).await;
    assert_eq!(then["provenance"][0]["changedSince"], false);
    assert_eq!(
        then["provenance"][0]["atDecision"],
        now["provenance"][0]["atDecision"]
    );
    assert_eq!(then["referencedBy"], json!([]));

    // A superseding decision refers to the one it supersedes.
    let dec1 = logged(&app, &vars, Value::Null, var(&vars, "dec1")).await;
    assert_eq!(dec1["referencedBy"], json!([var(&vars, "dec2")]));
    let kinds: Vec<&str> = dec1["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["PROBLEM", "PROBLEM", "SOLUTION", "SOLUTION"]);
}

/// Every field the rendering holds, nested as it nests them.
const EVERY_ITEM: &str = "
fragment P on Partner { id name kind }
fragment M on Member { id name role partner { ...P } }
fragment Pr on Problem { id title description perspective recordedBy { ...M } recordedAt version }
fragment S on Solution { id title description basis addresses { ...Pr } capitals recognition version }
fragment L on ActionLogEntry { text occurredOn recordedBy { ...M } recordedAt }
query($id: ID!) { werkplaats(id: $id) {
  problems { ...Pr }
  solutions { ...S }
  plan { actions { id title goal status cycle owner { ...P } dueDate solution { ...S } findings
    indicators { id } cycles { number startedAt log { ...L } findings outcome rationale concludedAt }
    version } }
  decisionLog { id title context optionsConsidered decision rationale basedOn supersedes { id }
    supersededBy { id } decidedBy { ...M } decidedAt atVersion reviewOn consequences retired
    reviews { outcome note nextReviewOn reviewedBy { ...M } reviewedAt atVersion } }
  reflections { id text about phase { number key title } recordedBy { ...M } recordedAt }
  evaluation { indicators { id name unit baseline norm direction latest progress normMet
    measurements { value measuredOn note } kind template goal { id } version } }
  goals { id statement targetYear recordedBy { ...M } version }
  risks { id title description likelihood impact mitigation owner { ...P } status version }
  journeys { id title situation steps { id title description partner { ...P } days knowledge
    attitude skills clientCentred bottleneck version } totalDays version }
  checklist { id competence statement standard
    answers { partner { ...P } answer note answeredBy { ...M } answeredAt } }
  partners { ...P }
  members { ...M }
  phase { number key title }
  changes(fromVersion: 0) { items { kind after } }
} }";

#[tokio::test]
async fn items_render_exactly_as_the_werkplaats_query_shows_them() {
    let (app, vars) = almere().await;
    let response = app
        .graphql(
            Some(var(&vars, "ev")),
            EVERY_ITEM,
            json!({"id": var(&vars, "wp")}),
        )
        .await;
    assert_ok(&response);
    let wp = &response["data"]["werkplaats"];
    let rendered = |kind: &str| -> Vec<Value> {
        wp["changes"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["kind"] == kind)
            .map(|item| item["after"].clone())
            .collect()
    };
    let queried = |list: &Value| list.as_array().unwrap().clone();
    assert_eq!(rendered("PROBLEM"), queried(&wp["problems"]));
    assert_eq!(rendered("SOLUTION"), queried(&wp["solutions"]));
    assert_eq!(rendered("ACTION"), queried(&wp["plan"]["actions"]));
    assert_eq!(rendered("DECISION"), queried(&wp["decisionLog"]));
    assert_eq!(rendered("REFLECTION"), queried(&wp["reflections"]));
    assert_eq!(
        rendered("INDICATOR"),
        queried(&wp["evaluation"]["indicators"])
    );
    assert_eq!(rendered("PARTNER"), queried(&wp["partners"]));
    assert_eq!(rendered("MEMBER"), queried(&wp["members"]));
    assert_eq!(rendered("PHASE"), vec![wp["phase"].clone()]);
    assert_eq!(rendered("GOAL"), queried(&wp["goals"]));
    assert_eq!(rendered("RISK"), queried(&wp["risks"]));
    assert_eq!(rendered("JOURNEY"), queried(&wp["journeys"]));
    assert_eq!(rendered("CHECKLIST_ITEM"), queried(&wp["checklist"]));
    assert_eq!(wp["checklist"].as_array().unwrap().len(), 9);
}
