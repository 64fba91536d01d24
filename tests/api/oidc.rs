//! Sign-in with the identity provider: the test is the provider. It serves
//! a JWKS from a local HTTP server and signs its own tokens with the keys
//! in `tests/vectors/oidc/`, so no network is involved. A valid token maps
//! to its linked member; expired, wrong issuer, wrong audience, unknown key,
//! `alg: none`, an HMAC token and a tampered one are all refused.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::routing::get;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

use werkplaats::config::Config;

use crate::kit::app::*;
use crate::kit::seed::{create_werkplaats, Invited};
use crate::kit::ws::{Next, Subscription};

const ISSUER: &str = "https://login.testdorp.example";
const AUDIENCE: &str = "werkplaats";
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/oidc");

const ME: &str = "query($id: ID!) { werkplaats(id: $id) { id } me { id name } }";
const LINK: &str = "mutation($input: LinkIdentityInput!) { linkIdentity(input: $input) { member { id } version } }";
const REMOVE: &str =
    "mutation($input: RemoveMemberInput!) { removeMember(input: $input) { version } }";

fn key_file(name: &str) -> String {
    std::fs::read_to_string(format!("{KEYS}/{name}")).expect("a test key")
}

/// A JWKS endpoint whose document the test can swap (key rotation).
struct Provider {
    jwks_url: String,
    document: Arc<RwLock<String>>,
}

