//! Wat werkt, the library: two werkplaatsen, one of which concluded an
//! action with a solution and an indicator (and ten it stopped). Its
//! facilitator switches sharing on in the browser; a member of the other
//! werkplaats pages through the lessons, finds the one by an inflected
//! Dutch word, filters by outcome, capital and method and sees where it
//! comes from (and no one's name); switching sharing off, by keyboard,
//! takes the lessons out again. Each check of the page is matched by one
//! of the server's answer over GraphQL.

use serde_json::{json, Value};

use super::accessibility::{check, AUDIT};
use super::driver::{exclusive, Browser, Chromedriver};
use crate::kit::app::{spawn_app_as_shipped, TestApp};

const ALMERE: &str = "Werkplaats Almere";
const ZWOLLE: &str = "Werkplaats Zwolle";
const QUESTION: &str = "Hoe bereiken we gezinnen met een betalingsachterstand eerder?";
const TITLE: &str = "Huisbezoek na de eerste herinnering";
const SOLUTION: &str = "Huisbezoek bij de eerste betalingsachterstand";
const FIRST_FINDING: &str = "Vijf van de tien gezinnen deden open; de rest was niet thuis.";
const SECOND_FINDING: &str = "Met een afspraak per sms deden acht van de tien gezinnen open.";
const RATIONALE: &str = "Het huisbezoek bereikt gezinnen die brieven niet openen.";
const PROBLEM: &str = "Brieven blijven ongeopend liggen";
const REFLECTION: &str = "Gezinnen schamen zich voor de deurwaarder.";
/// Members' names, which a lesson never shows.
const NAMES: [&str; 4] = [
    "Fatima Yilmaz",
    "Anna de Vries",
    "Kees Bakker",
    "Bram Jansen",
];
/// The actions Almere stopped, besides the one it adopted.
const STOPPED: usize = 10;

struct Seeded {
    almere: String,
    almere_facilitator: String,
    zwolle: String,
    bram: String,
}

/// Runs `field` for an action and returns its new version.
async fn step(
    server: &TestApp,
    token: &str,
    w: &str,
    action: &Value,
    version: Value,
    field: &str,
    extra: Value,
) -> Value {
    let mut input = extra;
    input["werkplaatsId"] = json!(w);
    input["actionId"] = action.clone();
    input["expectedVersion"] = version;
    server
        .command(token, field, "{ action { version } }", input)
        .await["action"]["version"]
        .clone()
}

/// Plans an action and takes it through `outcomes.len()` cycles, one
/// finding and one outcome each.
async fn conclude(
    server: &TestApp,
    token: &str,
    w: &str,
    owner: &str,
    plan: Value,
    cycles: &[(&str, &str, &str)],
) {
    let mut input = plan;
    input["werkplaatsId"] = json!(w);
    input["ownerPartnerId"] = json!(owner);
    let planned = server
        .command(token, "planAction", "{ action { id version } }", input)
        .await;
    let action = planned["action"]["id"].clone();
    let mut version = planned["action"]["version"].clone();
    for (findings, outcome, rationale) in cycles {
        version = step(server, token, w, &action, version, "startAction", json!({})).await;
        version = step(
            server,
            token,
            w,
            &action,
            version,
            "checkAction",
            json!({"findings": findings}),
        )
        .await;
        version = step(
            server,
            token,
            w,
            &action,
            version,
            "concludeAction",
            json!({"outcome": outcome, "rationale": rationale}),
        )
        .await;
    }
}

async fn create(
    server: &TestApp,
    name: &str,
    municipality: &str,
    question: &str,
    methodology: &str,
    facilitator: &str,
) -> (String, String) {
    let created = server
        .command(
            &server.admin_token,
            "createWerkplaats",
            "{ werkplaats { id } facilitatorToken }",
            json!({"name": name, "municipality": municipality, "question": question,
                   "methodology": methodology, "facilitatorName": facilitator}),
        )
        .await;
    (
        created["werkplaats"]["id"].as_str().unwrap().to_owned(),
        created["facilitatorToken"].as_str().unwrap().to_owned(),
    )
}

