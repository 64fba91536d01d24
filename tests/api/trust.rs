//! The member lifecycle of `trust.graphql`: removing a member locks them out
//! at once (HTTP and open websockets, on every instance), roles change on
//! the next request, a member replaces their own token, and forgetting a
//! member erases every personal field while the trail still verifies.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::kit::app::*;
use crate::kit::seed::{create_werkplaats, Invited};
use crate::kit::ws::{Next, Subscription};

const INVITE: &str = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { member { id } token version } }";
const REMOVE: &str = "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { member { id name active forgotten } version } }";
const CHANGE_ROLE: &str = "mutation($input: ChangeRoleInput!) { changeRole(input: $input) { member { id role active } version } }";
const FORGET: &str = "mutation($input: ForgetMemberInput!) { forgetMember(input: $input) { member { id name active forgotten } version } }";
const LINK: &str = "mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) { member { id } version } }";
const ROTATE: &str = "mutation { rotateToken { token } }";
const PROBLEM: &str = "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { problem { id } version } }";
const EVENTS: &str =
    "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id, afterVersion: 0) { version type } }";
const MEMBERS: &str = "query($id: ID!) { werkplaats(id: $id) { version members { id name role active forgotten } } me { id } }";

async fn record_problem(app: &TestApp, wp: &str, token: &str) -> Value {
    app.graphql(
        Some(token),
        PROBLEM,
        json!({"input": {"werkplaatsId": wp, "title": "Post blijft liggen",
            "description": "Brieven worden niet geopend.", "perspective": "CLIENT"}}),
    )
    .await
}

async fn member_command(app: &TestApp, token: &str, query: &str, input: Value) -> Value {
    app.graphql(Some(token), query, json!({ "input": input }))
        .await
}

/// Waits until the subscription's connection closes and returns its code.
async fn closed_within(subscription: &mut Subscription, wait: Duration) -> Option<u16> {
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        match subscription.next(Duration::from_millis(200)).await {
            Next::Closed(code) => return code,
            Next::Data(_) | Next::Silent => {}
            other => panic!("expected the socket to close, got {other:?}"),
        }
    }
    panic!("the socket stayed open for {wait:?}");
}

/// Drains what the subscription has delivered so far.
async fn drain(subscription: &mut Subscription) -> usize {
    let mut delivered = 0;
    while let Next::Data(_) = subscription.next(Duration::from_millis(300)).await {
        delivered += 1;
    }
    delivered
}

#[tokio::test]
async fn a_removed_member_is_locked_out_at_once_on_http_and_on_open_websockets() {
    let app = spawn_app().await;
    let other = app.another_instance().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let Invited {
        member: partner,
        token,
        ..
    } = app
        .invite_member(&fac, &wp, "Petra Partner", "PARTNER", None)
        .await;
    assert_ok(&record_problem(&app, &wp, &token).await);

    // Open sockets on both instances, and one of a colleague who stays.
    let mut here = Subscription::start(&app.ws_url(), &token, EVENTS, json!({"id": wp}))
        .await
        .unwrap();
    let mut there = Subscription::start(&other.ws_url(), &token, EVENTS, json!({"id": wp}))
        .await
        .unwrap();
    let Invited {
        token: colleague, ..
    } = app
        .invite_member(&fac, &wp, "Cor Collega", "PARTNER", None)
        .await;
    let mut stays = Subscription::start(&app.ws_url(), &colleague, EVENTS, json!({"id": wp}))
        .await
        .unwrap();
    assert!(drain(&mut here).await >= 4);
    assert!(drain(&mut there).await >= 4);
    drain(&mut stays).await;

    let removed = member_command(
        &app,
        &fac,
        REMOVE,
        json!({"werkplaatsId": wp, "memberId": partner}),
    )
    .await;
    assert_ok(&removed);
    let started = Instant::now();
    let member = &removed["data"]["removeMember"]["member"];
    assert_eq!(member["active"], false);
    assert_eq!(member["forgotten"], false);
    assert_eq!(member["name"], "Petra Partner");

    let refused = record_problem(&app, &wp, &token).await;
    assert_error(&refused, "UNAUTHENTICATED");
    let here_code = closed_within(&mut here, Duration::from_secs(5)).await;
    let there_code = closed_within(&mut there, Duration::from_secs(5)).await;
    let closed_after = started.elapsed();
    assert_eq!(here_code, Some(4403));
    assert_eq!(there_code, Some(4403));
    assert!(
        matches!(stays.next(Duration::from_secs(2)).await, Next::Data(_)),
        "a colleague's socket stays open and sees the removal"
    );
    assert!(
        Subscription::start(&app.ws_url(), &token, EVENTS, json!({"id": wp}))
            .await
            .is_err(),
        "a removed member cannot open a new socket"
    );

    // Still listed, as history refers to them.
    let view = app.graphql(Some(&fac), MEMBERS, json!({"id": wp})).await;
    let members = view["data"]["werkplaats"]["members"].as_array().unwrap();
    let listed = members
        .iter()
        .find(|m| m["id"] == partner.as_str())
        .unwrap();
    assert_eq!(listed["active"], false);

    let again = member_command(
        &app,
        &fac,
        REMOVE,
        json!({"werkplaatsId": wp, "memberId": partner}),
    )
    .await;
    assert_error(&again, "INVALID_STATE");
    let facilitator = view["data"]["me"]["id"].as_str().unwrap();
    let last = member_command(
        &app,
        &fac,
        REMOVE,
        json!({"werkplaatsId": wp, "memberId": facilitator}),
    )
    .await;
    assert_error(&last, "INVALID_STATE");
    println!(
        "removeMember: HTTP refused at once; 2 sockets (2 instances) closed with 4403 within {:?}; \
         colleague's socket open; 2 refusals (again, last facilitator)",
        closed_after
    );
}

