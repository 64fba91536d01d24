//! The client for real use (issue 16), the parts not in `access.rs`:
//! merging a conflict field by field, one's own conflict between two tabs,
//! the warning before leaving unsaved text, the back button closing the
//! dialog, checkpoints with their version and hash, the verify result kept
//! current, a short explanation of each methodology; the reasoning on view
//! (each card's findings named by cycle with the last Act, phase changes
//! with their notes, evaluation counts after every transition); editing
//! cleared on the server within 5 s when a tab reloads, navigates away or
//! closes; and axe-core finding no serious or critical violation on any
//! view or dialog at 1280 and 390 px.

use serde_json::{json, Value};

use super::driver::{exclusive, Browser, Chromedriver};
use super::seed;
use crate::kit::app::{spawn_app_as_shipped, TestApp};

const ACTION: &str = "Flyer in de brievenbus";

/// Whether leaving the page now would make the browser ask first: a
/// `beforeunload` listener that cancels the event.
async fn leaving_asks(browser: &Browser) -> bool {
    browser
        .script(
            "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented;",
            vec![],
        )
        .await
        == json!(true)
}

async fn action(server: &TestApp, w: &seed::Werkplaats) -> Value {
    let data = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { plan { actions { id title goal version } } } }",
            json!({"id": w.id}),
        )
        .await;
    data["werkplaats"]["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Flyer"))
        .unwrap()
        .clone()
}

async fn dialog_closed(browser: &Browser, who: &str) {
    browser
        .wait_until(
            &format!("{who}'s dialog closes"),
            "return !document.getElementById('editor').open",
        )
        .await;
}

