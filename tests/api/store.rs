//! The event store under load and under attack: concurrent writers never
//! lose, duplicate or reorder an event; a retried command appends once; any
//! change to stored events breaks the hash chain exactly where it happened.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use werkplaats::domain::{
    Event, Methodology, Name, Perspective, ProblemRecorded, Text, WerkplaatsCreated,
};
use werkplaats::store::{
    AppendError, AppendRequest, Appended, BucketCharge, NewEvent, StoredEvent,
};

use crate::kit::app::*;
use crate::kit::seed::create_werkplaats;

/// Concurrent writers in each concurrency test.
const TASKS: usize = 16;
/// Attempts each writer makes.
const ATTEMPTS: usize = 50;

const ADD_PARTNER: &str =
    "mutation($input: AddPartnerInput!) { addPartner(input: $input) { partner { id } version } }";
const RECORD_PROBLEM: &str = "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { problem { id version } version } }";
const PLAN_ACTION: &str = "mutation($input: PlanActionInput!) { planAction(input: $input) { action { id version } version } }";
const REVISE_ACTION: &str = "mutation($input: ReviseActionInput!) { reviseAction(input: $input) { action { id title version } version } }";
const DEFINE_INDICATOR: &str = "mutation($input: DefineIndicatorInput!) { defineIndicator(input: $input) { indicator { id baseline norm } version } }";
const RECORD_MEASUREMENT: &str = "mutation($input: RecordMeasurementInput!) { recordMeasurement(input: $input) { indicator { id latest progress normMet } version } }";
const VERIFY: &str = "query($id: ID!, $v: Int) { werkplaats(id: $id, asOfVersion: $v) { version verifyTrail { valid checkedEvents headHash firstInvalidVersion } } }";
const EVENTS: &str = "query($id: ID!, $after: Int!) { werkplaats(id: $id) { events(afterVersion: $after, first: 1000) { events { version type recordedAt actor { id } data hash prevHash } hasMore } } }";

// Events given by hand hold parsed text, as `decide` produces it.

fn name(raw: &str) -> Name {
    Name::parse(raw, "name").unwrap()
}

fn text(raw: &str) -> Text {
    Text::parse(raw, "text").unwrap()
}

fn new_event(event: Event) -> NewEvent {
    NewEvent {
        event_type: event.event_type(),
        schema_version: Event::SCHEMA_VERSION,
        payload: event.payload(),
    }
}

fn created(stream: Uuid) -> NewEvent {
    new_event(Event::WerkplaatsCreated(WerkplaatsCreated {
        werkplaats_id: stream,
        name: name("Werkplaats Store"),
        municipality: name("Testdorp"),
        question: text("Houdt de store elke versie precies één keer?"),
        methodology: Methodology::SchoudersEronder,
    }))
}

fn problem(title: String) -> NewEvent {
    new_event(Event::ProblemRecorded(ProblemRecorded {
        problem_id: Uuid::new_v4(),
        title: name(&title),
        description: text("Een probleem, voor de store"),
        perspective: Perspective::Data,
    }))
}

fn request(stream: Uuid, expected: i64, command_id: Uuid, events: Vec<NewEvent>) -> AppendRequest {
    AppendRequest {
        stream_id: stream,
        expected_version: expected,
        command_id,
        correlation_id: command_id,
        actor: None,
        events,
        members: Vec::new(),
        access: Vec::new(),
        recorded_at: None,
        library: None,
        charge: None,
    }
}