impl Provider {
    async fn start() -> Provider {
        let document = Arc::new(RwLock::new(key_file("jwks-1.json")));
        let served = document.clone();
        let router = axum::Router::new().route(
            "/jwks",
            get(move || {
                let served = served.clone();
                async move {
                    let body = served.read().unwrap().clone();
                    ([("content-type", "application/json")], body)
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        Provider {
            jwks_url: format!("http://{address}/jwks"),
            document,
        }
    }

    fn rotate_to(&self, jwks: &str) {
        *self.document.write().unwrap() = key_file(jwks);
    }
}

/// A provider, and a server that accepts its tokens, naming people by `email`.
async fn signing_in() -> (Provider, TestApp) {
    signing_in_with(|_| {}).await
}

/// [`signing_in`] with the server's configuration adjusted first.
async fn signing_in_with(adjust: impl FnOnce(&mut Config)) -> (Provider, TestApp) {
    let provider = Provider::start().await;
    let jwks_url = provider.jwks_url.clone();
    let app = spawn_app_with(|config| {
        config.oidc_issuer = Some(ISSUER.to_owned());
        config.oidc_audience = Some(AUDIENCE.to_owned());
        config.oidc_jwks_url = Some(jwks_url);
        config.oidc_claim = "email".to_owned();
        adjust(config);
    })
    .await;
    (provider, app)
}

/// A werkplaats with a partner who signs in as `email`:
/// `(werkplaats id, facilitator token, member id)`.
async fn linked_member(app: &TestApp, name: &str, email: &str) -> (String, String, String) {
    let (wp, fac) = create_werkplaats(app, "SCHOUDERS_ERONDER").await;
    let Invited { member, .. } = app.invite_member(&fac, &wp, name, "PARTNER", None).await;
    let linked = app
        .graphql(
            Some(&fac),
            LINK,
            json!({"input": {"werkplaatsId": wp, "memberId": member, "subject": email}}),
        )
        .await;
    assert_ok(&linked);
    (wp, fac, member)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(email: &str) -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "opaque-123", "email": email,
        "iat": now(), "exp": now() + 300})
}

fn sign(kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = EncodingKey::from_rsa_pem(key_file(&format!("{kid}.pem")).as_bytes()).unwrap();
    encode(&header, claims, &key).unwrap()
}

fn base64url(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn identity_provider_tokens_map_to_members_and_forged_ones_are_refused() {
    let (provider, app) = signing_in().await;
    let email = "iris@testdorp.example";
    let (wp, fac, member) = linked_member(&app, "Iris Inlog", email).await;

    let valid = sign("key-1", &claims(email));
    let me = app.graphql(Some(&valid), ME, json!({"id": wp})).await;
    assert_ok(&me);
    assert_eq!(me["data"]["me"]["id"], member.as_str());

    let mut expired = claims(email);
    expired["exp"] = json!(now() - 120);
    let mut wrong_issuer = claims(email);
    wrong_issuer["iss"] = json!("https://evil.example");
    let mut wrong_audience = claims(email);
    wrong_audience["aud"] = json!("another-app");
    let mut unlinked = claims(email);
    unlinked["email"] = json!("nobody@testdorp.example");
    let mut no_claim = claims(email);
    no_claim.as_object_mut().unwrap().remove("email");
    let none = format!(
        "{}.{}.",
        base64url(&json!({"alg": "none", "kid": "key-1", "typ": "JWT"})),
        base64url(&claims(email))
    );
    let hmac = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("key-1".to_owned());
        // The classic confusion: the public key used as an HMAC secret.
        encode(
            &header,
            &claims(email),
            &EncodingKey::from_secret(key_file("jwks-1.json").as_bytes()),
        )
        .unwrap()
    };
    let tampered = {
        let parts: Vec<&str> = valid.split('.').collect();
        let mut forged = claims(email);
        forged["email"] = json!("admin@testdorp.example");
        format!("{}.{}.{}", parts[0], base64url(&forged), parts[2])
    };
    let refusals = [
        ("expired", sign("key-1", &expired)),
        ("wrong issuer", sign("key-1", &wrong_issuer)),
        ("wrong audience", sign("key-1", &wrong_audience)),
        ("unknown key", sign("key-2", &claims(email))),
        ("alg none", none),
        ("HS256 with the public key", hmac),
        ("tampered payload", tampered),
        ("subject not linked", sign("key-1", &unlinked)),
        ("claim missing", sign("key-1", &no_claim)),
    ];
    for (what, token) in &refusals {
        let response = app.graphql(Some(token), ME, json!({"id": wp})).await;
        assert_eq!(
            error_code(&response),
            Some("UNAUTHENTICATED"),
            "{what}: {response}"
        );
    }

    // Over a websocket too.
    let mut socket = Subscription::start(
        &app.ws_url(),
        &valid,
        "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { version } }",
        json!({"id": wp}),
    )
    .await
    .expect("a signed-in socket");
    assert!(matches!(
        socket.next(Duration::from_secs(5)).await,
        Next::Data(_)
    ));

    // The provider rotates its keys: the new key is fetched when a token
    // names it (at most once a second).
    provider.rotate_to("jwks-2.json");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let rotated = sign("key-2", &claims(email));
    let me = app.graphql(Some(&rotated), ME, json!({"id": wp})).await;
    assert_ok(&me);
    assert_eq!(me["data"]["me"]["id"], member.as_str());

    // Removing the member ends the sign-in and the open socket.
    let removed = app
        .graphql(
            Some(&fac),
            REMOVE,
            json!({"input": {"werkplaatsId": wp, "memberId": member}}),
        )
        .await;
    assert_ok(&removed);
    assert_error(
        &app.graphql(Some(&rotated), ME, json!({"id": wp})).await,
        "UNAUTHENTICATED",
    );
    let closed = loop {
        match socket.next(Duration::from_secs(5)).await {
            Next::Data(_) => continue,
            other => break other,
        }
    };
    assert!(matches!(closed, Next::Closed(Some(4403))), "{closed:?}");
    println!(
        "OIDC: valid token → its member (HTTP and websocket); {} forged or foreign tokens refused; \
         key rotation picked up; removal ends sign-in and closes the socket with 4403",
        refusals.len()
    );
}

#[tokio::test]
async fn a_person_in_two_werkplaatsen_chooses_one_with_a_header() {
    let (_provider, app) = signing_in().await;
    let email = "facilitator@testdorp.example";
    let token = sign("key-1", &claims(email));
    let mut members = Vec::new();
    for methodology in ["SCHOUDERS_ERONDER", "MOVISIE_VIJF_STAPPEN"] {
        let (wp, fac) = create_werkplaats(&app, methodology).await;
        let Invited { member, .. } = app
            .invite_member(&fac, &wp, "Dubbel Lid", "PARTNER", None)
            .await;
        let linked = app
            .graphql(
                Some(&app.admin_token),
                LINK,
                json!({"input": {"werkplaatsId": wp, "memberId": member, "subject": email}}),
            )
            .await;
        assert_ok(&linked);
        members.push((wp, member));
    }
    // Without saying which, the person is nobody in particular.
    assert_error(
        &app.graphql(Some(&token), ME, json!({"id": members[0].0}))
            .await,
        "UNAUTHENTICATED",
    );
    for (wp, member) in &members {
        let response = reqwest::Client::new()
            .post(format!("{}/graphql", app.address))
            .bearer_auth(&token)
            .header("x-werkplaats-id", wp)
            .json(&json!({"query": ME, "variables": {"id": wp}}))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap();
        assert_ok(&response);
        assert_eq!(response["data"]["me"]["id"], member.as_str());
    }
    println!("OIDC: one person linked in 2 werkplaatsen acts in each by X-Werkplaats-Id");
}

#[tokio::test]
async fn a_socket_signed_in_with_a_jwt_closes_when_the_token_expires() {
    let (_provider, app) = signing_in_with(|config| config.ws_ping_interval_secs = 1).await;
    let email = "kort@testdorp.example";
    let (wp, _, _) = linked_member(&app, "Kort Geldig", email).await;
    // Expired 27 s ago: still inside the 30 s leeway for about 3 s more.
    let mut claims = claims(email);
    claims["exp"] = json!(now() - 27);
    let token = sign("key-1", &claims);
    let mut socket = Subscription::start(
        &app.ws_url(),
        &token,
        "subscription($id: ID!) { werkplaatsEvents(werkplaatsId: $id) { version } }",
        json!({"id": wp}),
    )
    .await
    .expect("a socket signed in before the token expires");
    let opened = std::time::Instant::now();
    let closed = loop {
        match socket.next(Duration::from_secs(10)).await {
            Next::Data(_) => continue,
            other => break other,
        }
    };
    assert!(matches!(closed, Next::Closed(Some(4403))), "{closed:?}");
    let after = opened.elapsed();
    assert!(
        after < Duration::from_secs(8),
        "closed only after {after:?}"
    );
    println!(
        "OIDC: a socket whose JWT expired closed with 4403 after {after:?} (ping interval 1 s)"
    );
}