#[tokio::test]
async fn conflicts_merge_field_by_field_and_dialogs_behave_like_pages() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    // Anna in two tabs (two browsers with her one token), and Bram.
    let tab1 = driver.browser(&server.address).await;
    let tab2 = driver.browser(&server.address).await;
    let bram = driver.browser(&server.address).await;
    tab1.sign_in_by_link(&w.anna, seed::NAME).await;
    tab2.sign_in_by_link(&w.anna, seed::NAME).await;
    bram.sign_in_by_link(&w.bram, seed::NAME).await;
    let plan = format!("/#/w/{}/plan", w.id);
    for b in [&tab1, &tab2, &bram] {
        b.goto(&plan).await;
        b.wait_text(".board", ACTION).await;
    }
    let id = action(&server, &w).await["id"].as_str().unwrap().to_owned();
    let edit = format!("#bewerk-{id}");

    // The back button closes the dialog and stays on the view.
    tab1.click(&edit).await;
    tab1.find("#editor[open] input[name=title]").await;
    assert!(!leaving_asks(&tab1).await, "nothing typed yet");
    tab1.client.back().await.unwrap();
    dialog_closed(&tab1, "the first tab").await;
    let hash = tab1.script("return location.hash", vec![]).await;
    assert_eq!(hash, json!(format!("#/w/{}/plan", w.id)));
    println!("back button: the dialog closed, still on {hash}");

    // Her own two tabs: the second saves a new title while the first is
    // typing a new goal.
    tab1.click(&edit).await;
    tab1.find("#editor[open] textarea[name=goal]").await;
    let goal = "Mentoren vragen ernaar in het mentoruur.";
    tab1.fill("#editor textarea[name=goal]", goal).await;
    assert!(
        leaving_asks(&tab1).await,
        "unsaved text in the dialog: leaving asks first"
    );
    tab2.click(&edit).await;
    let title = "Flyer en een appje";
    tab2.fill("#editor[open] input[name=title]", title).await;
    tab2.click("#editor button[type=submit]").await;
    dialog_closed(&tab2, "the second tab").await;
    assert!(!leaving_asks(&tab2).await, "saved: leaving does not ask");

    tab1.click("#editor button[type=submit]").await;
    let said = tab1
        .wait_text("#conflict", "in een ander tabblad gewijzigd")
        .await;
    assert!(!said.contains("Iemand anders"), "{said}");
    assert!(said.contains(title), "{said}");
    // Their title into her version, one field, then keep that version.
    let differs = "return document.querySelectorAll('#conflict tr.differs').length";
    assert_eq!(tab1.script(differs, vec![]).await, json!(2));
    tab1.click("#conflict [data-take=title]").await;
    tab1.wait_until(
        "the title no longer differs",
        "return document.querySelectorAll('#conflict tr.differs').length === 1 && !document.querySelector('#conflict [data-take=title]')",
    )
    .await;
    tab1.click("#conflict .buttons button:nth-child(2)").await;
    dialog_closed(&tab1, "the first tab").await;
    let saved = action(&server, &w).await;
    assert_eq!(saved["title"], title);
    assert_eq!(saved["goal"], goal);
    println!("own conflict: title taken over from the other tab, goal kept");

    // Someone else's change: the merge form takes one field with a click.
    tab1.wait_text(".board", title).await;
    tab1.click(&edit).await;
    tab1.find("#editor[open] textarea[name=goal]").await;
    bram.wait_text(".board", title).await;
    bram.click(&edit).await;
    let bram_title = "Flyer, appje en spreekuur";
    bram.fill("#editor[open] input[name=title]", bram_title)
        .await;
    bram.click("#editor button[type=submit]").await;
    dialog_closed(&bram, "Bram").await;
    let anna_goal = "Mentoren en schuldhulp samen.";
    tab1.fill("#editor textarea[name=goal]", anna_goal).await;
    tab1.click("#editor button[type=submit]").await;
    let said = tab1.wait_text("#conflict", "Iemand anders").await;
    assert!(!said.contains("ander tabblad"), "{said}");
    tab1.click("#conflict .buttons button:nth-child(3)").await;
    tab1.find("#editor [data-take=title]").await;
    let before = tab1
        .script(
            "return document.querySelector('#editor input[name=title]').value",
            vec![],
        )
        .await;
    assert_eq!(before, json!(title), "the merge starts from her version");
    tab1.click("#editor [data-take=title]").await;
    tab1.wait_until(
        "the title is theirs",
        &format!(
            "return document.querySelector('#editor input[name=title]').value === {}",
            json!(bram_title)
        ),
    )
    .await;
    tab1.click("#editor button[type=submit]").await;
    dialog_closed(&tab1, "the first tab").await;
    let saved = action(&server, &w).await;
    assert_eq!(saved["title"], bram_title);
    assert_eq!(saved["goal"], anna_goal);
    println!("merge: Bram's title taken with one click, Anna's goal kept");
    for b in [tab1, tab2, bram] {
        b.close().await;
    }
}

#[tokio::test]
async fn checkpoints_show_version_and_hash_and_verify_follows_new_events() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.evaluator, seed::NAME).await;
    browser.goto(&format!("/#/w/{}/audit", w.id)).await;
    browser
        .wait_text("#checkpoints", "Nog geen controlepunten")
        .await;
    browser.click("#verify").await;
    browser
        .wait_text("#verify-result", "alle 23 gebeurtenissen")
        .await;

    browser.click("#checkpoint-vastleggen").await;
    browser
        .wait_until(
            "the checkpoint is listed",
            "return document.querySelectorAll('#checkpoints tbody tr').length === 1",
        )
        .await;
    let recorded = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { checkpoints { version hash } } }",
            json!({"id": w.id}),
        )
        .await;
    let checkpoint = recorded["werkplaats"]["checkpoints"][0].clone();
    let hash = checkpoint["hash"].as_str().unwrap();
    let shown = browser.wait_text("#checkpoints", hash).await;
    assert!(
        shown.contains(&checkpoint["version"].to_string()),
        "{shown}"
    );
    println!(
        "checkpoint shown: version {}, hash {hash}",
        checkpoint["version"]
    );

    // A partner records something: the verify result follows.
    server
        .command(
            &w.anna,
            "recordReflection",
            "{ version }",
            json!({"werkplaatsId": w.id, "text": "Het appje werkt.", "about": [w.problem]}),
        )
        .await;
    let head = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { version } }",
            json!({"id": w.id}),
        )
        .await["werkplaats"]["version"]
        .clone();
    let verdict = browser
        .wait_text("#verify-result", &format!("alle {head} gebeurtenissen"))
        .await;
    println!("verify after new events: {verdict}");
    browser.close().await;
}

