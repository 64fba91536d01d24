//! One werkplaats with something in every part, made over the API as its
//! members would, and the tokens of the people the tests sign in as.

use serde_json::{json, Value};

use crate::kit::app::TestApp;

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

pub async fn werkplaats(server: &TestApp) -> Werkplaats {
    let created = server
        .command(
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
    let debt_help = server
        .add_partner(
            &facilitator,
            &id,
            "Schuldhulp Almere",
            "SCHULDHULPVERLENING",
        )
        .await
        .id;
    let social_work = server
        .add_partner(&facilitator, &id, "De Schoor sociaal werk", "SOCIAAL_WERK")
        .await
        .id;
    let invite = |name: &'static str, role: &'static str, partner: Option<&str>| {
        let partner = partner.map(str::to_owned);
        let (id, facilitator) = (id.clone(), facilitator.clone());
        async move {
            server
                .invite_member(&facilitator, &id, name, role, partner.as_deref())
                .await
                .token
        }
    };
    let anna = invite("Anna de Vries", "PARTNER", Some(&debt_help)).await;
    let bram = invite("Bram Jansen", "PARTNER", Some(&social_work)).await;
    let evaluator = invite("Eva Evaluator", "EVALUATOR", None).await;
    let voice = invite("Sam (ervaringsdeskundige)", "CLIENT_VOICE", None).await;

    let recorded = server
        .command(
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
    let professional = server
        .command(
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
    let solution = server.command(&bram,
        "proposeSolution", "{ solution { id } }",
        w(json!({"title": "Vroegsignalering via het mbo", "description": "Mentoren vragen naar geldzorgen.",
                 "basis": ["PRACTICE", "CASUISTRY"], "addressesProblemIds": [problem, professional]})),
    )
    .await["solution"]["id"]
        .clone();
    let decision = server.command(&facilitator,
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
    let indicator = server
        .command(
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
        server
            .command(
                &anna,
                "recordMeasurement",
                "{ version }",
                w(json!({"indicatorId": indicator, "value": value, "measuredOn": month})),
            )
            .await;
    }
    let planned = server
        .plan_action(
            &anna,
            &id,
            &debt_help,
            "Flyer in de brievenbus",
            "Bekendheid van het spreekuur.",
            "2026-06-01",
        )
        .await;
    let action = json!(planned.id);
    let mut version = json!(planned.version);
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
        version = server.command(&anna, field, selection, input).await["action"]["version"].clone();
    }
    server
        .command(
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
