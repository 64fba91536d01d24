//! Typed mutation helpers, each returning the ids, tokens and versions the
//! tests go on with, and one seed world: a werkplaats with a facilitator,
//! a partner organisation and a member of each other role.

use serde_json::{json, Value};

use super::app::{assert_ok, TestApp};

/// For tests that look at the raw answer: refusals, retries, rate limits.
pub const RECORD_PROBLEM: &str =
    "mutation($input: RecordProblemInput!) { recordProblem(input: $input) { version } }";

pub const CREATE_WERKPLAATS: &str = "mutation($input: CreateWerkplaatsInput!) { createWerkplaats(input: $input) { werkplaats { id version } facilitator { id } facilitatorToken } }";

/// What the admin creates a werkplaats with.
pub fn werkplaats_input(methodology: &str, facilitator: &str) -> Value {
    json!({
        "name": "Werkplaats Test",
        "municipality": "Testdorp",
        "question": "Hoe helpen we inwoners met schulden eerder?",
        "methodology": methodology,
        "facilitatorName": facilitator,
    })
}

/// `(id, facilitator token)` from the answer to [`CREATE_WERKPLAATS`].
pub fn created_werkplaats(response: &Value) -> (String, String) {
    let payload = &response["data"]["createWerkplaats"];
    (
        text(&payload["werkplaats"]["id"]),
        text(&payload["facilitatorToken"]),
    )
}

/// A werkplaats created by the admin: `(id, facilitator token)`.
pub async fn create_werkplaats(app: &TestApp, methodology: &str) -> (String, String) {
    let input = werkplaats_input(methodology, "Procesbegeleider");
    let response = app
        .graphql(
            Some(&app.admin_token),
            CREATE_WERKPLAATS,
            json!({ "input": input }),
        )
        .await;
    assert_ok(&response);
    created_werkplaats(&response)
}

/// Something a command created, and the werkplaats version it made.
#[derive(Clone, Debug)]
pub struct Created {
    pub id: String,
    pub version: i64,
}

/// A member invited, with the token they sign in with.
#[derive(Clone, Debug)]
pub struct Invited {
    pub member: String,
    pub token: String,
    pub version: i64,
}

/// A werkplaats with a member of every role, made by the admin and its
/// facilitator.
pub struct World {
    pub werkplaats: String,
    pub facilitator: String,
    /// The partner organisation the PARTNER member works for.
    pub partner: String,
    pub partner_member: Invited,
    pub client_voice: Invited,
    pub evaluator: Invited,
    pub observer: Invited,
}

fn text(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
        .to_owned()
}

fn version(value: &Value) -> i64 {
    value
        .as_i64()
        .unwrap_or_else(|| panic!("a version: {value}"))
}

impl TestApp {
    /// Runs mutation `field` with `input` and returns its payload, selected
    /// by `selection`; any error fails the test.
    pub async fn command(&self, token: &str, field: &str, selection: &str, input: Value) -> Value {
        let input_type = format!("{}{}Input", field[..1].to_uppercase(), &field[1..]);
        let query =
            format!("mutation($input: {input_type}!) {{ {field}(input: $input) {selection} }}");
        self.data(token, &query, json!({ "input": input })).await[field].clone()
    }

    pub async fn add_partner(
        &self,
        token: &str,
        werkplaats: &str,
        name: &str,
        kind: &str,
    ) -> Created {
        let added = self
            .command(
                token,
                "addPartner",
                "{ partner { id } version }",
                json!({"werkplaatsId": werkplaats, "name": name, "kind": kind}),
            )
            .await;
        Created {
            id: text(&added["partner"]["id"]),
            version: version(&added["version"]),
        }
    }

    /// Invites a member of `role`, working for `partner` if given.
    pub async fn invite_member(
        &self,
        token: &str,
        werkplaats: &str,
        name: &str,
        role: &str,
        partner: Option<&str>,
    ) -> Invited {
        let invited = self
            .command(
                token,
                "inviteMember",
                "{ member { id } token version }",
                json!({"werkplaatsId": werkplaats, "name": name, "role": role, "partnerId": partner}),
            )
            .await;
        Invited {
            member: text(&invited["member"]["id"]),
            token: text(&invited["token"]),
            version: version(&invited["version"]),
        }
    }

    /// A problem from the client's perspective.
    pub async fn record_problem(
        &self,
        token: &str,
        werkplaats: &str,
        title: &str,
        description: &str,
    ) -> Created {
        let recorded = self
            .command(
                token,
                "recordProblem",
                "{ problem { id } version }",
                json!({
                    "werkplaatsId": werkplaats,
                    "title": title,
                    "description": description,
                    "perspective": "CLIENT",
                }),
            )
            .await;
        Created {
            id: text(&recorded["problem"]["id"]),
            version: version(&recorded["version"]),
        }
    }

    /// An indicator for reaching people earlier, from 20% towards 40%.
    pub async fn define_indicator(&self, token: &str, werkplaats: &str) -> Created {
        let defined = self
            .command(
                token,
                "defineIndicator",
                "{ indicator { id } version }",
                json!({
                    "werkplaatsId": werkplaats,
                    "name": "Eerder in beeld",
                    "unit": "%",
                    "baseline": 20.0,
                    "norm": 40.0,
                    "direction": "INCREASE",
                }),
            )
            .await;
        Created {
            id: text(&defined["indicator"]["id"]),
            version: version(&defined["version"]),
        }
    }

    /// Plans an action owned by `partner`; the version is the action's own.
    pub async fn plan_action(
        &self,
        token: &str,
        werkplaats: &str,
        partner: &str,
        title: &str,
        goal: &str,
        due: &str,
    ) -> Created {
        let planned = self
            .command(
                token,
                "planAction",
                "{ action { id version } }",
                json!({
                    "werkplaatsId": werkplaats,
                    "title": title,
                    "goal": goal,
                    "ownerPartnerId": partner,
                    "dueDate": due,
                }),
            )
            .await;
        Created {
            id: text(&planned["action"]["id"]),
            version: version(&planned["action"]["version"]),
        }
    }

    /// The [`World`], following `methodology`: its facilitator adds the
    /// partner organisation, then invites a PARTNER of it, a CLIENT_VOICE,
    /// an EVALUATOR and an OBSERVER.
    pub async fn seed_world(&self, methodology: &str) -> World {
        let (werkplaats, facilitator) = create_werkplaats(self, methodology).await;
        let partner = self
            .add_partner(
                &facilitator,
                &werkplaats,
                "Schuldhulp Testdorp",
                "SCHULDHULPVERLENING",
            )
            .await
            .id;
        let invite = |name: &'static str, role: &'static str, partner: Option<String>| {
            let (werkplaats, facilitator) = (werkplaats.clone(), facilitator.clone());
            async move {
                self.invite_member(&facilitator, &werkplaats, name, role, partner.as_deref())
                    .await
            }
        };
        let partner_member = invite("Anna (schuldhulp)", "PARTNER", Some(partner.clone())).await;
        let client_voice = invite("Sam (ervaringsdeskundige)", "CLIENT_VOICE", None).await;
        let evaluator = invite("Eva (onderzoeker)", "EVALUATOR", None).await;
        let observer = invite("Olaf (raadslid)", "OBSERVER", None).await;
        World {
            werkplaats,
            facilitator,
            partner,
            partner_member,
            client_voice,
            evaluator,
            observer,
        }
    }
}
