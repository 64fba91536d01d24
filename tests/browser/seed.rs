//! One werkplaats with something in every part, made over the API as its
//! members would, and the tokens of the people the tests sign in as.

use serde_json::{json, Value};

use crate::server::TestServer;

pub const NAME: &str = "Werkplaats Almere";

pub struct Werkplaats {
    pub id: String,
    pub facilitator: String,
    /// Anna, partner for debt help.
    pub anna: String,
    /// Bram, partner for social work.
    pub bram: String,
    pub evaluator: String,
    pub problem: String,
    /// The version right after the client's problem was recorded.
    pub problem_version: i64,
    pub decision: String,
}

async fn run(
    server: &TestServer,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    let input_type = format!("{}{}Input", field[..1].to_uppercase(), &field[1..]);
    let query = format!("mutation($input: {input_type}!) {{ {field}(input: $input) {selection} }}");
    server.graphql(token, &query, json!({"input": input})).await[field].clone()
}

pub async fn werkplaats(server: &TestServer) -> Werkplaats {
    let created = run(
        server,
        &server.admin_token,
        "createWerkplaats",
        "{ werkplaats { id } facilitatorToken }",
        json!({"name": NAME, "municipality": "Almere",
               "question": "Hoe bereiken we jongeren met schulden eerder?",
               "methodology": "SCHOUDERS_ERONDER", "facilitatorName": "Fatima (procesbegeleider)"}),
    )
    .await;
    let id = created["werkplaats"]["id"].as_str().unwrap().to_owned();
    let facilitator = created["facilitatorToken"].as_str().unwrap().to_owned();
    let w = |mut input: Value| {
        input["werkplaatsId"] = json!(id);
        input
    };
    let partner = |name: &'static str, kind: &'static str| {
        run(
            server,
            &facilitator,
            "addPartner",
            "{ partner { id } }",
            w(json!({"name": name, "kind": kind})),
        )
    };
    let debt_help = partner("Schuldhulp Almere", "SCHULDHULPVERLENING").await["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let social_work = partner("De Schoor sociaal werk", "SOCIAAL_WERK").await["partner"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invite = |name: &'static str, role: &'static str, partner: Option<&str>| {
        let input = w(json!({"name": name, "role": role, "partnerId": partner}));
        let facilitator = facilitator.clone();
        async move {
            run(server, &facilitator, "inviteMember", "{ token }", input).await["token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let anna = invite("Anna de Vries", "PARTNER", Some(&debt_help)).await;
    let bram = invite("Bram Jansen", "PARTNER", Some(&social_work)).await;
    let evaluator = invite("Eva Evaluator", "EVALUATOR", None).await;
    let voice = invite("Sam (ervaringsdeskundige)", "CLIENT_VOICE", None).await;

    let recorded = run(
        server,
        &voice,
        "recordProblem",
        "{ problem { id } version }",
        w(
            json!({"title": "Brieven komen te laat aan", "perspective": "CLIENT",
                 "description": "Jongeren openen pas post als de deurwaarder er al is."}),
        ),
    )
    .await;
    let problem = recorded["problem"]["id"].as_str().unwrap().to_owned();
    let problem_version = recorded["version"].as_i64().unwrap();
    let professional = run(
        server,
        &anna,
        "recordProblem",
        "{ problem { id } }",
        w(
            json!({"title": "Aanmelding pas bij hoge schuld", "perspective": "PROFESSIONAL",
                 "description": "Gemiddeld 14 schuldeisers bij de eerste aanmelding."}),
        ),
    )
    .await["problem"]["id"]
        .clone();
    let solution = run(
        server,
        &bram,
        "proposeSolution", "{ solution { id } }",
        w(json!({"title": "Vroegsignalering via het mbo", "description": "Mentoren vragen naar geldzorgen.",
                 "basis": ["PRACTICE", "CASUISTRY"], "addressesProblemIds": [problem, professional]})),
    )
    .await["solution"]["id"]
        .clone();
    let decision = run(
        server,
        &facilitator,
        "recordDecision", "{ decision { id } }",
        w(json!({"title": "We starten met mbo-spreekuren", "context": "Twee opties besproken.",
                 "optionsConsidered": ["Spreekuur op school", "Huisbezoeken"],
                 "decision": "Spreekuur op twee mbo-locaties.", "rationale": "Daar zijn de jongeren al.",
                 "basedOn": [problem, solution]})),
    )
    .await["decision"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let indicator = run(
        server,
        &facilitator,
        "defineIndicator",
        "{ indicator { id } }",
        w(
            json!({"name": "Aanmeldingen jongeren", "unit": "per maand", "baseline": 4.0,
                 "norm": 12.0, "direction": "INCREASE"}),
        ),
    )
    .await["indicator"]["id"]
        .clone();
    for (month, value) in [
        ("2026-01-31", 5.0),
        ("2026-02-28", 7.5),
        ("2026-03-31", 9.0),
        ("2026-04-30", 13.0),
    ] {
        run(
            server,
            &anna,
            "recordMeasurement",
            "{ version }",
            w(json!({"indicatorId": indicator, "value": value, "measuredOn": month})),
        )
        .await;
    }
    let planned = run(
        server,
        &anna,
        "planAction",
        "{ action { id version } }",
        w(
            json!({"title": "Flyer in de brievenbus", "goal": "Bekendheid van het spreekuur.",
                 "ownerPartnerId": debt_help, "dueDate": "2026-06-01"}),
        ),
    )
    .await;
    let action = planned["action"]["id"].clone();
    let mut version = planned["action"]["version"].clone();
    for (field, selection, extra) in [
        ("startAction", "{ action { version } }", json!({})),
        (
            "checkAction",
            "{ action { version } }",
            json!({"findings": "Weinig reactie op de flyer."}),
        ),
        (
            "concludeAction",
            "{ action { version } }",
            json!({"outcome": "ADAPT", "rationale": "Liever via mentoren."}),
        ),
        ("startAction", "{ action { version } }", json!({})),
    ] {
        let mut input = w(extra);
        input["actionId"] = action.clone();
        input["expectedVersion"] = version;
        version = run(server, &anna, field, selection, input).await["action"]["version"].clone();
    }
    run(
        server,
        &voice,
        "recordReflection",
        "{ version }",
        w(json!({"text": "Jongeren willen geen brief maar een appje.", "about": [problem]})),
    )
    .await;
    Werkplaats {
        id,
        facilitator,
        anna,
        bram,
        evaluator,
        problem,
        problem_version,
        decision,
    }
}