#[tokio::test]
async fn a_changed_role_applies_to_the_next_request() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let Invited {
        member: partner,
        token,
        ..
    } = app
        .invite_member(&fac, &wp, "Petra Partner", "PARTNER", None)
        .await;
    assert_ok(&record_problem(&app, &wp, &token).await);

    let changed = member_command(
        &app,
        &fac,
        CHANGE_ROLE,
        json!({"werkplaatsId": wp, "memberId": partner, "role": "OBSERVER"}),
    )
    .await;
    assert_ok(&changed);
    assert_eq!(changed["data"]["changeRole"]["member"]["role"], "OBSERVER");
    assert_error(&record_problem(&app, &wp, &token).await, "FORBIDDEN");

    let same = member_command(
        &app,
        &fac,
        CHANGE_ROLE,
        json!({"werkplaatsId": wp, "memberId": partner, "role": "OBSERVER"}),
    )
    .await;
    assert_error(&same, "INVALID_STATE");

    // Promote the observer to facilitator: then the first may step down.
    let view = app.graphql(Some(&fac), MEMBERS, json!({"id": wp})).await;
    let first = view["data"]["me"]["id"].as_str().unwrap().to_owned();
    let alone = member_command(
        &app,
        &fac,
        CHANGE_ROLE,
        json!({"werkplaatsId": wp, "memberId": first, "role": "PARTNER"}),
    )
    .await;
    assert_error(&alone, "INVALID_STATE");
    assert_ok(
        &member_command(
            &app,
            &fac,
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": partner, "role": "FACILITATOR"}),
        )
        .await,
    );
    let stepped_down = member_command(
        &app,
        &fac,
        CHANGE_ROLE,
        json!({"werkplaatsId": wp, "memberId": first, "role": "PARTNER"}),
    )
    .await;
    assert_ok(&stepped_down);
    assert_error(
        &member_command(
            &app,
            &fac,
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": partner, "role": "OBSERVER"}),
        )
        .await,
        "FORBIDDEN",
    );
    let types: Vec<String> = sqlx::query_scalar(
        "select event_type from events where stream_id = $1::uuid and event_type = 'RoleChanged'",
    )
    .bind(&wp)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(types.len(), 3);
    println!("changeRole: 3 RoleChanged appended; 3 refusals (same role, last facilitator, demoted facilitator)");
}