async fn seed(server: &TestApp) -> Seeded {
    // Almere: a problem, a solution, an indicator measured past its norm,
    // a reflection; ten actions stopped, then one adopted after two cycles.
    let (almere, fatima) = create(
        server,
        ALMERE,
        "Almere",
        QUESTION,
        "SCHOUDERS_ERONDER",
        "Fatima Yilmaz",
    )
    .await;
    let w = |mut input: Value| {
        input["werkplaatsId"] = json!(almere);
        input
    };
    let debt_help = server
        .add_partner(&fatima, &almere, "Schuldhulp Almere", "SCHULDHULPVERLENING")
        .await
        .id;
    let anna = server
        .invite_member(
            &fatima,
            &almere,
            "Anna de Vries",
            "PARTNER",
            Some(&debt_help),
        )
        .await
        .token;
    let problem = server
        .command(
            &fatima,
            "recordProblem",
            "{ problem { id } }",
            w(json!({"title": PROBLEM, "perspective": "CLIENT",
                     "description": "Gezinnen openen post pas als de deurwaarder er al is."})),
        )
        .await["problem"]["id"]
        .clone();
    let solution = server
        .command(
            &fatima,
            "proposeSolution",
            "{ solution { id } }",
            w(json!({"title": SOLUTION,
                     "description": "Een schuldhulpverlener gaat langs zodra de woningcorporatie een achterstand meldt.",
                     "basis": ["PRACTICE"], "addressesProblemIds": [problem],
                     "capitals": ["SOCIAL", "PSYCHOLOGICAL"], "recognition": "WELL_DESCRIBED"})),
        )
        .await["solution"]["id"]
        .clone();
    let indicator = server
        .command(
            &fatima,
            "defineIndicator",
            "{ indicator { id } }",
            w(
                json!({"name": "Gezinnen in beeld binnen een maand", "unit": "%", "baseline": 20.0,
                     "norm": 40.0, "direction": "INCREASE", "kind": "OUTCOME"}),
            ),
        )
        .await["indicator"]["id"]
        .clone();
    server
        .command(
            &anna,
            "recordMeasurement",
            "{ version }",
            w(json!({"indicatorId": indicator, "value": 45.0, "measuredOn": "2026-10-31"})),
        )
        .await;
    server
        .command(
            &fatima,
            "recordReflection",
            "{ version }",
            w(json!({"text": REFLECTION, "about": [problem]})),
        )
        .await;
    for n in 1..=STOPPED {
        // Spread over two members: each has the shipped rate limit.
        let token = if n % 2 == 0 { &fatima } else { &anna };
        conclude(
            server,
            token,
            &almere,
            &debt_help,
            json!({"title": format!("Spreekuur in wijkcentrum {n}"), "goal": "Inwoners komen langs met geldzorgen."}),
            &[("Er kwamen twee bezoekers.", "ABANDON", "Te weinig bezoekers voor de moeite.")],
        )
        .await;
    }
    conclude(
        server,
        &anna,
        &almere,
        &debt_help,
        json!({"title": TITLE, "goal": "Gezinnen spreken voordat de deurwaarder komt.",
               "solutionId": solution, "indicatorIds": [indicator]}),
        &[
            (FIRST_FINDING, "ADAPT", "Eerst een afspraak maken."),
            (SECOND_FINDING, "ADOPT", RATIONALE),
        ],
    )
    .await;
    // An action still in Plan is never a lesson.
    server
        .plan_action(
            &anna,
            &almere,
            &debt_help,
            "Huisbezoek in de avond",
            "Werkende ouders thuis treffen.",
            "2027-01-31",
        )
        .await;

    // Zwolle shares nothing, though it too learnt about huisbezoek.
    let (zwolle, kees) = create(
        server,
        ZWOLLE,
        "Zwolle",
        "Hoe voorkomen we dat gezinnen met kinderen in armoede vastlopen?",
        "NJI_ZEVEN_STAPPEN",
        "Kees Bakker",
    )
    .await;
    let gemeente = server
        .add_partner(&kees, &zwolle, "Gemeente Zwolle", "GEMEENTE")
        .await
        .id;
    let bram = server
        .invite_member(&kees, &zwolle, "Bram Jansen", "PARTNER", Some(&gemeente))
        .await
        .token;
    conclude(
        server,
        &kees,
        &zwolle,
        &gemeente,
        json!({"title": "Huisbezoek door de wijkcoach", "goal": "Gezinnen thuis spreken."}),
        &[("Het huisbezoek werkte goed.", "ADOPT", "Zo doen we het.")],
    )
    .await;
    Seeded {
        almere,
        almere_facilitator: fatima,
        zwolle,
        bram,
    }
}

/// The library as the server gives it to `token`.
async fn library(server: &TestApp, token: &str, filter: Value) -> Value {
    let mut variables = filter;
    variables["first"] = json!(100);
    server
        .data(
            token,
            "query($search: String, $outcome: ActOutcome, $capital: EmpowermentCapital, $methodology: Methodology, $first: Int) {
               watWerkt(search: $search, outcome: $outcome, capital: $capital, methodology: $methodology, first: $first) {
                 lessons { id title outcome cycles owner findings rationale
                   source { werkplaatsId werkplaatsName municipality methodology question }
                   solution { title capitals recognition }
                   indicators { name baseline norm latest normMet } }
                 hasMore } }",
            variables,
        )
        .await["watWerkt"]
        .clone()
}