/// `(version, command id)` of every stored event of `stream`, in version order.
async fn stored_rows(app: &TestApp, stream: Uuid) -> Vec<(i64, Uuid)> {
    sqlx::query_as("select version, command_id from events where stream_id = $1 order by version")
        .bind(stream)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// Versions of the events stored for a werkplaats, in order.
async fn stored_versions(app: &TestApp, werkplaats: &str) -> Vec<i64> {
    sqlx::query_scalar("select version from events where stream_id = $1::uuid order by version")
        .bind(werkplaats)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

/// `verifyTrail` of a werkplaats at its head (`None`) or at a version.
async fn verify_trail(app: &TestApp, token: &str, werkplaats: &str, at: Option<i64>) -> Value {
    let response = app
        .graphql(Some(token), VERIFY, json!({"id": werkplaats, "v": at}))
        .await;
    assert_ok(&response);
    response["data"]["werkplaats"]["verifyTrail"].clone()
}

/// Panics unless the chain of a werkplaats is valid over `checked` events.
async fn assert_trail_valid(app: &TestApp, token: &str, werkplaats: &str, checked: i64) {
    let verification = verify_trail(app, token, werkplaats, None).await;
    assert_eq!(verification["valid"], true, "{verification}");
    assert_eq!(verification["checkedEvents"], checked, "{verification}");
    assert_eq!(verification["firstInvalidVersion"], Value::Null);
}

/// A partner organisation and a PARTNER member of it: `(partner id, token)`.
async fn partner_member(app: &TestApp, facilitator: &str, wp: &str) -> (String, String) {
    let partner = app
        .add_partner(facilitator, wp, "Sociaal Werk", "SOCIAAL_WERK")
        .await
        .id;
    let member = app
        .invite_member(
            facilitator,
            wp,
            "Schuldhulpverlener",
            "PARTNER",
            Some(&partner),
        )
        .await;
    (partner, member.token)
}

fn problem_input(werkplaats: &str, title: &str) -> Value {
    json!({"input": {
        "werkplaatsId": werkplaats,
        "title": title,
        "description": "Aanmeldingen blijven liggen tot de wachtlijst slinkt.",
        "perspective": "PROFESSIONAL",
    }})
}

/// `(version, problem id)` of an accepted recordProblem.
fn recorded_problem(response: &Value) -> (i64, String) {
    let payload = &response["data"]["recordProblem"];
    let version = payload["version"].as_i64().unwrap();
    assert_eq!(payload["problem"]["version"], version);
    (
        version,
        payload["problem"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_appends_through_the_store_keep_versions_gapless() {
    let app = spawn_app().await;
    let stream = Uuid::new_v4();
    let first = app
        .store
        .append(request(stream, 0, Uuid::new_v4(), vec![created(stream)]))
        .await
        .unwrap();
    assert!(
        matches!(
            first,
            Appended::Committed {
                first_version: 1,
                last_version: 1,
                ..
            }
        ),
        "{first:?}"
    );

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            let mut rejected = Vec::new();
            for attempt in 0..ATTEMPTS {
                let expected = store.stream_version(stream).await.unwrap().unwrap();
                let command_id = Uuid::new_v4();
                let events = vec![problem(format!("Taak {task}, poging {attempt}"))];
                match store
                    .append(request(stream, expected, command_id, events))
                    .await
                {
                    Ok(Appended::Committed {
                        first_version,
                        last_version,
                        ..
                    }) => {
                        assert_eq!((first_version, last_version), (expected + 1, expected + 1));
                        accepted.push((command_id, first_version));
                    }
                    Ok(other) => panic!("a new command id is not a duplicate: {other:?}"),
                    Err(AppendError::WrongExpectedVersion { current }) => {
                        assert!(current >= expected, "{current} < {expected}");
                        rejected.push(command_id);
                    }
                    Err(other) => panic!("only version conflicts may refuse an append: {other}"),
                }
            }
            (accepted, rejected)
        }));
    }
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for task in tasks {
        let (a, r) = task.await.unwrap();
        accepted.extend(a);
        rejected.extend(r);
    }
    assert_eq!(accepted.len() + rejected.len(), TASKS * ATTEMPTS);
    assert!(!rejected.is_empty(), "the writers never raced each other");

    // Every accepted append is stored exactly once, at the version it was
    // told, and the versions are 1..=n without gaps.
    let rows = stored_rows(&app, stream).await;
    let n = rows.len() as i64;
    assert_eq!(n, 1 + accepted.len() as i64);
    assert_eq!(
        rows.iter().map(|(v, _)| *v).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    let by_version: HashMap<i64, Uuid> = rows.iter().copied().collect();
    let mut versions = HashSet::new();
    for (command_id, version) in &accepted {
        assert!(versions.insert(*version), "version {version} given twice");
        assert_eq!(by_version[version], *command_id, "version {version}");
    }
    let stored_commands: HashSet<Uuid> = rows.iter().skip(1).map(|(_, c)| *c).collect();
    assert_eq!(stored_commands.len(), accepted.len());

    // A rejected append left nothing behind: no event, no command record.
    let leftovers: i64 = sqlx::query_scalar(
        "select (select count(*) from events where command_id = any($1)) \
         + (select count(*) from commands where command_id = any($1))",
    )
    .bind(&rejected)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(leftovers, 0);
    assert_eq!(app.store.stream_version(stream).await.unwrap(), Some(n));

    let verification = app.store.verify(stream, n).await.unwrap();
    assert!(verification.valid, "{verification:?}");
    assert_eq!(verification.checked_events, n);
    assert_eq!(verification.first_invalid_version, None);
    let last = app.store.read_stream(stream, n - 1, n, 1).await.unwrap();
    assert_eq!(
        verification.head_hash.as_deref(),
        Some(last[0].hash.as_str())
    );

    let conflicts = rejected.len();
    let accepted = accepted.len();
    println!(
        "store concurrency: {accepted} accepted, {conflicts} conflicts, versions 1..={n} gapless"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_mutations_on_different_items_all_land_once() {
    let app = Arc::new(spawn_app().await);
    let (wp, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let (_, partner) = partner_member(&app, &facilitator, &wp).await;
    let setup = 2;

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let app = app.clone();
        let wp = wp.clone();
        let token = if task % 2 == 0 {
            facilitator.clone()
        } else {
            partner.clone()
        };
        tasks.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            let mut conflicts = 0;
            for attempt in 0..ATTEMPTS {
                let title = format!("Knelpunt {task}.{attempt}");
                let response = app
                    .graphql(Some(&token), RECORD_PROBLEM, problem_input(&wp, &title))
                    .await;
                if response.get("errors").is_some() {
                    assert_error(&response, "CONFLICT");
                    conflicts += 1;
                } else {
                    let (version, id) = recorded_problem(&response);
                    accepted.push((version, id, title));
                }
            }
            (accepted, conflicts)
        }));
    }
    let mut accepted = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (a, c) = task.await.unwrap();
        accepted.extend(a);
        conflicts += c;
    }
    assert_eq!(accepted.len() + conflicts, TASKS * ATTEMPTS);
    // Edits of different items never conflict (DESIGN.md, Collaboration).
    assert_eq!(conflicts, 0, "different items conflicted");

    let versions = stored_versions(&app, &wp).await;
    let n = versions.len() as i64;
    assert_eq!(versions, (1..=n).collect::<Vec<_>>(), "gapless versions");
    assert_eq!(n, 2 + setup + accepted.len() as i64);

    // Each accepted problem is stored once, at the version it was answered.
    let stored: Vec<(i64, String, String)> = sqlx::query_as(
        "select version, payload->>'problemId', payload->>'title' from events \
         where stream_id = $1::uuid and event_type = 'ProblemRecorded' order by version",
    )
    .bind(&wp)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut expected = accepted.clone();
    expected.sort();
    assert_eq!(stored, expected);

    assert_trail_valid(&app, &facilitator, &wp, n).await;
    let accepted = accepted.len();
    println!("api concurrency (different items): {accepted} accepted, {conflicts} conflicts, versions 1..={n} gapless");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_revisions_of_one_action_conflict_and_lose_nothing() {
    let app = Arc::new(spawn_app().await);
    let (wp, facilitator) = create_werkplaats(&app, "MOVISIE_VIJF_STAPPEN").await;
    let (partner_id, partner) = partner_member(&app, &facilitator, &wp).await;
    let planned = app
        .graphql(
            Some(&partner),
            PLAN_ACTION,
            json!({"input": {
                "werkplaatsId": wp,
                "title": "Huisbezoek binnen 5 werkdagen",
                "goal": "80% van de signalen binnen 5 werkdagen bezocht",
                "ownerPartnerId": partner_id,
            }}),
        )
        .await;
    assert_ok(&planned);
    let action = planned["data"]["planAction"]["action"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let planned_at = planned["data"]["planAction"]["action"]["version"]
        .as_i64()
        .unwrap();
    let setup = 3;
    assert_eq!(planned_at, 2 + setup);

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let app = app.clone();
        let (wp, action) = (wp.clone(), action.clone());
        let token = if task % 2 == 0 {
            facilitator.clone()
        } else {
            partner.clone()
        };
        tasks.push(tokio::spawn(async move {
            // (expected version sent, version answered, title)
            let mut accepted = Vec::new();
            let mut conflicts = 0;
            let mut seen = planned_at;
            for attempt in 0..ATTEMPTS {
                let title = format!("Huisbezoek, versie {task}.{attempt}");
                let response = app
                    .graphql(
                        Some(&token),
                        REVISE_ACTION,
                        json!({"input": {
                            "werkplaatsId": wp,
                            "actionId": action,
                            "expectedVersion": seen,
                            "title": title,
                        }}),
                    )
                    .await;
                if response.get("errors").is_some() {
                    assert_error(&response, "CONFLICT");
                    let extensions = &response["errors"][0]["extensions"];
                    let current = extensions["currentVersion"].as_i64().unwrap();
                    assert!(current > seen, "{response}");
                    assert_eq!(extensions["current"]["version"], current, "{response}");
                    assert_eq!(extensions["current"]["id"], action.as_str());
                    seen = current;
                    conflicts += 1;
                } else {
                    let payload = &response["data"]["reviseAction"];
                    let version = payload["version"].as_i64().unwrap();
                    assert_eq!(payload["action"]["version"], version);
                    assert_eq!(payload["action"]["title"], title.as_str());
                    accepted.push((seen, version, title));
                    seen = version;
                }
            }
            (accepted, conflicts)
        }));
    }
    let mut accepted = Vec::new();
    let mut conflicts = 0;
    for task in tasks {
        let (a, c) = task.await.unwrap();
        accepted.extend(a);
        conflicts += c;
    }
    assert_eq!(accepted.len() + conflicts, TASKS * ATTEMPTS);
    assert!(conflicts > 0, "the revisions never raced each other");

    let versions = stored_versions(&app, &wp).await;
    let n = versions.len() as i64;
    assert_eq!(versions, (1..=n).collect::<Vec<_>>(), "gapless versions");
    assert_eq!(n, 2 + setup + accepted.len() as i64);

    // No lost update: each accepted revision was decided on the one just
    // before it, so the accepted ones form one unbroken chain.
    accepted.sort();
    let mut previous = planned_at;
    for (expected, version, _) in &accepted {
        assert_eq!(*expected, previous, "revision {version} skipped one");
        assert_eq!(*version, previous + 1);
        previous = *version;
    }
    let stored_titles: Vec<String> = sqlx::query_scalar(
        "select payload->>'title' from events \
         where stream_id = $1::uuid and event_type = 'ActionRevised' order by version",
    )
    .bind(&wp)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let titles: Vec<String> = accepted.iter().map(|(_, _, t)| t.clone()).collect();
    assert_eq!(stored_titles, titles);

    assert_trail_valid(&app, &facilitator, &wp, n).await;
    let accepted = accepted.len();
    println!("api concurrency (same action): {accepted} accepted, {conflicts} conflicts, versions 1..={n} gapless");
}

#[tokio::test]
async fn a_command_id_sent_twice_appends_once() {
    let app = spawn_app().await;
    let (wp, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;

    // A UUID command id.
    let command_id = Uuid::new_v4().to_string();
    let mut input = problem_input(&wp, "Brieven zijn onbegrijpelijk");
    input["input"]["commandId"] = json!(command_id);
    let first = app
        .graphql(Some(&facilitator), RECORD_PROBLEM, input.clone())
        .await;
    assert_ok(&first);
    let second = app.graphql(Some(&facilitator), RECORD_PROBLEM, input).await;
    assert_ok(&second);
    assert_eq!(recorded_problem(&first), recorded_problem(&second));
    assert_eq!(recorded_problem(&first).0, 3);
    assert_eq!(app.stored_events(&wp).await, 3);

    // Any other string works as a command id too.
    let input = json!({"input": {
        "werkplaatsId": wp,
        "name": "Woningcorporatie",
        "kind": "WONINGCORPORATIE",
        "commandId": "opnieuw-versturen-1",
    }});
    let first = app
        .graphql(Some(&facilitator), ADD_PARTNER, input.clone())
        .await;
    let second = app.graphql(Some(&facilitator), ADD_PARTNER, input).await;
    assert_ok(&first);
    assert_ok(&second);
    assert_eq!(first["data"], second["data"]);
    assert_eq!(first["data"]["addPartner"]["version"], 4);
    assert_eq!(app.stored_events(&wp).await, 4);

    // Eight sends of one command at once: one event, one answer.
    let command_id = Uuid::new_v4().to_string();
    let mut input = problem_input(&wp, "Wachtlijst bij de schuldhulp");
    input["input"]["commandId"] = json!(command_id);
    let responses = futures::future::join_all(
        (0..8).map(|_| app.graphql(Some(&facilitator), RECORD_PROBLEM, input.clone())),
    )
    .await;
    for response in &responses {
        assert_ok(response);
        assert_eq!(recorded_problem(response), recorded_problem(&responses[0]));
    }
    assert_eq!(recorded_problem(&responses[0]).0, 5);
    assert_eq!(app.stored_events(&wp).await, 5);
    let count: i64 = sqlx::query_scalar("select count(*) from events where command_id = $1::uuid")
        .bind(&command_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_trail_valid(&app, &facilitator, &wp, 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_command_id_appended_twice_through_the_store_is_a_duplicate() {
    let app = spawn_app().await;
    let stream = Uuid::new_v4();
    let create = Uuid::new_v4();
    let committed = app
        .store
        .append(request(
            stream,
            0,
            create,
            vec![created(stream), problem("Eén".into())],
        ))
        .await
        .unwrap();
    assert!(matches!(
        committed,
        Appended::Committed {
            first_version: 1,
            last_version: 2,
            ..
        }
    ));
    // The same command again, even decided on an older version.
    for expected in [0, 2] {
        let again = app
            .store
            .append(request(
                stream,
                expected,
                create,
                vec![problem("Nog eens".into())],
            ))
            .await
            .unwrap();
        assert_eq!(
            again,
            Appended::Duplicate {
                stream_id: stream,
                first_version: 1,
                last_version: 2
            }
        );
    }
    assert_eq!(stored_rows(&app, stream).await.len(), 2);

    // Concurrent twins of one command: one commits, the others see it.
    let twin = Uuid::new_v4();
    let results = futures::future::join_all((0..8).map(|_| {
        let store = app.store.clone();
        tokio::spawn(async move {
            store
                .append(request(stream, 2, twin, vec![problem("Tweeling".into())]))
                .await
        })
    }))
    .await;
    let mut committed = 0;
    for result in results {
        match result.unwrap().unwrap() {
            Appended::Committed {
                first_version: 3,
                last_version: 3,
                ..
            } => committed += 1,
            Appended::Duplicate {
                stream_id,
                first_version: 3,
                last_version: 3,
            } => assert_eq!(stream_id, stream),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(committed, 1);
    let rows = stored_rows(&app, stream).await;
    assert_eq!(rows, vec![(1, create), (2, create), (3, twin)]);
    assert!(app.store.verify(stream, 3).await.unwrap().valid);
}

/// Runs `sql` with the append-only trigger switched off, as an attacker with
/// table rights could.
async fn behind_the_trigger(app: &TestApp, sql: &str, werkplaats: &str, version: i64) {
    sqlx::query("alter table events disable trigger events_append_only")
        .execute(&app.pool)
        .await
        .unwrap();
    let changed = sqlx::query(sql)
        .bind(werkplaats)
        .bind(version)
        .execute(&app.pool)
        .await
        .unwrap()
        .rows_affected();
    sqlx::query("alter table events enable trigger events_append_only")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(changed, 1, "{sql} at version {version}");
}

async fn stored_event(app: &TestApp, werkplaats: &str, version: i64) -> StoredEvent {
    let stream = Uuid::parse_str(werkplaats).unwrap();
    let mut events = app
        .store
        .read_stream(stream, version - 1, version, 1)
        .await
        .unwrap();
    events.pop().unwrap()
}

/// Puts a removed event back exactly as it was.
async fn reinsert(app: &TestApp, e: &StoredEvent) {
    sqlx::query(
        "insert into events (position, stream_id, version, event_id, event_type, schema_version, \
         payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(e.position)
    .bind(e.stream_id)
    .bind(e.version)
    .bind(e.event_id)
    .bind(&e.event_type)
    .bind(e.schema_version)
    .bind(&e.payload)
    .bind(e.actor_id)
    .bind(e.command_id)
    .bind(e.correlation_id)
    .bind(e.recorded_at)
    .bind(&e.hash)
    .bind(&e.prev_hash)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[track_caller]
fn assert_broken_at(verification: &Value, version: i64) {
    assert_eq!(verification["valid"], false, "{verification}");
    assert_eq!(
        verification["firstInvalidVersion"], version,
        "{verification}"
    );
}

#[tokio::test]
async fn tampering_with_stored_events_breaks_the_chain_where_it_happened() {
    let app = spawn_app().await;
    let (wp, facilitator) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    app.add_partner(&facilitator, &wp, "Sociaal Werk", "SOCIAAL_WERK")
        .await;
    for title in ["Eén", "Twee", "Drie", "Vier"] {
        let response = app
            .graphql(
                Some(&facilitator),
                RECORD_PROBLEM,
                problem_input(&wp, title),
            )
            .await;
        assert_ok(&response);
    }
    let head = 7;
    assert_trail_valid(&app, &facilitator, &wp, head).await;

    // The trigger refuses every change to events.
    for sql in [
        "update events set payload = payload where stream_id = $1::uuid and version = $2",
        "delete from events where stream_id = $1::uuid and version = $2",
    ] {
        let error = sqlx::query(sql)
            .bind(&wp)
            .bind(5_i64)
            .execute(&app.pool)
            .await
            .expect_err(sql);
        let code = error.as_database_error().and_then(|e| e.code());
        assert_eq!(code.as_deref(), Some("23001"), "{sql}: {error}");
    }
    let error = sqlx::query("truncate events cascade")
        .execute(&app.pool)
        .await
        .expect_err("truncate");
    assert!(error.to_string().contains("append-only"), "{error}");
    assert_eq!(app.stored_events(&wp).await, head);
    assert_trail_valid(&app, &facilitator, &wp, head).await;

    // One changed payload: detected at its version, and not before it.
    let k = 5;
    let original = stored_event(&app, &wp, k).await;
    behind_the_trigger(
        &app,
        "update events set payload = jsonb_set(payload, '{title}', '\"Vervalst\"') \
         where stream_id = $1::uuid and version = $2",
        &wp,
        k,
    )
    .await;
    let verification = verify_trail(&app, &facilitator, &wp, None).await;
    assert_broken_at(&verification, k);
    assert_eq!(verification["checkedEvents"], head);
    let before = verify_trail(&app, &facilitator, &wp, Some(k - 1)).await;
    assert_eq!(before["valid"], true, "{before}");
    let at = verify_trail(&app, &facilitator, &wp, Some(k)).await;
    assert_broken_at(&at, k);
    // Put back, the chain holds again.
    sqlx::query("alter table events disable trigger events_append_only")
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("update events set payload = $3 where stream_id = $1::uuid and version = $2")
        .bind(&wp)
        .bind(k)
        .bind(&original.payload)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("alter table events enable trigger events_append_only")
        .execute(&app.pool)
        .await
        .unwrap();
    assert_trail_valid(&app, &facilitator, &wp, head).await;

    // A row missing in the middle.
    let m = 4;
    let removed = stored_event(&app, &wp, m).await;
    behind_the_trigger(
        &app,
        "delete from events where stream_id = $1::uuid and version = $2",
        &wp,
        m,
    )
    .await;
    let verification = verify_trail(&app, &facilitator, &wp, None).await;
    assert_broken_at(&verification, m);
    assert_eq!(verification["checkedEvents"], head - 1);
    reinsert(&app, &removed).await;
    assert_trail_valid(&app, &facilitator, &wp, head).await;

    // The last row missing.
    behind_the_trigger(
        &app,
        "delete from events where stream_id = $1::uuid and version = $2",
        &wp,
        head,
    )
    .await;
    let verification = verify_trail(&app, &facilitator, &wp, None).await;
    assert_broken_at(&verification, head);
    let store_verification = app
        .store
        .verify(Uuid::parse_str(&wp).unwrap(), head)
        .await
        .unwrap();
    assert_eq!(store_verification.first_invalid_version, Some(head));
}

/// Recomputes the chain from the `events` pages alone, as the contract says
/// anyone can: `sha256(prevHash + "\n" + JCS({actor, data, recordedAt,
/// stream, type, version}))`.
async fn recompute_chain_from_pages(app: &TestApp, token: &str, werkplaats: &str) -> i64 {
    let mut prev: Option<String> = None;
    let mut after = 0;
    loop {
        let response = app
            .graphql(
                Some(token),
                EVENTS,
                json!({"id": werkplaats, "after": after}),
            )
            .await;
        assert_ok(&response);
        let page = &response["data"]["werkplaats"]["events"];
        for event in page["events"].as_array().unwrap() {
            let version = event["version"].as_i64().unwrap();
            assert_eq!(version, after + 1);
            assert_eq!(event["prevHash"].as_str(), prev.as_deref(), "v{version}");
            let canonical = json!({
                "actor": event["actor"]["id"],
                "data": event["data"],
                "recordedAt": event["recordedAt"],
                "stream": werkplaats,
                "type": event["type"],
                "version": version,
            });
            let canonical = serde_json_canonicalizer::to_string(&canonical).unwrap();
            let hash = hex::encode(Sha256::digest(
                format!("{}\n{canonical}", prev.as_deref().unwrap_or("")).as_bytes(),
            ));
            assert_eq!(
                event["hash"].as_str(),
                Some(hash.as_str()),
                "v{version}: {canonical}"
            );
            prev = Some(hash);
            after = version;
        }
        if page["hasMore"] != true {
            return after;
        }
    }
}

/// Sends a mutation whose variables are given as JSON text, so that numbers
/// reach the server exactly as written, digits beyond f64 precision included.
async fn raw_mutation(app: &TestApp, token: &str, query: &str, input: String) -> Value {
    let body = format!(
        r#"{{"query": {}, "variables": {{"input": {input}}}}}"#,
        json!(query)
    );
    let response = app.post_raw(Some(token), body).await;
    assert!(response.status().is_success(), "HTTP {}", response.status());
    let response: Value = response.json().await.unwrap();
    assert_ok(&response);
    response
}

/// A JSON number as written, and the f64 it stands for.
fn number(text: &str) -> f64 {
    text.parse().unwrap()
}

#[tokio::test]
async fn awkward_numbers_keep_the_chain_valid() {
    let app = spawn_app().await;
    let (wp, facilitator) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    // (baseline, norm, direction)
    let indicators = [
        ("0.1", "1e300", "INCREASE"),
        ("123456789.123456789", "-0.0", "DECREASE"),
        ("1e-7", "0.30000000000000004", "INCREASE"),
        ("-1E+21", "5e-324", "INCREASE"),
    ];
    let values = [
        "0.1",
        "1e300",
        "-0.0",
        "1e-7",
        "123456789.123456789",
        "5e-324",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "2.2250738585072014e-308",
        "1e21",
        "-1e-300",
        "9007199254740993",
        "0.30000000000000004",
        "0.6666666666666666",
        "42",
        "-0",
    ];
    let mut version = 2;
    for (baseline, norm, direction) in indicators {
        let response = raw_mutation(
            &app,
            &facilitator,
            DEFINE_INDICATOR,
            format!(
                r#"{{"werkplaatsId": "{wp}", "name": "Rare getallen", "unit": "eenheid",
                    "baseline": {baseline}, "norm": {norm}, "direction": "{direction}"}}"#
            ),
        )
        .await;
        version += 1;
        let payload = &response["data"]["defineIndicator"];
        assert_eq!(payload["version"], version);
        assert_eq!(
            payload["indicator"]["baseline"].as_f64(),
            Some(number(baseline))
        );
        assert_eq!(payload["indicator"]["norm"].as_f64(), Some(number(norm)));
        let indicator = payload["indicator"]["id"].as_str().unwrap().to_owned();
        for (day, value) in (1..).zip(values) {
            let response = raw_mutation(
                &app,
                &facilitator,
                RECORD_MEASUREMENT,
                format!(
                    r#"{{"werkplaatsId": "{wp}", "indicatorId": "{indicator}",
                        "value": {value}, "measuredOn": "2026-01-{day:02}"}}"#
                ),
            )
            .await;
            version += 1;
            let payload = &response["data"]["recordMeasurement"];
            assert_eq!(payload["version"], version);
            assert_eq!(
                payload["indicator"]["latest"].as_f64(),
                Some(number(value)),
                "{response}"
            );
        }
    }
    assert_trail_valid(&app, &facilitator, &wp, version).await;

    // The values read back are the values sent, after the database too.
    let stored = app
        .graphql(
            Some(&facilitator),
            "query($id: ID!) { werkplaats(id: $id) { evaluation { indicators { baseline norm measurements { value } } } } }",
            json!({"id": wp}),
        )
        .await;
    assert_ok(&stored);
    let read = &stored["data"]["werkplaats"]["evaluation"]["indicators"];
    let sent: Vec<f64> = values.iter().map(|v| number(v)).collect();
    for (i, (baseline, norm, _)) in indicators.iter().enumerate() {
        assert_eq!(read[i]["baseline"].as_f64(), Some(number(baseline)));
        assert_eq!(read[i]["norm"].as_f64(), Some(number(norm)));
        let measured: Vec<f64> = read[i]["measurements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["value"].as_f64().unwrap())
            .collect();
        assert_eq!(measured, sent);
    }
    assert_eq!(
        recompute_chain_from_pages(&app, &facilitator, &wp).await,
        version
    );
    println!("awkward numbers: {version} events, chain valid");
}

/// Streams written by one burst of the group-commit test.
const GROUPED: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_group_commit_keeps_each_command_atomic_idempotent_and_isolated() {
    let app = spawn_app().await;
    let streams: Vec<Uuid> = (0..GROUPED).map(|_| Uuid::new_v4()).collect();
    for stream in &streams {
        let created = app
            .store
            .append(request(*stream, 0, Uuid::new_v4(), vec![created(*stream)]))
            .await
            .unwrap();
        assert!(matches!(
            created,
            Appended::Committed {
                last_version: 1,
                ..
            }
        ));
    }
    // Bursts until one group held several commands: the writers take
    // whatever is queued, so a burst of concurrent commands shares commits.
    let mut shared_a_commit = false;
    for burst in 1..=20i64 {
        let taken = Uuid::new_v4();
        // Rate-limit charges that go with the appends: one whose caller's
        // bucket is spent already, one for the stale command and one that
        // fits; each a whole bucket.
        let minute = Duration::from_secs(60);
        let charge = || BucketCharge {
            caller: Uuid::new_v4(),
            cost: minute,
            capacity: minute,
        };
        let (spent, stale, fits) = (charge(), charge(), charge());
        app.store
            .take_from_bucket(spent.caller, minute, minute)
            .await
            .unwrap()
            .unwrap();
        let results = futures::future::join_all(streams.iter().enumerate().map(|(i, stream)| {
            let store = app.store.clone();
            let stream = *stream;
            tokio::spawn(async move {
                let (expected, command_id, events) = match i {
                    // Decided on a version the stream has left: refused.
                    0 => (burst - 1, Uuid::new_v4(), vec![problem("Te laat".into())]),
                    // Its caller's bucket is spent: refused, nothing written.
                    4 => (burst, Uuid::new_v4(), vec![problem("Geen budget".into())]),
                    // The command id of stream 2's command: one of the two
                    // commits, the other is its duplicate.
                    1 | 2 => (burst, taken, vec![problem(format!("Tweeling {i}"))]),
                    // A payload PostgreSQL refuses fails the group's
                    // statement: the others are written all the same.
                    3 => (
                        burst,
                        Uuid::new_v4(),
                        vec![NewEvent {
                            payload: json!({ "title": "nul\u{0}teken" }),
                            ..problem("Kapot".into())
                        }],
                    ),
                    _ => (
                        burst,
                        Uuid::new_v4(),
                        vec![problem(format!("Burst {burst}"))],
                    ),
                };
                let request = AppendRequest {
                    charge: match i {
                        0 => Some(stale),
                        4 => Some(spent),
                        5 => Some(fits),
                        _ => None,
                    },
                    ..request(stream, expected, command_id, events)
                };
                (i, store.append(request).await)
            })
        }))
        .await;
        let mut twins = Vec::new();
        for result in results {
            match result.unwrap() {
                (0, Err(AppendError::WrongExpectedVersion { current })) => {
                    assert_eq!(current, burst)
                }
                (0, other) => panic!("a stale command was not refused: {other:?}"),
                (1 | 2, Ok(appended)) => twins.push(appended),
                (3, Err(AppendError::Store(_))) => {}
                (3, other) => panic!("a payload PostgreSQL refuses was stored: {other:?}"),
                (4, Err(AppendError::RateLimited { retry_after })) => {
                    assert!(retry_after > Duration::from_secs(50), "{retry_after:?}")
                }
                (4, other) => {
                    panic!("a command over its caller's budget was not refused: {other:?}")
                }
                (
                    _,
                    Ok(Appended::Committed {
                        first_version,
                        last_version,
                        ..
                    }),
                ) => assert_eq!((first_version, last_version), (burst + 1, burst + 1)),
                (i, other) => panic!("command {i} of burst {burst} failed: {other:?}"),
            }
        }
        let committed = twins
            .iter()
            .filter(|t| matches!(t, Appended::Committed { .. }))
            .count();
        assert_eq!(committed, 1, "{twins:?}");
        assert!(
            twins
                .iter()
                .any(|t| matches!(t, Appended::Duplicate { .. })),
            "{twins:?}"
        );
        // The stale command was charged as well as the one that landed.
        for charged in [stale, fits] {
            let again = app
                .store
                .take_from_bucket(charged.caller, minute, minute)
                .await
                .unwrap();
            assert!(
                again.is_err(),
                "a charge that went with an append was not taken"
            );
        }
        // Streams 0, 3, 4 and one of the twins' stay behind; keep them in
        // step with the burst, so that every stream is at version burst + 1.
        for (i, stream) in streams.iter().enumerate().take(5) {
            if app.store.stream_version(*stream).await.unwrap() == Some(burst) {
                let caught_up = app
                    .store
                    .append(request(
                        *stream,
                        burst,
                        Uuid::new_v4(),
                        vec![problem(format!("Inhalen {i}"))],
                    ))
                    .await
                    .unwrap();
                assert!(matches!(caught_up, Appended::Committed { .. }));
            }
        }
        let largest_group: i64 = sqlx::query_scalar(
            "select coalesce(max(n), 0) from (select count(distinct stream_id) as n \
             from events where version = $1 group by transaction_id) as groups",
        )
        .bind(burst + 1)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        if largest_group > 1 {
            shared_a_commit = true;
            break;
        }
    }
    assert!(shared_a_commit, "no two commands ever shared a commit");
    for stream in &streams {
        let rows = stored_rows(&app, *stream).await;
        let versions: Vec<i64> = rows.iter().map(|(v, _)| *v).collect();
        assert_eq!(versions, (1..=rows.len() as i64).collect::<Vec<_>>());
        assert!(
            app.store
                .verify(*stream, rows.len() as i64)
                .await
                .unwrap()
                .valid
        );
    }
}

/// A failover to a standby that missed the last events rewinds a stream
/// under the server's feet (simulated here by cutting the table back, the
/// append-only trigger lifted for the cut). The server's kept head no
/// longer matches: the next command is refused by the version check, the
/// head is folded again from the table, and the command lands after what
/// the table holds, never beside a version it already has.
#[tokio::test]
async fn a_rewound_stream_is_folded_again_not_forked() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    for n in 0..4 {
        app.command(
            &fac,
            "recordProblem",
            "{ version }",
            json!({"werkplaatsId": wp, "title": format!("Voor {n}"), "description": "Bewaard.", "perspective": "CLIENT"}),
        )
        .await;
    }
    assert_eq!(
        stored_versions(&app, &wp).await,
        (1..=6).collect::<Vec<_>>()
    );
    let mut tx = app.pool.begin().await.unwrap();
    sqlx::query("alter table events disable trigger events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("delete from events where stream_id = $1::uuid and version > 4")
        .bind(&wp)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "update streams set version = 4, head_hash = e.hash, head_recorded_at = e.recorded_at \
         from events e where streams.id = $1::uuid and e.stream_id = streams.id and e.version = 4",
    )
    .bind(&wp)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("alter table events enable trigger events_append_only")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let after = app
        .command(
            &fac,
            "recordProblem",
            "{ problem { title } version }",
            json!({"werkplaatsId": wp, "title": "Na de terugval", "description": "Nieuw.", "perspective": "CLIENT"}),
        )
        .await;
    assert_eq!(
        after["version"],
        json!(5),
        "appended after what the table holds"
    );
    assert_eq!(
        stored_versions(&app, &wp).await,
        (1..=5).collect::<Vec<_>>()
    );
    let read = app
        .data(
            &fac,
            "query($id: ID!) { werkplaats(id: $id) { version problems { title } verifyTrail { valid } } }",
            json!({"id": wp}),
        )
        .await;
    assert_eq!(read["werkplaats"]["version"], json!(5));
    let titles: Vec<&str> = read["werkplaats"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Voor 0", "Voor 1", "Na de terugval"]);
    assert_eq!(read["werkplaats"]["verifyTrail"]["valid"], json!(true));
}