#[tokio::test]
async fn a_member_rotates_their_own_token_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let Invited { token: old, .. } = app
        .invite_member(&fac, &wp, "Petra Partner", "PARTNER", None)
        .await;
    let mut socket = Subscription::start(&app.ws_url(), &old, EVENTS, json!({"id": wp}))
        .await
        .unwrap();
    drain(&mut socket).await;

    let rotated = app.graphql(Some(&old), ROTATE, json!({})).await;
    assert_ok(&rotated);
    let new = rotated["data"]["rotateToken"]["token"].as_str().unwrap();
    let secret = new.strip_prefix("wpt_").expect("a werkplaats token");
    assert_eq!(secret.len(), 64, "256 bits, hex");
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(new, old);

    assert_error(&record_problem(&app, &wp, &old).await, "UNAUTHENTICATED");
    assert_ok(&record_problem(&app, &wp, new).await);
    assert_eq!(
        closed_within(&mut socket, Duration::from_secs(5)).await,
        Some(4403)
    );
    // Only the hash is kept.
    let stored: i64 = sqlx::query_scalar("select count(*) from tokens where token_hash = $1")
        .bind(new.as_bytes())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    assert_error(
        &app.graphql(Some(&app.admin_token), ROTATE, json!({})).await,
        "FORBIDDEN",
    );
    assert_error(
        &app.graphql(None, ROTATE, json!({})).await,
        "UNAUTHENTICATED",
    );
    assert_error(
        &app.graphql(Some(&old), ROTATE, json!({})).await,
        "UNAUTHENTICATED",
    );
    println!("rotateToken: new token works, old refused on HTTP and its socket closed with 4403; admin FORBIDDEN, anonymous and old token UNAUTHENTICATED");
}

/// Every text the API answers about a werkplaats, at head and at an
/// earlier version, with the events and their actors.
async fn everything(app: &TestApp, token: &str, wp: &str, as_of: i64) -> String {
    let query = "query($id: ID!, $v: Int) {
        head: werkplaats(id: $id) { name members { id name active forgotten partner { name } }
            problems { title recordedBy { name } }
            events(afterVersion: 0, first: 1000) { events { version type data actor { name } } } }
        then: werkplaats(id: $id, asOfVersion: $v) { members { name } problems { recordedBy { name } }
            events(afterVersion: 0, first: 1000) { events { actor { name } } } }
        werkplaatsen { members { name } }
    }";
    let response = app
        .graphql(Some(token), query, json!({"id": wp, "v": as_of}))
        .await;
    assert_ok(&response);
    response.to_string()
}

/// Every row of every table of ours, as text.
async fn every_row(app: &TestApp) -> String {
    let tables = [
        "streams",
        "events",
        "commands",
        "member_profiles",
        "tokens",
        "member_identities",
    ];
    let mut all = String::new();
    for table in tables {
        let rows: Vec<String> = sqlx::query_scalar(&format!("select t::text from {table} t"))
            .fetch_all(&app.pool)
            .await
            .unwrap();
        all.push_str(&rows.join("\n"));
    }
    all
}