async fn shares(server: &TestApp, token: &str, id: &str) -> Value {
    server
        .data(
            token,
            "query($id: ID!) { werkplaats(id: $id) { sharesLessons } }",
            json!({ "id": id }),
        )
        .await["werkplaats"]["sharesLessons"]
        .clone()
}

/// Sets a select control and tells the page, as a user's choice would.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser.find(css).await;
    let chosen = browser
        .script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('change', { bubbles: true }));
             return e.value;",
            vec![json!(css), json!(value)],
        )
        .await;
    assert_eq!(chosen, json!(value), "{css} offers {value}");
}

/// The ids of the lessons on the page, in order.
async fn shown(browser: &Browser) -> Value {
    browser
        .script(
            "return [...document.querySelectorAll('#lessen > li')].map((li) => li.dataset.id)",
            vec![],
        )
        .await
}

fn ids(page: &Value) -> Value {
    page["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|lesson| lesson["id"].clone())
        .collect()
}

async fn search(browser: &Browser, words: &str) {
    if words.is_empty() {
        browser.find("#zoek-lessen").await.clear().await.unwrap();
    } else {
        browser.fill("#zoek-lessen", words).await;
    }
    browser.click("form[role=search] button[type=submit]").await;
}

/// Nothing a screen reader would miss, and no fault.
async fn audit(browser: &Browser, who: &str) {
    let found = browser.script(AUDIT, vec![]).await;
    check(who, &found);
    let fault = browser
        .script(
            "return document.getElementById('fout')?.textContent ?? null",
            vec![],
        )
        .await;
    assert_eq!(fault, Value::Null, "{who}");
}

#[tokio::test]
async fn a_facilitator_shares_lessons_and_a_member_of_another_werkplaats_finds_them() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let s = seed(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;

    // Nothing is shared yet: Bram of Zwolle finds an empty library, and
    // has no switch (he is no facilitator).
    assert_eq!(
        library(&server, &s.bram, json!({})).await["lessons"],
        json!([])
    );
    browser.sign_in_by_link(&s.bram, ZWOLLE).await;
    browser.click("nav#nav a[href$='/watwerkt']").await;
    browser
        .wait_text("#lessen-stand", "Er zijn nog geen gedeelde lessen.")
        .await;
    browser
        .wait_text(
            "#deel-stand",
            "Uit: de lessen van Werkplaats Zwolle staan niet in Wat werkt.",
        )
        .await;
    let switches = browser
        .script(
            "return document.querySelectorAll('#deel-lessen').length",
            vec![],
        )
        .await;
    assert_eq!(switches, json!(0), "only the facilitator has the switch");
    audit(&browser, "wat werkt (lid)").await;
    let title = browser.script("return document.title", vec![]).await;
    assert_eq!(title, json!(format!("Wat werkt — {ZWOLLE}")));

    // Fatima, Almere's facilitator, reads what is shared and switches it on.
    browser.sign_in_by_link(&s.almere_facilitator, ALMERE).await;
    browser.click("nav#nav a[href$='/watwerkt']").await;
    browser.wait_text("#deel-stand", "Uit:").await;
    let explained = browser
        .wait_text("#deel-uitleg", "Wat niet gedeeld wordt")
        .await;
    for said in [
        "de titel, het doel, de uitkomst en de onderbouwing",
        "de bevindingen en het aantal PDCA-cycli",
        "de naam van de organisatie",
        "de oplossing",
        "indicatoren",
        "de naam, de gemeente, de methode en de vraag",
        "namen van leden",
        "acties die nog nooit zijn afgerond",
        "problemen, reflecties en besluiten",
    ] {
        assert!(
            explained.contains(said),
            "the explanation says {said:?}: {explained}"
        );
    }
    let label = browser
        .script(
            "const s = document.getElementById('deel-lessen');
             return [s.getAttribute('role'), s.checked, s.labels[0].textContent, s.getAttribute('aria-describedby')]",
            vec![],
        )
        .await;
    assert_eq!(
        label,
        json!([
            "switch",
            false,
            "Lessen van deze werkplaats delen in Wat werkt",
            "deel-stand deel-uitleg"
        ])
    );
    audit(&browser, "wat werkt (procesbegeleider)").await;
    browser.click("#deel-lessen").await;
    browser
        .wait_text(
            "#deel-stand",
            "Aan: de lessen van Werkplaats Almere staan in Wat werkt",
        )
        .await;
    browser
        .wait_text("#status", "worden nu gedeeld in Wat werkt")
        .await;
    assert_eq!(
        shares(&server, &s.almere_facilitator, &s.almere).await,
        json!(true)
    );
    // Her own lessons now show, marked as her own.
    browser
        .wait_text("#lessen-stand", "10 lessen getoond; er zijn er meer.")
        .await;
    browser
        .wait_text("#lessen > li:first-child .source", "eigen werkplaats")
        .await;
    browser
        .script("window.scrollTo(0, 0); return true", vec![])
        .await;
    browser.screenshot("wat-werkt-delen").await;
    println!("Fatima switched sharing on; Almere's lessons are in the library");

    // Bram pages through the library: ten, then the eleventh.
    let everything = library(&server, &s.bram, json!({})).await;
    let all = ids(&everything);
    assert_eq!(
        all.as_array().unwrap().len(),
        STOPPED + 1,
        "only Almere's concluded actions: {everything}"
    );
    browser.sign_in_by_link(&s.bram, ZWOLLE).await;
    browser.goto(&format!("/#/w/{}/watwerkt", s.zwolle)).await;
    browser
        .wait_text("#lessen-stand", "10 lessen getoond; er zijn er meer.")
        .await;
    assert_eq!(
        shown(&browser).await,
        Value::from(all.as_array().unwrap()[..10].to_vec())
    );
    browser.click("#meer-lessen").await;
    browser
        .wait_text("#lessen-stand", "11 lessen getoond.")
        .await;
    assert_eq!(shown(&browser).await, all);
    let after_more = browser
        .script(
            "return [document.activeElement.id, document.getElementById('meer-lessen').hidden]",
            vec![],
        )
        .await;
    assert_eq!(
        after_more,
        json!([format!("les-{}", all[10].as_str().unwrap()), true]),
        "the keyboard goes on at the first new lesson; no more to show"
    );

    // "huisbezoeken" finds the lesson on "huisbezoek", Almere's only; not
    // Zwolle's, which is not shared, nor the action never concluded.
    let found = library(&server, &s.bram, json!({"search": "huisbezoeken"})).await;
    assert_eq!(found["lessons"].as_array().unwrap().len(), 1, "{found}");
    let lesson = &found["lessons"][0];
    assert_eq!(
        lesson["source"],
        json!({"werkplaatsId": s.almere, "werkplaatsName": ALMERE, "municipality": "Almere",
               "methodology": "SCHOUDERS_ERONDER", "question": QUESTION})
    );
    assert_eq!(lesson["title"], TITLE);
    assert_eq!(lesson["outcome"], "ADOPT");
    assert_eq!(lesson["cycles"], 2);
    assert_eq!(lesson["findings"], json!([FIRST_FINDING, SECOND_FINDING]));
    assert_eq!(
        lesson["indicators"],
        json!([{"name": "Gezinnen in beeld binnen een maand", "baseline": 20.0, "norm": 40.0, "latest": 45.0, "normMet": true}])
    );
    search(&browser, "huisbezoeken").await;
    browser.wait_text("#lessen-stand", "1 les getoond.").await;
    assert_eq!(shown(&browser).await, ids(&found));
    let card = browser
        .wait_text(
            &format!("#lessen li[data-id='{}']", lesson["id"].as_str().unwrap()),
            TITLE,
        )
        .await;
    for said in [
        "Uitkomst: aangenomen",
        "na 2 cycli",
        "Bron: Werkplaats Almere, gemeente Almere · Schouders Eronder",
        QUESTION,
        "Gezinnen spreken voordat de deurwaarder komt.",
        "Uitgevoerd doorSchuldhulp Almere",
        RATIONALE,
        FIRST_FINDING,
        SECOND_FINDING,
        SOLUTION,
        "Een schuldhulpverlener gaat langs",
        "Basis: Praktijk",
        "sociaal kapitaal",
        "psychologisch kapitaal",
        "Erkenning: goed beschreven",
        "Gezinnen in beeld binnen een maand (effectindicator (outcome), hoger is beter): nulmeting 20 % → laatste meting 45 %, norm 40 %: norm gehaald",
    ] {
        assert!(card.contains(said), "the lesson shows {said:?}: {card}");
    }
    let page = browser
        .script(
            "return document.getElementById('lessen').textContent",
            vec![],
        )
        .await;
    let page = page.as_str().unwrap();
    for hidden in
        NAMES
            .iter()
            .copied()
            .chain([PROBLEM, REFLECTION, "Huisbezoek in de avond", "wijkcoach"])
    {
        assert!(!page.contains(hidden), "the library shows {hidden:?}");
    }
    audit(&browser, "wat werkt (gevonden)").await;
    browser
        .script("window.scrollTo(0, 0); return true", vec![])
        .await;
    browser.screenshot("wat-werkt").await;
    println!("Bram found {TITLE:?} by \"huisbezoeken\", with its source, solution and indicator against the norm");

    // Filters: with the search, none was stopped; without it, ten were.
    choose(&browser, "#filter-uitkomst", "ABANDON").await;
    browser
        .wait_text(
            "#lessen-stand",
            "Geen lessen gevonden die bij uw zoekopdracht passen.",
        )
        .await;
    assert_eq!(
        library(
            &server,
            &s.bram,
            json!({"search": "huisbezoeken", "outcome": "ABANDON"})
        )
        .await["lessons"],
        json!([])
    );
    search(&browser, "").await;
    browser
        .wait_text("#lessen-stand", "10 lessen getoond.")
        .await;
    let stopped = library(&server, &s.bram, json!({"outcome": "ABANDON"})).await;
    assert_eq!(shown(&browser).await, ids(&stopped));
    assert_eq!(stopped["lessons"].as_array().unwrap().len(), STOPPED);
    let outcomes = browser
        .script(
            "return [...new Set([...document.querySelectorAll('#lessen .lesson-outcome strong')].map((s) => s.textContent))]",
            vec![],
        )
        .await;
    assert_eq!(outcomes, json!(["Uitkomst: gestopt"]));
    choose(&browser, "#filter-uitkomst", "ADOPT").await;
    browser.wait_text("#lessen-stand", "1 les getoond.").await;
    assert_eq!(
        shown(&browser).await,
        ids(&library(&server, &s.bram, json!({"outcome": "ADOPT"})).await)
    );
    choose(&browser, "#filter-uitkomst", "").await;
    choose(&browser, "#filter-kapitaal", "SOCIAL").await;
    browser.wait_text("#lessen-stand", "1 les getoond.").await;
    assert_eq!(shown(&browser).await, ids(&found));
    choose(&browser, "#filter-kapitaal", "").await;
    choose(&browser, "#filter-methode", "NJI_ZEVEN_STAPPEN").await;
    browser
        .wait_text(
            "#lessen-stand",
            "Geen lessen gevonden die bij uw zoekopdracht passen.",
        )
        .await;
    assert_eq!(
        library(
            &server,
            &s.bram,
            json!({"methodology": "NJI_ZEVEN_STAPPEN"})
        )
        .await["lessons"],
        json!([])
    );
    println!("filters: stopped 10, adopted 1, social capital 1, NJi none — as the server answers");

    // Fatima switches sharing off with the keyboard.
    browser.sign_in_by_link(&s.almere_facilitator, ALMERE).await;
    browser.goto(&format!("/#/w/{}/watwerkt", s.almere)).await;
    browser.wait_text("#deel-stand", "Aan:").await;
    browser
        .find("#deel-lessen")
        .await
        .send_keys(" ")
        .await
        .unwrap();
    browser
        .wait_text(
            "#deel-stand",
            "Uit: de lessen van Werkplaats Almere staan niet in Wat werkt.",
        )
        .await;
    browser
        .wait_text("#lessen-stand", "Er zijn nog geen gedeelde lessen.")
        .await;
    let state = browser
        .script(
            "return [document.getElementById('deel-lessen').checked, document.activeElement.id]",
            vec![],
        )
        .await;
    assert_eq!(
        state,
        json!([false, "deel-lessen"]),
        "off, and the focus stays on the switch"
    );
    assert_eq!(
        shares(&server, &s.almere_facilitator, &s.almere).await,
        json!(false)
    );
    assert_eq!(
        library(&server, &s.bram, json!({})).await["lessons"],
        json!([])
    );

    // And Bram no longer finds it.
    browser.sign_in_by_link(&s.bram, ZWOLLE).await;
    browser.goto(&format!("/#/w/{}/watwerkt", s.zwolle)).await;
    browser
        .wait_text("#lessen-stand", "Er zijn nog geen gedeelde lessen.")
        .await;
    search(&browser, "huisbezoeken").await;
    browser
        .wait_text(
            "#lessen-stand",
            "Geen lessen gevonden die bij uw zoekopdracht passen.",
        )
        .await;
    assert_eq!(
        library(&server, &s.bram, json!({"search": "huisbezoeken"})).await["lessons"],
        json!([])
    );
    println!("sharing switched off by keyboard: the lessons left the library at once");
    browser.close().await;
}