#[tokio::test]
async fn each_methodology_is_explained_where_it_is_chosen() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser
        .goto(&format!("/#token={}", server.admin_token))
        .await;
    browser.wait_text("h1", "Werkplaatsen").await;
    let mut seen = Vec::new();
    for (value, words) in [
        ("SCHOUDERS_ERONDER", "probleemanalyse"),
        ("MOVISIE_VIJF_STAPPEN", "verankeren"),
        ("NJI_ZEVEN_STAPPEN", "urgentie"),
    ] {
        browser
            .script(
                "const s = document.querySelector('select[name=methodology]'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
                vec![json!(value)],
            )
            .await;
        let about = browser.wait_text(".methode-uitleg", words).await;
        let described = browser
            .script(
                "const s = document.querySelector('select[name=methodology]'); return s.getAttribute('aria-describedby').split(' ').includes(document.querySelector('.methode-uitleg').id);",
                vec![],
            )
            .await;
        assert_eq!(described, json!(true), "the select is described by it");
        assert!(!seen.contains(&about), "{value}: its own explanation");
        seen.push(about);
    }
    browser.close().await;
}

#[tokio::test]
async fn the_reasoning_is_on_view_and_counts_follow_every_transition() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.anna, seed::NAME).await;

    // The seeded action is in cycle 2; its card says the findings are
    // cycle 1's and shows the rationale of cycle 1's Act.
    browser.goto(&format!("/#/w/{}/plan", w.id)).await;
    let card = browser.wait_text(".board .reasoning", "cyclus 1").await;
    assert!(
        card.contains("cyclus 1 (vorige): Weinig reactie op de flyer."),
        "{card}"
    );
    assert!(card.contains("Act, cyclus 1"), "{card}");
    assert!(card.contains("Liever via mentoren."), "{card}");
    println!("card: {card}");

    // The facilitator moves on with a note: the overview shows it.
    browser.goto(&format!("/#/w/{}/overzicht", w.id)).await;
    browser.wait_text("#stapgids", "Stap 1").await;
    let note = "De knelpunten zijn helder; nu de oplossingen.";
    server
        .command(
            &w.facilitator,
            "advancePhase",
            "{ version }",
            json!({"werkplaatsId": w.id, "expectedPhase": 1, "note": note}),
        )
        .await;
    let history = browser.wait_text("#stapovergangen", note).await;
    assert!(history.contains("Van stap 1"), "{history}");
    println!("phase history on the overview: {history}");

    // The evaluation's counts follow each transition as it happens.
    browser.goto(&format!("/#/w/{}/evaluatie", w.id)).await;
    browser.wait_text("#inhoud", "Afgeronde cycli: 1").await;
    let a = action(&server, &w).await;
    let mut version = a["version"].clone();
    for (field, extra) in [
        (
            "checkAction",
            json!({"findings": "Mentoren bereiken meer jongeren."}),
        ),
        (
            "concludeAction",
            json!({"outcome": "ADOPT", "rationale": "Zo gaan we het doen."}),
        ),
    ] {
        let mut input = extra;
        input["werkplaatsId"] = json!(w.id);
        input["actionId"] = a["id"].clone();
        input["expectedVersion"] = version;
        version = server
            .command(&w.anna, field, "{ action { version } }", input)
            .await["action"]["version"]
            .clone();
    }
    let evaluation = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { evaluation { actionsAdopted actionsAdapted cyclesCompleted } } }",
            json!({"id": w.id}),
        )
        .await["werkplaats"]["evaluation"]
        .clone();
    assert_eq!(evaluation["actionsAdopted"], 1);
    let counts = format!(
        "Aangenomen: {} · Bijgesteld: {} · Gestopt: 0 · Afgeronde cycli: {}",
        evaluation["actionsAdopted"], evaluation["actionsAdapted"], evaluation["cyclesCompleted"]
    );
    let shown = browser.wait_text("#inhoud", &counts).await;
    println!("evaluation after the Act, without a reload: {counts}");
    assert!(!shown.is_empty());

    // The adopted card shows cycle 2's findings and Act.
    browser.goto(&format!("/#/w/{}/plan", w.id)).await;
    let card = browser
        .wait_text(".board .reasoning", "Act, cyclus 2")
        .await;
    assert!(
        card.contains("cyclus 2: Mentoren bereiken meer jongeren."),
        "{card}"
    );
    assert!(card.contains("Zo gaan we het doen."), "{card}");
    browser.close().await;
}