#[tokio::test]
async fn forgetting_a_member_erases_them_everywhere_and_the_trail_still_verifies() {
    let logs = super::logs::capture();
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let name = "Fenna Vergeetmij-Zuidema";
    let email = "fenna.zuidema@vergeetmij.example";
    // Member of a partner organisation, so that the report lists them.
    let added = app
        .graphql(
            Some(&fac),
            "mutation($input: AddPartnerInput!) { addPartner(input: $input) { partner { id } } }",
            json!({"input": {"werkplaatsId": wp, "name": "Schuldhulp Zuid", "kind": "SCHULDHULPVERLENING"}}),
        )
        .await;
    assert_ok(&added);
    let invited = app
        .graphql(
            Some(&fac),
            INVITE,
            json!({"input": {"werkplaatsId": wp, "name": name, "role": "PARTNER",
                "partnerId": added["data"]["addPartner"]["partner"]["id"]}}),
        )
        .await;
    assert_ok(&invited);
    let member = invited["data"]["inviteMember"]["member"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = invited["data"]["inviteMember"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let report_before = report(&app, &wp, &fac).await;
    assert!(report_before.contains("Zuidema"));
    assert_ok(
        &member_command(
            &app,
            &fac,
            LINK,
            json!({"werkplaatsId": wp, "memberId": member, "subject": email}),
        )
        .await,
    );
    let recorded = record_problem(&app, &wp, &token).await;
    assert_ok(&recorded);
    let version = recorded["data"]["recordProblem"]["version"]
        .as_i64()
        .unwrap();
    assert!(everything(&app, &fac, &wp, version).await.contains(name));
    assert!(every_row(&app).await.contains(email));
    let head_before = verify_trail(&app, &fac, &wp).await;

    let forgotten = member_command(
        &app,
        &app.admin_token,
        FORGET,
        json!({"werkplaatsId": wp, "memberId": member}),
    )
    .await;
    assert_ok(&forgotten);
    let payload = &forgotten["data"]["forgetMember"]["member"];
    assert_eq!(payload["name"], "vergeten lid");
    assert_eq!(payload["forgotten"], true);
    assert_eq!(payload["active"], false);

    // API answers, at head and back in time.
    let answers = everything(&app, &fac, &wp, version).await;
    assert!(!answers.contains(name) && !answers.contains(email));
    assert!(answers.contains("vergeten lid"));
    // The tables: events, commands, profiles, tokens, identities.
    let rows = every_row(&app).await;
    assert!(!rows.contains(name) && !rows.contains(email));
    assert!(!rows.contains("Fenna") && !rows.contains("Zuidema"));
    // The report.
    let report = report(&app, &wp, &fac).await;
    assert!(report.contains("vergeten lid") && !report.contains("Zuidema"));
    // The export, and the offline verifier.
    let export = std::env::temp_dir().join(format!("forget-{}.jsonl", uuid::Uuid::new_v4()));
    let exported = run_cli(&[
        "export",
        "--werkplaats",
        &wp,
        "--database-url",
        &app.database_url(),
        "--output",
        export.to_str().unwrap(),
    ]);
    assert!(exported.status.success(), "{exported:?}");
    let trail = std::fs::read_to_string(&export).unwrap();
    assert!(!trail.contains("Zuidema") && !trail.contains(email));
    let verified = run_cli(&["verify", export.to_str().unwrap()]);
    assert!(verified.status.success(), "{verified:?}");
    std::fs::remove_file(&export).unwrap();
    // The chain: every hash as before, one more event on top.
    let head_after = verify_trail(&app, &fac, &wp).await;
    assert_eq!(head_after.0, head_before.0 + 1);
    let old_hash: String =
        sqlx::query_scalar("select hash from events where stream_id = $1::uuid and version = $2")
            .bind(&wp)
            .bind(head_before.0)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(old_hash, head_before.1);
    // Locked out, and no second forgetting.
    assert_error(&record_problem(&app, &wp, &token).await, "UNAUTHENTICATED");
    assert_error(
        &member_command(
            &app,
            &fac,
            FORGET,
            json!({"werkplaatsId": wp, "memberId": member}),
        )
        .await,
        "INVALID_STATE",
    );
    // The logs written meanwhile.
    let logged = logs.text();
    assert!(!logged.contains("Zuidema") && !logged.contains(email));
    println!(
        "forgetMember: name and e-mail absent from 3 API readings, {} table rows, the report, \
         the export ({} lines, verifies) and {} log lines; chain verifies ({} events)",
        rows.lines().count(),
        trail.lines().count(),
        logged.lines().count(),
        head_after.0
    );
}

async fn report(app: &TestApp, wp: &str, token: &str) -> String {
    reqwest::Client::new()
        .get(format!("{}/werkplaatsen/{wp}/report", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// `verifyTrail` must pass: `(checked events, head hash)`.
async fn verify_trail(app: &TestApp, token: &str, wp: &str) -> (i64, String) {
    let response = app
        .graphql(
            Some(token),
            "query($id: ID!) { werkplaats(id: $id) { verifyTrail { valid checkedEvents headHash } } }",
            json!({"id": wp}),
        )
        .await;
    assert_ok(&response);
    let verification = &response["data"]["werkplaats"]["verifyTrail"];
    assert_eq!(verification["valid"], true, "{response}");
    (
        verification["checkedEvents"].as_i64().unwrap(),
        verification["headHash"].as_str().unwrap().to_owned(),
    )
}

fn run_cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_werkplaats"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("the werkplaats binary runs")
}

#[tokio::test]
async fn trust_mutations_refuse_bad_input_and_append_nothing() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let (elsewhere, other_fac) = create_werkplaats(&app, "NJI_ZEVEN_STAPPEN").await;
    let Invited {
        member: partner,
        token: partner_token,
        ..
    } = app
        .invite_member(&fac, &wp, "Petra Partner", "PARTNER", None)
        .await;
    let Invited {
        token: evaluator, ..
    } = app
        .invite_member(&fac, &wp, "Eva Evaluator", "EVALUATOR", None)
        .await;
    let Invited {
        member: outsider, ..
    } = app
        .invite_member(&other_fac, &elsewhere, "Olaf Elders", "PARTNER", None)
        .await;
    let unknown = "00000000-0000-4000-8000-000000000000";
    let before = app.stored_events(&wp).await;
    let rows_before = every_row(&app).await;

    let long = "x".repeat(201);
    let cases: Vec<(&str, Option<&str>, &str, Value, &str)> = vec![
        (
            "removeMember",
            None,
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "UNAUTHENTICATED",
        ),
        (
            "removeMember",
            Some(&partner_token),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "FORBIDDEN",
        ),
        (
            "removeMember",
            Some(&evaluator),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "FORBIDDEN",
        ),
        (
            "removeMember",
            Some(&app.admin_token),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "FORBIDDEN",
        ),
        (
            "removeMember",
            Some(&other_fac),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "NOT_FOUND",
        ),
        (
            "removeMember",
            Some(&fac),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": unknown}),
            "NOT_FOUND",
        ),
        (
            "removeMember",
            Some(&fac),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": "lid-1"}),
            "NOT_FOUND",
        ),
        (
            "removeMember",
            Some(&fac),
            REMOVE,
            json!({"werkplaatsId": wp, "memberId": outsider}),
            "NOT_FOUND",
        ),
        (
            "removeMember",
            Some(&fac),
            REMOVE,
            json!({"werkplaatsId": unknown, "memberId": partner}),
            "NOT_FOUND",
        ),
        (
            "removeMember",
            Some(&fac),
            REMOVE,
            json!({"werkplaatsId": wp}),
            "BAD_USER_INPUT",
        ),
        (
            "changeRole",
            Some(&fac),
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": partner, "role": "KING"}),
            "BAD_USER_INPUT",
        ),
        (
            "changeRole",
            Some(&fac),
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": unknown, "role": "OBSERVER"}),
            "NOT_FOUND",
        ),
        (
            "changeRole",
            Some(&partner_token),
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": partner, "role": "FACILITATOR"}),
            "FORBIDDEN",
        ),
        (
            "changeRole",
            Some(&app.admin_token),
            CHANGE_ROLE,
            json!({"werkplaatsId": wp, "memberId": partner, "role": "OBSERVER"}),
            "FORBIDDEN",
        ),
        (
            "forgetMember",
            Some(&partner_token),
            FORGET,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "FORBIDDEN",
        ),
        (
            "forgetMember",
            Some(&fac),
            FORGET,
            json!({"werkplaatsId": wp, "memberId": outsider}),
            "NOT_FOUND",
        ),
        (
            "forgetMember",
            Some(&app.admin_token),
            FORGET,
            json!({"werkplaatsId": unknown, "memberId": partner}),
            "NOT_FOUND",
        ),
        (
            "forgetMember",
            None,
            FORGET,
            json!({"werkplaatsId": wp, "memberId": partner}),
            "UNAUTHENTICATED",
        ),
        (
            "linkIdentity",
            Some(&fac),
            LINK,
            json!({"werkplaatsId": wp, "memberId": partner, "subject": " "}),
            "BAD_USER_INPUT",
        ),
        (
            "linkIdentity",
            Some(&fac),
            LINK,
            json!({"werkplaatsId": wp, "memberId": partner, "subject": long}),
            "BAD_USER_INPUT",
        ),
        (
            "linkIdentity",
            Some(&fac),
            LINK,
            json!({"werkplaatsId": wp, "memberId": partner, "subject": "a\u{0}b"}),
            "BAD_USER_INPUT",
        ),
        (
            "linkIdentity",
            Some(&fac),
            LINK,
            json!({"werkplaatsId": wp, "memberId": unknown, "subject": "p@x.nl"}),
            "NOT_FOUND",
        ),
        (
            "linkIdentity",
            Some(&partner_token),
            LINK,
            json!({"werkplaatsId": wp, "memberId": partner, "subject": "p@x.nl"}),
            "FORBIDDEN",
        ),
        (
            "linkIdentity",
            Some(&fac),
            LINK,
            json!({"werkplaatsId": wp, "memberId": partner, "subject": 42}),
            "BAD_USER_INPUT",
        ),
    ];
    let mut refused = 0;
    for (name, token, query, input, code) in &cases {
        let response = app.graphql(*token, query, json!({ "input": input })).await;
        assert_eq!(
            error_code(&response),
            Some(*code),
            "{name} {input}: {response}"
        );
        refused += 1;
    }
    assert_eq!(app.stored_events(&wp).await, before);
    assert_eq!(
        every_row(&app).await,
        rows_before,
        "a refusal wrote nothing"
    );
    println!("trust mutations: {refused} bad requests refused with their codes, 0 rows written");
}

const REISSUE: &str = "mutation($input: ReissueInvitationInput!) { reissueInvitation(input: $input) { member { id name active } token version } }";

#[tokio::test]
async fn an_admin_reissues_a_lost_invitation_and_the_old_link_stops_working() {
    let app = spawn_app().await;
    let (wp, lost) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let me = app.data(&lost, "{ me { id } }", json!({})).await;
    let facilitator = me["me"]["id"].as_str().unwrap().to_owned();
    let mut socket = Subscription::start(&app.ws_url(), &lost, EVENTS, json!({"id": wp}))
        .await
        .unwrap();
    drain(&mut socket).await;

    let reissued = app
        .data(
            &app.admin_token,
            REISSUE,
            json!({"input": {"werkplaatsId": wp, "memberId": facilitator}}),
        )
        .await["reissueInvitation"]
        .clone();
    let new = reissued["token"].as_str().unwrap().to_owned();
    assert_ne!(new, lost);
    assert_eq!(reissued["member"]["id"], json!(facilitator));
    assert_eq!(
        reissued["version"],
        json!(3),
        "one event: InvitationReissued"
    );
    assert_error(&record_problem(&app, &wp, &lost).await, "UNAUTHENTICATED");
    assert_ok(&record_problem(&app, &wp, &new).await);
    assert_eq!(
        closed_within(&mut socket, Duration::from_secs(5)).await,
        Some(4403)
    );
    let events = app
        .data(
            &new,
            "query($id: ID!) { werkplaats(id: $id) { events(afterVersion: 2, first: 1) { events { type data } } } }",
            json!({"id": wp}),
        )
        .await;
    let event = &events["werkplaats"]["events"]["events"][0];
    assert_eq!(event["type"], "InvitationReissued");
    assert_eq!(
        event["data"],
        json!({"memberId": facilitator}),
        "no token in the event"
    );

    // A facilitator reissues a partner's link too.
    let Invited {
        member,
        token: partner,
        ..
    } = app
        .invite_member(&new, &wp, "Petra Partner", "PARTNER", None)
        .await;
    let again = app
        .data(
            &new,
            REISSUE,
            json!({"input": {"werkplaatsId": wp, "memberId": member}}),
        )
        .await;
    assert!(again["reissueInvitation"]["token"].is_string());
    assert_error(
        &record_problem(&app, &wp, &partner).await,
        "UNAUTHENTICATED",
    );
    println!("reissueInvitation: the admin and a facilitator issue new links; the old token is refused and its socket closed with 4403");
}

#[tokio::test]
async fn reissue_refuses_bad_requests_and_appends_nothing() {
    let app = spawn_app().await;
    let (wp, fac) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let (_, outsider) = create_werkplaats(&app, "SCHOUDERS_ERONDER").await;
    let Invited {
        member: partner_id,
        token: partner,
        ..
    } = app
        .invite_member(&fac, &wp, "Petra Partner", "PARTNER", None)
        .await;
    let Invited {
        member: leaving, ..
    } = app
        .invite_member(&fac, &wp, "Vertrekt", "OBSERVER", None)
        .await;
    app.command(
        &fac,
        "removeMember",
        "{ version }",
        json!({"werkplaatsId": wp, "memberId": leaving}),
    )
    .await;
    let before = app.stored_events(&wp).await;
    let cases: [(Option<&str>, Value, &str); 7] = [
        (None, json!(partner_id), "UNAUTHENTICATED"),
        (Some(&outsider), json!(partner_id), "NOT_FOUND"),
        (Some(&partner), json!(partner_id), "FORBIDDEN"),
        (
            Some(&fac),
            json!(uuid::Uuid::new_v4().to_string()),
            "NOT_FOUND",
        ),
        (Some(&fac), json!("geen-id"), "NOT_FOUND"),
        (Some(&fac), json!(leaving), "INVALID_STATE"),
        (Some(&app.admin_token), json!(leaving), "INVALID_STATE"),
    ];
    for (token, member, code) in cases {
        let response = app
            .graphql(
                token,
                REISSUE,
                json!({"input": {"werkplaatsId": wp, "memberId": member}}),
            )
            .await;
        assert_eq!(error_code(&response), Some(code), "{member}: {response}");
    }
    assert_eq!(app.stored_events(&wp).await, before);
    assert_ok(&record_problem(&app, &wp, &partner).await);
}