/// Anna's presence entry as the server has it now (`None`: not present),
/// from the presence a `setPresence` answers with.
async fn annas_presence(server: &TestApp, w: &seed::Werkplaats) -> Option<Value> {
    let data = server
        .data(
            &w.facilitator,
            "mutation($input: SetPresenceInput!) { setPresence(input: $input) { presence { member { name } editing } } }",
            json!({"input": {"werkplaatsId": w.id, "editing": null}}),
        )
        .await;
    data["setPresence"]["presence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["member"]["name"] == "Anna de Vries")
        .cloned()
}

/// Waits until Anna's presence satisfies `holds`; returns how long it took.
async fn presence_until(
    server: &TestApp,
    w: &seed::Werkplaats,
    what: &str,
    wait: std::time::Duration,
    holds: impl Fn(&Option<Value>) -> bool,
) -> std::time::Duration {
    let start = std::time::Instant::now();
    loop {
        let now = annas_presence(server, w).await;
        if holds(&now) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < wait,
            "{what}: not within {wait:?}; Anna's presence: {now:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn editing_ends_when_the_tab_reloads_navigates_away_or_closes() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let anna = driver.browser(&server.address).await;
    anna.sign_in_by_link(&w.anna, seed::NAME).await;
    let plan = format!("/#/w/{}/plan", w.id);
    let id = action(&server, &w).await["id"].as_str().unwrap().to_owned();
    let edit = format!("#bewerk-{id}");
    let contract = std::time::Duration::from_secs(5);
    let editing = |p: &Option<Value>| p.as_ref().is_some_and(|p| p["editing"] == id.as_str());
    let open_editor = || async {
        anna.goto(&plan).await;
        anna.click(&edit).await;
        anna.find("#editor[open] input[name=title]").await;
        presence_until(&server, &w, "editing seen", contract, editing).await;
    };

    // Reload: back on the page, present, editing nothing.
    open_editor().await;
    anna.client.refresh().await.unwrap();
    let took = presence_until(&server, &w, "editing cleared on reload", contract, |p| {
        !editing(p)
    })
    .await;
    println!(
        "reload: editing cleared on the server after {} ms",
        took.as_millis()
    );
    anna.wait_text("h1", seed::NAME).await;

    // Navigating away: the last subscription ends, and with it presence.
    open_editor().await;
    anna.client.goto("about:blank").await.unwrap();
    let took = presence_until(&server, &w, "gone after navigating away", contract, |p| {
        p.is_none()
    })
    .await;
    println!(
        "navigating away: gone from presence after {} ms",
        took.as_millis()
    );

    // Closing the tab.
    anna.sign_in_by_link(&w.anna, seed::NAME).await;
    open_editor().await;
    anna.close().await;
    let took = presence_until(&server, &w, "gone after closing", contract, |p| p.is_none()).await;
    println!(
        "closing the tab: gone from presence after {} ms",
        took.as_millis()
    );
}

/// axe-core's minified script, installed with the machine's npm into
/// `target/axe` the first time it is needed.
fn axe_source() -> String {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe");
    let file = root.join("node_modules/axe-core/axe.min.js");
    if !file.exists() {
        let status = std::process::Command::new("npm")
            .args([
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&root)
            .arg("axe-core@4")
            .status()
            .expect("npm runs");
        assert!(status.success(), "npm install axe-core");
    }
    std::fs::read_to_string(&file).expect("axe.min.js")
}

/// Runs axe on the page as it is now (injecting it first if this page has
/// not got it) and returns the serious and critical violations.
async fn axe(browser: &Browser, source: &str) -> Vec<Value> {
    let present = browser
        .script("return typeof window.axe === 'object'", vec![])
        .await;
    if present != json!(true) {
        browser
            .script(&format!("{source}\nreturn true;"), vec![])
            .await;
    }
    let found = browser
        .script(
            "return axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
               .filter((v) => v.impact === 'serious' || v.impact === 'critical')
               .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 160)) })))",
            vec![],
        )
        .await;
    found.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn axe_finds_no_serious_or_critical_violation_on_any_view_at_either_width() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let source = axe_source();
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (width, height) in [(1280, 900), (390, 844)] {
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .wait_until(
                "the new width",
                &format!("return Math.abs(window.innerWidth - {width}) < 40"),
            )
            .await;
        let mut check = |what: String, violations: Vec<Value>| {
            checked += 1;
            if !violations.is_empty() {
                failures.push(format!("{what}: {}", Value::Array(violations)));
            }
        };
        browser.goto("/").await;
        browser.find("input[name=token]").await;
        check(
            format!("aanmelden at {width}"),
            axe(&browser, &source).await,
        );
        browser
            .goto(&format!("/#token={}", server.admin_token))
            .await;
        browser.find("form[aria-label='Nieuwe werkplaats']").await;
        check(
            format!("werkplaatsen at {width}"),
            axe(&browser, &source).await,
        );

        browser.client.goto("about:blank").await.unwrap();
        browser.sign_in_by_link(&w.facilitator, seed::NAME).await;
        for view in [
            "overzicht",
            "doelen",
            "risicos",
            "klantreis",
            "checklist",
            "plan",
            "pdca",
            "besluiten",
            "evaluatie",
            "tijdlijn",
            "audit",
            "watwerkt",
        ] {
            browser
                .script(
                    &format!("location.hash = '#/w/{}/{view}'; return true", w.id),
                    vec![],
                )
                .await;
            browser
                .wait_until(
                    view,
                    &format!(
                        "return !!document.querySelector(\"nav#nav a[aria-current=page][href$='/{view}']\")
                           && document.querySelectorAll('main section, main table, main .panel').length > 0"
                    ),
                )
                .await;
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            check(format!("{view} at {width}"), axe(&browser, &source).await);
        }
        // A dialog: correcting the client's problem.
        browser
            .script(
                &format!("location.hash = '#/w/{}/overzicht'; return true", w.id),
                vec![],
            )
            .await;
        browser.click(&format!("#corrigeer-{}", w.problem)).await;
        browser.find("#editor[open]").await;
        check(
            format!("the correction dialog at {width}"),
            axe(&browser, &source).await,
        );
        // The conflict view and the merge form with its take-over buttons.
        let current = server
            .data(
                &w.facilitator,
                "query($id: ID!) { werkplaats(id: $id) { problems { id version } } }",
                json!({"id": w.id}),
            )
            .await["werkplaats"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == w.problem.as_str())
            .unwrap()["version"]
            .clone();
        server
            .command(
                &w.anna,
                "reviseProblem",
                "{ version }",
                json!({"werkplaatsId": w.id, "problemId": w.problem, "expectedVersion": current,
                       "title": format!("Brieven komen te laat ({width})")}),
            )
            .await;
        browser
            .fill(
                "#editor [data-field=description] textarea",
                &format!("Anders ({width})."),
            )
            .await;
        browser.click("#editor form button[type=submit]").await;
        browser.find("#editor #conflict [data-take]").await;
        check(
            format!("the conflict view at {width}"),
            axe(&browser, &source).await,
        );
        browser
            .click("#conflict .buttons button:nth-child(3)")
            .await;
        browser.find("#editor form [data-take]").await;
        check(
            format!("the merge form at {width}"),
            axe(&browser, &source).await,
        );
        browser.click("#editor .close").await;
        // Signed out for the next width's sign-in page.
        browser
            .script(
                "sessionStorage.clear(); localStorage.clear(); return true",
                vec![],
            )
            .await;
    }
    println!("axe: {checked} pages checked at 1280 and 390 px");
    assert!(
        failures.is_empty(),
        "serious or critical violations:\n{}",
        failures.join("\n")
    );
    browser.close().await;
}
