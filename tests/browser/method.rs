//! The method in the werkplaats: a facilitator walks an NJi werkplaats
//! through steps 1 to 4 by the step guide on the overview and its tools
//! (the checklist, a client journey whose bottleneck becomes a problem, a
//! goal with an indicator from a template); a partner logs the progress of
//! an action on its PDCA form; decisions due for review, the risk register
//! and the correction of a problem with the conflict view. Each check of
//! the page is matched by one of the server's state over GraphQL.

use serde_json::{json, Value};

use super::accessibility::{check, AUDIT};
use super::driver::{exclusive, Browser, Chromedriver};
use crate::kit::app::{spawn_app_as_shipped, TestApp};

const NAME: &str = "Werkplaats Zwolle";

/// An NJi werkplaats with two partner organisations.
struct Nji {
    id: String,
    facilitator: String,
    gemeente: String,
    schuldhulp: String,
}

async fn nji(server: &TestApp) -> Nji {
    let created = server
        .command(
            &server.admin_token,
            "createWerkplaats",
            "{ werkplaats { id } facilitatorToken }",
            json!({"name": NAME, "municipality": "Zwolle",
               "question": "Hoe voorkomen we dat gezinnen met kinderen in armoede vastlopen?",
               "methodology": "NJI_ZEVEN_STAPPEN", "facilitatorName": "Fatima Yilmaz"}),
        )
        .await;
    let id = created["werkplaats"]["id"].as_str().unwrap().to_owned();
    let facilitator = created["facilitatorToken"].as_str().unwrap().to_owned();
    let gemeente = server
        .add_partner(&facilitator, &id, "Gemeente Zwolle", "GEMEENTE")
        .await
        .id;
    let schuldhulp = server
        .add_partner(
            &facilitator,
            &id,
            "Schuldhulp Zwolle",
            "SCHULDHULPVERLENING",
        )
        .await
        .id;
    Nji {
        id,
        facilitator,
        gemeente,
        schuldhulp,
    }
}

/// The werkplaats as the server shows it, `selection` of it.
async fn read(server: &TestApp, token: &str, id: &str, selection: &str) -> Value {
    server
        .data(
            token,
            &format!("query($id: ID!) {{ werkplaats(id: $id) {{ {selection} }} }}"),
            json!({ "id": id }),
        )
        .await["werkplaats"]
        .clone()
}

/// Sets a select or date control (WebDriver types into those by locale)
/// and tells the page, as a user's choice would.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser.find(css).await;
    let chosen = browser
        .script(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];
             e.dispatchEvent(new Event('input', { bubbles: true }));
             e.dispatchEvent(new Event('change', { bubbles: true }));
             return e.value;",
            vec![json!(css), json!(value)],
        )
        .await;
    assert_eq!(chosen, json!(value), "{css} offers {value}");
}

/// A screenshot of the page from its top (a click may have scrolled it).
async fn screenshot(browser: &Browser, name: &str) {
    browser
        .script("window.scrollTo(0, 0); return true", vec![])
        .await;
    browser.screenshot(name).await;
}

async fn dialog_closes(browser: &Browser) {
    browser
        .wait_until(
            "the dialog closes",
            "return !document.getElementById('editor').open",
        )
        .await;
}

fn view_of(tool: &str) -> &'static str {
    match tool {
        "CHECKLIST" => "checklist",
        "KLANTREIS" => "klantreis",
        "PDCA" => "pdca",
        "GOALS" => "doelen",
        "RISKS" => "risicos",
        "INDICATORS" => "evaluatie",
        other => panic!("no tool {other}"),
    }
}

/// The overview shows the server's guide of step `step` (whose tools are
/// the contract's `tools`): its result, what it is about, its questions,
/// and each tool as a link to its view.
async fn the_guide_shows(browser: &Browser, server: &TestApp, w: &Nji, step: i64, tools: &[&str]) {
    let now = read(
        server,
        &w.facilitator,
        &w.id,
        "phase { number title guide { result about questions tools } }",
    )
    .await;
    assert_eq!(now["phase"]["number"], step);
    let guide = &now["phase"]["guide"];
    assert_eq!(guide["tools"], json!(tools), "the tools of step {step}");
    assert!(guide["questions"].as_array().unwrap().len() >= 2);
    let title = now["phase"]["title"].as_str().unwrap();
    browser
        .wait_text("#stapgids", &format!("Stap {step}: {title}"))
        .await;
    browser
        .wait_text("#stap-resultaat", guide["result"].as_str().unwrap())
        .await;
    let shown = browser
        .script(
            "return [document.getElementById('stap-resultaat').textContent,
                     document.getElementById('stap-over').textContent,
                     [...document.querySelectorAll('#stap-vragen li')].map((li) => li.textContent),
                     [...document.querySelectorAll('#hulpmiddelen li')].map((li) =>
                       [li.dataset.tool, li.querySelector('a')?.getAttribute('href') ?? 'geen link'])]",
            vec![],
        )
        .await;
    let links: Vec<Value> = tools
        .iter()
        .map(|tool| json!([tool, format!("#/w/{}/{}", w.id, view_of(tool))]))
        .collect();
    assert_eq!(
        shown,
        json!([guide["result"], guide["about"], guide["questions"], links]),
        "the guide of step {step} on the overview"
    );
    println!(
        "step {step} ({title}): the guide's result, about, {} questions and tools {tools:?} shown",
        guide["questions"].as_array().unwrap().len()
    );
}

/// Moves on to the next step with `note`, from the overview.
async fn advance(browser: &Browser, from: i64, note: &str) {
    browser.click(&format!("#open-fase-{from}")).await;
    let form = "form[aria-label='Volgende stap']";
    browser
        .fill(&format!("{form} textarea[name=note]"), note)
        .await;
    browser.click(&format!("{form} button[type=submit]")).await;
    browser
        .wait_text("#stapgids", &format!("Stap {}:", from + 1))
        .await;
    browser.wait_text("#stap-sinds", note).await;
}

async fn open_view(browser: &Browser, view: &str) {
    browser.click(&format!("nav#nav a[href$='/{view}']")).await;
}

#[tokio::test]
async fn a_facilitator_walks_an_nji_werkplaats_through_steps_one_to_four_by_the_guide() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = nji(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.facilitator, NAME).await;

    // Step 1, urgentie: a step for talking, without a tool of its own.
    the_guide_shows(&browser, &server, &w, 1, &[]).await;
    browser
        .wait_text("#hulpmiddelen", "geen eigen hulpmiddel")
        .await;
    browser
        .wait_text("#gedaan", "Nog niets vastgelegd in deze stap.")
        .await;
    screenshot(&browser, "step-guide-1").await;
    advance(&browser, 1, "De urgentie is gedeeld met de wethouder.").await;

    // Step 2, samenwerking: the partners fill in the checklist.
    the_guide_shows(&browser, &server, &w, 2, &[]).await;
    open_view(&browser, "checklist").await;
    browser.find("#checklist-tabel").await;
    let checklist = read(
        &server,
        &w.facilitator,
        &w.id,
        "checklist { id competence statement standard }",
    )
    .await["checklist"]
        .clone();
    let items = checklist.as_array().unwrap();
    assert_eq!(items.len(), 9, "the nine standard items");
    let rows = browser
        .script(
            "return [...document.querySelectorAll('#checklist-tabel tbody')].map((group) =>
               [group.dataset.competence, [...group.querySelectorAll('tr[data-id]')].map((tr) => tr.dataset.id)])",
            vec![],
        )
        .await;
    let by = |competence: &str| -> Vec<Value> {
        items
            .iter()
            .filter(|i| i["competence"] == competence)
            .map(|i| i["id"].clone())
            .collect()
    };
    assert_eq!(
        rows,
        json!([
            ["KNOWLEDGE", by("KNOWLEDGE")],
            ["ATTITUDE", by("ATTITUDE")],
            ["SKILLS", by("SKILLS")]
        ]),
        "each statement in its competence's rows"
    );
    let item = items[0]["id"].as_str().unwrap();
    let cell = format!("tr[data-id='{item}'] td[data-partner='{}']", w.gemeente);
    browser.wait_text(&cell, "open").await;
    browser
        .click(&format!("#antwoord-{item}-{}", w.gemeente))
        .await;
    browser
        .click("#editor[open] input[name=answer][value=NO]")
        .await;
    let note = "Medewerkers kennen de regelingen voor kinderen niet.";
    browser.fill("#editor textarea[name=note]", note).await;
    browser.click("#editor button[type=submit]").await;
    dialog_closes(&browser).await;
    let answered = browser.wait_text(&cell, "nee").await;
    assert!(
        answered.contains("hiaat") && answered.contains(note),
        "{answered}"
    );
    browser
        .wait_text("#checklist-stand", "1 van 18 antwoorden gegeven; 1 hiaat.")
        .await;
    // The facilitator adds an item of the werkplaats's own.
    browser.click("#open-checklistitem").await;
    let own = "form[aria-label='Eigen stelling toevoegen']";
    choose(
        &browser,
        &format!("{own} select[name=competence]"),
        "SKILLS",
    )
    .await;
    let statement = "We verwijzen gezinnen warm door naar het jeugdfonds.";
    browser
        .fill(&format!("{own} textarea[name=statement]"), statement)
        .await;
    browser.click(&format!("{own} button[type=submit]")).await;
    browser
        .wait_text("tbody[data-competence=SKILLS]", statement)
        .await;
    let checklist = read(
        &server,
        &w.facilitator,
        &w.id,
        "checklist { id competence statement standard answers { partner { id } answer note } }",
    )
    .await["checklist"]
        .clone();
    assert_eq!(
        checklist[0]["answers"],
        json!([{"partner": {"id": w.gemeente}, "answer": "NO", "note": note}])
    );
    assert_eq!(checklist.as_array().unwrap().len(), 10);
    assert_eq!(checklist[9]["standard"], false);
    assert_eq!(checklist[9]["competence"], "SKILLS");
    println!("checklist: 9 standard items by competence, an answer NO for the gemeente shown as a gap, an own item added");
    screenshot(&browser, "checklist").await;

    open_view(&browser, "overzicht").await;
    browser
        .wait_text("#gedaan", "Checklist: 1 antwoord gegeven")
        .await;
    advance(
        &browser,
        2,
        "De partners werken samen; de checklist is ingevuld.",
    )
    .await;

    // Step 3, gegevens: the guide leads to the client journey.
    the_guide_shows(&browser, &server, &w, 3, &["KLANTREIS", "INDICATORS"]).await;
    browser
        .wait_text("#gedaan", "Nog niets vastgelegd in deze stap.")
        .await;
    browser.click("#hulpmiddelen a[href$='/klantreis']").await;
    browser.find("#klantreizen").await;
    browser.click("#open-klantreis").await;
    let start = "form[aria-label='Klantreis beginnen']";
    let journey_title = "Gezin met huurachterstand";
    browser
        .fill(&format!("{start} input[name=title]"), journey_title)
        .await;
    browser
        .fill(
            &format!("{start} textarea[name=situation]"),
            "Moeder (gepseudonimiseerd: M.) met twee kinderen, drie maanden huurachterstand.",
        )
        .await;
    browser.click(&format!("{start} button[type=submit]")).await;
    browser.wait_text("article.journey h3", journey_title).await;
    let journey = read(&server, &w.facilitator, &w.id, "journeys { id }").await["journeys"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    browser.click(&format!("#open-reisstap-{journey}")).await;
    let add = format!("#reis-{journey} form");
    let step_title = "Aanmelding bij de schuldhulp";
    browser
        .fill(&format!("{add} input[name=title]"), step_title)
        .await;
    browser
        .fill(
            &format!("{add} textarea[name=description]"),
            "M. belt na een brief van de woningcorporatie en krijgt een intake over drie weken.",
        )
        .await;
    choose(
        &browser,
        &format!("{add} select[name=partner]"),
        &w.schuldhulp,
    )
    .await;
    browser.fill(&format!("{add} input[name=days]"), "21").await;
    browser.click(&format!("{add} button[type=submit]")).await;
    browser
        .wait_text(&format!("#reis-{journey} .journey-steps"), step_title)
        .await;
    let step = read(
        &server,
        &w.facilitator,
        &w.id,
        "journeys { steps { id version } }",
    )
    .await["journeys"][0]["steps"][0]
        .clone();
    let step_id = step["id"].as_str().unwrap().to_owned();
    browser
        .wait_text(
            &format!("#stap-{step_id}"),
            "Schuldhulp Zwolle · 21 dagen (dag 0 tot 21)",
        )
        .await;

    // Assessing the step: the four judgements and the bottleneck.
    browser.click(&format!("#beoordeel-{step_id}")).await;
    for (name, value) in [
        ("knowledge", "POOR"),
        ("attitude", "ADEQUATE"),
        ("skills", "GOOD"),
        ("clientCentred", "POOR"),
    ] {
        choose(&browser, &format!("#editor select[name={name}]"), value).await;
    }
    let bottleneck = "Drie weken wachten op een intake terwijl de deurwaarder al belt.";
    browser
        .fill("#editor textarea[name=bottleneck]", bottleneck)
        .await;
    browser.click("#editor button[type=submit]").await;
    dialog_closes(&browser).await;
    let shown = browser
        .wait_text(&format!("#stap-{step_id} .bottleneck"), bottleneck)
        .await;
    println!("journey step assessed; {shown}");
    browser
        .wait_text(
            &format!("#stap-{step_id} .judgements"),
            "Kennis: onvoldoende",
        )
        .await;

    // The same step is assessed elsewhere while this one is open (by the
    // same facilitator, as from another tab): the conflict view says so,
    // shows both, and the merge keeps theirs and mine.
    browser.click(&format!("#beoordeel-{step_id}")).await;
    browser.find("#editor[open] select[name=skills]").await;
    let before = read(
        &server,
        &w.facilitator,
        &w.id,
        "journeys { steps { version } }",
    )
    .await["journeys"][0]["steps"][0]["version"]
        .clone();
    server
        .command(
            &w.facilitator,
            "assessJourneyStep",
            "{ version }",
            json!({"werkplaatsId": w.id, "journeyId": journey, "stepId": step_id,
                   "expectedVersion": before, "skills": "ADEQUATE"}),
        )
        .await;
    choose(&browser, "#editor select[name=clientCentred]", "ADEQUATE").await;
    browser.click("#editor button[type=submit]").await;
    browser
        .wait_text("#conflict", "in een ander tabblad gewijzigd")
        .await;
    let differing = browser
        .script(
            "return [...document.querySelectorAll('#conflict tr.differs th')].map((th) => th.textContent)",
            vec![],
        )
        .await;
    assert_eq!(differing, json!(["Vaardigheden", "Cliëntgericht"]));
    screenshot(&browser, "conflict-klantreis").await;
    browser
        .click("#conflict .buttons button:nth-child(3)")
        .await;
    browser
        .wait_text("#editor [data-field=skills] .theirs", "voldoende")
        .await;
    choose(&browser, "#editor select[name=skills]", "ADEQUATE").await;
    browser.click("#editor button[type=submit]").await;
    dialog_closes(&browser).await;
    let assessed = read(
        &server,
        &w.facilitator,
        &w.id,
        "journeys { totalDays steps { partner { id } days knowledge attitude skills clientCentred bottleneck } }",
    )
    .await["journeys"][0]
        .clone();
    assert_eq!(
        assessed,
        json!({"totalDays": 21, "steps": [{"partner": {"id": w.schuldhulp}, "days": 21,
            "knowledge": "POOR", "attitude": "ADEQUATE", "skills": "ADEQUATE",
            "clientCentred": "ADEQUATE", "bottleneck": bottleneck}]})
    );
    println!(
        "conflict on a journey step: skills and client-centredness differed; merged, both kept"
    );

    // The bottleneck becomes a problem from the client's perspective.
    browser.click(&format!("#probleem-van-{step_id}")).await;
    browser
        .wait_text(
            &format!("#stap-{step_id} .made-problem"),
            "Vastgelegd als probleem",
        )
        .await;
    let problems = read(
        &server,
        &w.facilitator,
        &w.id,
        "problems { title description perspective }",
    )
    .await["problems"]
        .clone();
    assert_eq!(problems.as_array().unwrap().len(), 1, "{problems}");
    assert_eq!(problems[0]["perspective"], "CLIENT");
    assert_eq!(
        problems[0]["title"],
        format!("Knelpunt in de klantreis: {step_title}")
    );
    let description = problems[0]["description"].as_str().unwrap();
    assert!(description.starts_with(bottleneck), "{description}");
    assert!(description.contains(journey_title), "{description}");
    screenshot(&browser, "klantreis").await;

    open_view(&browser, "overzicht").await;
    browser
        .wait_text(
            "section[aria-labelledby=problemen]",
            &format!("Knelpunt in de klantreis: {step_title}"),
        )
        .await;
    let done = browser
        .wait_text("#gedaan", &format!("Klantreis: {journey_title}"))
        .await;
    assert!(
        done.contains("Probleem: Knelpunt in de klantreis"),
        "{done}"
    );
    advance(&browser, 3, "We weten nu waar gezinnen vastlopen.").await;

    // Step 4, resultaten: goals and indicators; what step 3 did is no
    // longer "done in this step".
    the_guide_shows(&browser, &server, &w, 4, &["GOALS", "INDICATORS"]).await;
    browser
        .wait_text("#gedaan", "Nog niets vastgelegd in deze stap.")
        .await;
    browser.click("#hulpmiddelen a[href$='/doelen']").await;
    browser.find("#doelen").await;
    browser.click("#open-doel").await;
    let goal_form = "form[aria-label='Doel vastleggen']";
    let goal_statement = "Gezinnen met kinderen krijgen binnen een week hulp bij geldzorgen.";
    browser
        .fill(
            &format!("{goal_form} textarea[name=statement]"),
            goal_statement,
        )
        .await;
    browser
        .fill(&format!("{goal_form} input[name=targetYear]"), "2030")
        .await;
    browser
        .click(&format!("{goal_form} button[type=submit]"))
        .await;
    browser.wait_text("ul.goals", goal_statement).await;
    let goal = read(
        &server,
        &w.facilitator,
        &w.id,
        "goals { id statement targetYear }",
    )
    .await["goals"][0]
        .clone();
    assert_eq!(goal["statement"], goal_statement);
    assert_eq!(goal["targetYear"], 2030);
    let goal_id = goal["id"].as_str().unwrap().to_owned();
    browser
        .wait_text(&format!("li[data-id='{goal_id}']"), "Te bereiken in 2030")
        .await;

    // An indicator from a template, for that goal.
    let templates = server
        .data(
            &w.facilitator,
            "{ indicatorTemplates { key name unit direction kind about } }",
            json!({}),
        )
        .await["indicatorTemplates"]
        .clone();
    let template = templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["key"] == "doorlooptijd_tot_hulp")
        .unwrap()
        .clone();
    browser.click("#open-sjabloon").await;
    let from_template = "form[aria-label='Indicator uit een sjabloon']";
    choose(
        &browser,
        &format!("{from_template} select[name=template]"),
        "doorlooptijd_tot_hulp",
    )
    .await;
    browser
        .wait_text("#sjabloon-uitleg", template["about"].as_str().unwrap())
        .await;
    browser
        .fill(&format!("{from_template} input[name=baseline]"), "60")
        .await;
    // A norm on the wrong side of the baseline is refused before sending.
    browser
        .fill(&format!("{from_template} input[name=norm]"), "90")
        .await;
    browser
        .click(&format!("{from_template} button[type=submit]"))
        .await;
    browser
        .wait_text(
            &format!("{from_template} .form-alert"),
            "de norm moet lager zijn dan de nulmeting",
        )
        .await;
    browser
        .fill(&format!("{from_template} input[name=norm]"), "30")
        .await;
    choose(
        &browser,
        &format!("{from_template} select[name=goal]"),
        &goal_id,
    )
    .await;
    browser
        .click(&format!("{from_template} button[type=submit]"))
        .await;
    let name = template["name"].as_str().unwrap();
    let listed = browser
        .wait_text(&format!("li[data-id='{goal_id}'] .goal-indicators"), name)
        .await;
    assert!(listed.contains("procesindicator"), "{listed}");
    let state = read(
        &server,
        &w.facilitator,
        &w.id,
        "goals { indicators { id } } evaluation { indicators { id name unit baseline norm direction kind template goal { id } } }",
    )
    .await;
    let indicator = &state["evaluation"]["indicators"][0];
    assert_eq!(
        state["evaluation"]["indicators"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        [
            &indicator["name"],
            &indicator["unit"],
            &indicator["direction"],
            &indicator["kind"],
            &indicator["template"],
            &indicator["goal"]["id"]
        ],
        [
            &json!(name),
            &json!("dagen"),
            &json!("DECREASE"),
            &json!("PROCESS"),
            &json!("doorlooptijd_tot_hulp"),
            &json!(goal_id)
        ]
    );
    assert_eq!(
        [indicator["baseline"].as_f64(), indicator["norm"].as_f64()],
        [Some(60.0), Some(30.0)]
    );
    assert_eq!(
        state["goals"][0]["indicators"],
        json!([{"id": indicator["id"]}])
    );
    println!("goal recorded for 2030; indicator {name:?} from its template, a process indicator of that goal");
    screenshot(&browser, "doelen").await;

    // The overview: what step 4 has done so far, and only that.
    open_view(&browser, "overzicht").await;
    let done = browser
        .wait_text("#gedaan", &format!("Doel: {goal_statement}"))
        .await;
    assert!(done.contains(&format!("Indicator: {name}")), "{done}");
    assert!(!done.contains("Klantreis"), "step 3's journey: {done}");
    let history = read(
        &server,
        &w.facilitator,
        &w.id,
        "phaseHistory { from { number } to { number } note by { name } }",
    )
    .await["phaseHistory"]
        .clone();
    assert_eq!(history.as_array().unwrap().len(), 3);
    assert_eq!(history[2]["note"], "We weten nu waar gezinnen vastlopen.");
    assert_eq!(history[2]["to"]["number"], 4);
    browser
        .wait_text("#stap-sinds", "van stap 3 naar deze stap")
        .await;
    screenshot(&browser, "step-guide").await;
    println!("step 4: the overview lists the goal and the indicator as done in this step, not step 3's journey");
    browser.close().await;
}

#[tokio::test]
async fn a_partner_logs_progress_on_the_pdca_form_of_an_action_in_do() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = nji(&server).await;
    let anna = server
        .invite_member(
            &w.facilitator,
            &w.id,
            "Anna de Vries",
            "PARTNER",
            Some(&w.schuldhulp),
        )
        .await
        .token;
    let indicator = server
        .command(
            &w.facilitator,
            "defineIndicator",
            "{ indicator { id } }",
            json!({"werkplaatsId": w.id, "name": "Gezinnen binnen een week geholpen", "unit": "%",
                   "baseline": 20.0, "norm": 60.0, "direction": "INCREASE", "kind": "OUTCOME"}),
        )
        .await["indicator"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let title = "Bellen bij de eerste huurachterstand";
    let planned = server
        .command(
            &anna,
            "planAction",
            "{ action { id version } }",
            json!({"werkplaatsId": w.id, "title": title, "goal": "Binnen een week contact met elk gezin.",
                   "ownerPartnerId": w.schuldhulp, "indicatorIds": [indicator]}),
        )
        .await;
    let action = planned["action"]["id"].as_str().unwrap().to_owned();
    server
        .command(
            &anna,
            "startAction",
            "{ version }",
            json!({"werkplaatsId": w.id, "actionId": action,
                   "expectedVersion": planned["action"]["version"]}),
        )
        .await;

    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&anna, NAME).await;
    browser.goto(&format!("/#/w/{}/plan", w.id)).await;
    let card = browser.wait_text(".column-doing .cards", title).await;
    assert!(
        card.contains("Moet bewegen: Gezinnen binnen een week geholpen"),
        "{card}"
    );

    // Anna plans another action that should move the same indicator.
    let plan_form = "form[aria-label='Actie plannen']";
    let second = "Huisbezoek na een gemiste afspraak";
    browser
        .fill(&format!("{plan_form} input[name=title]"), second)
        .await;
    browser
        .fill(
            &format!("{plan_form} textarea[name=goal]"),
            "Geen gezin raakt uit beeld.",
        )
        .await;
    browser
        .click(&format!(
            "{plan_form} input[name=indicators][value='{indicator}']"
        ))
        .await;
    browser
        .click(&format!("{plan_form} button[type=submit]"))
        .await;
    browser.wait_text(".column-planned .cards", second).await;
    let actions = read(
        &server,
        &anna,
        &w.id,
        "plan { actions { id title status indicators { id } } }",
    )
    .await["plan"]["actions"]
        .clone();
    assert_eq!(actions[1]["title"], second);
    assert_eq!(actions[1]["indicators"], json!([{"id": indicator}]));
    let later = actions[1]["id"].as_str().unwrap().to_owned();

    // The PDCA form of the action in Do, from its card.
    browser.click(&format!("#pdca-link-{action}")).await;
    browser
        .wait_text("#pdca-kop", &format!("PDCA-formulier: {title}"))
        .await;
    browser
        .wait_text(
            &format!("#pdca-{action} .pdca-indicators"),
            "Gezinnen binnen een week geholpen: nog niet gemeten",
        )
        .await;
    browser
        .wait_text(&format!("#pdca-{action} .pdca-table"), "Gestart")
        .await;
    let form = format!("#pdca-{action} form[aria-label='Voortgang vastleggen']");
    let text = "De eerste twaalf gezinnen gebeld; negen namen op.";
    browser
        .fill(&format!("{form} textarea[name=text]"), text)
        .await;
    choose(
        &browser,
        &format!("{form} input[name=occurredOn]"),
        "2026-11-30",
    )
    .await;
    browser.click(&format!("{form} button[type=submit]")).await;
    let log = browser
        .wait_text(&format!("#pdca-{action} ol.log"), text)
        .await;
    assert!(
        log.contains("30 nov 2026") && log.contains("Anna de Vries"),
        "{log}"
    );
    let cycles = read(
        &server,
        &anna,
        &w.id,
        "plan { actions { id version cycles { number startedAt log { text occurredOn recordedBy { name } } findings outcome } } } version",
    )
    .await;
    let logged = &cycles["plan"]["actions"][0];
    assert_eq!(logged["id"], action.as_str());
    assert_eq!(logged["cycles"].as_array().unwrap().len(), 1);
    assert_eq!(
        logged["cycles"][0]["log"],
        json!([{"text": text, "occurredOn": "2026-11-30", "recordedBy": {"name": "Anna de Vries"}}])
    );
    assert!(logged["cycles"][0]["startedAt"].is_string());
    assert_eq!(logged["cycles"][0]["findings"], Value::Null);
    // The progress log moved the action's version, which the page now shows
    // as its own: a correction from the card is not a conflict.
    assert_eq!(logged["version"], cycles["version"]);
    println!("Anna logged progress on the PDCA form: {log:?}");
    screenshot(&browser, "pdca").await;

    // An action still in Plan has no progress log to write in.
    browser.goto(&format!("/#/w/{}/pdca/{later}", w.id)).await;
    browser
        .wait_text(
            &format!("#pdca-{later}"),
            "Voortgang vastleggen kan zolang de actie in Do staat.",
        )
        .await;
    let forms = browser
        .script(
            "return document.querySelectorAll(\"form[aria-label='Voortgang vastleggen']\").length",
            vec![],
        )
        .await;
    assert_eq!(forms, json!(0));
    browser.close().await;
}

#[tokio::test]
async fn decisions_due_for_review_risks_and_a_corrected_problem_with_its_conflict() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = nji(&server).await;
    let recorded = server
        .command(
            &w.facilitator,
            "recordProblem",
            "{ problem { id version } }",
            json!({"werkplaatsId": w.id, "title": "Kinderen missen schoolreisjes",
                   "description": "Ouders schamen zich om om hulp te vragen.", "perspective": "CLIENT"}),
        )
        .await;
    let problem = recorded["problem"]["id"].as_str().unwrap().to_owned();
    let decision_title = "Het jeugdfonds betaalt schoolreisjes";
    let decision = server
        .command(
            &w.facilitator,
            "recordDecision",
            "{ decision { id } }",
            json!({"werkplaatsId": w.id, "title": decision_title, "context": "Veel aanvragen blijven liggen.",
                   "optionsConsidered": ["Jeugdfonds", "Eigen potje"], "decision": "Via het jeugdfonds.",
                   "rationale": "Bestaat al en is bekend bij scholen.", "basedOn": [problem],
                   "reviewOn": "2026-01-15", "consequences": "Scholen melden kinderen zelf aan."}),
        )
        .await["decision"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.facilitator, NAME).await;
    let today = browser
        .script(
            "const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`",
            vec![],
        )
        .await;

    // The decision is due: it is listed, with its consequences in the log.
    browser.goto(&format!("/#/w/{}/besluiten", w.id)).await;
    browser.wait_text("#herzien-lijst", decision_title).await;
    let card = browser
        .wait_text(
            &format!("ol.decisions li[data-id='{decision}']"),
            "Gevolgen",
        )
        .await;
    assert!(card.contains("Scholen melden kinderen zelf aan."), "{card}");
    assert!(card.contains("15 jan 2026"), "{card}");
    screenshot(&browser, "besluiten-herzien").await;
    browser.click(&format!("#herzien-nu-{decision}")).await;
    browser
        .click("#editor[open] input[name=outcome][value=KEEP]")
        .await;
    let note = "Werkt: dertig kinderen gingen mee op schoolreis.";
    browser.fill("#editor textarea[name=note]", note).await;
    choose(&browser, "#editor input[name=nextReviewOn]", "2099-06-01").await;
    browser.click("#editor button[type=submit]").await;
    dialog_closes(&browser).await;
    browser
        .wait_until(
            "the decision leaves the list due for review",
            "return document.querySelectorAll('#herzien-lijst li').length === 0",
        )
        .await;
    let reviewed = server
        .data(
            &w.facilitator,
            "query($id: ID!, $on: Date!) { werkplaats(id: $id) { reviewsDue(on: $on) { id }
               decisionLog { reviewOn retired consequences reviews { outcome note nextReviewOn reviewedBy { name } } } } }",
            json!({"id": w.id, "on": today}),
        )
        .await["werkplaats"]
        .clone();
    assert_eq!(reviewed["reviewsDue"], json!([]));
    assert_eq!(
        reviewed["decisionLog"][0],
        json!({"reviewOn": "2099-06-01", "retired": false, "consequences": "Scholen melden kinderen zelf aan.",
               "reviews": [{"outcome": "KEEP", "note": note, "nextReviewOn": "2099-06-01",
                            "reviewedBy": {"name": "Fatima Yilmaz"}}]})
    );
    browser
        .wait_text(
            &format!("li[data-id='{decision}'] .reviews"),
            "Herzieningen (1)",
        )
        .await;
    println!("decision reviewed (keep) from the list due today; next review 2099-06-01");

    // The risk register: record a risk, see it in the matrix, mitigate it.
    browser.goto(&format!("/#/w/{}/risicos", w.id)).await;
    browser.click("#open-risico").await;
    let risk_form = "form[aria-label='Risico vastleggen']";
    let risk_title = "Scholen haken af";
    browser
        .fill(&format!("{risk_form} input[name=title]"), risk_title)
        .await;
    browser
        .fill(
            &format!("{risk_form} textarea[name=description]"),
            "Zonder scholen bereiken we de kinderen niet.",
        )
        .await;
    choose(
        &browser,
        &format!("{risk_form} select[name=likelihood]"),
        "MEDIUM",
    )
    .await;
    choose(
        &browser,
        &format!("{risk_form} select[name=impact]"),
        "HIGH",
    )
    .await;
    choose(
        &browser,
        &format!("{risk_form} select[name=owner]"),
        &w.gemeente,
    )
    .await;
    browser
        .click(&format!("{risk_form} button[type=submit]"))
        .await;
    browser.wait_text("#risicomatrix", risk_title).await;
    let placed = browser
        .script(
            "const rows = [...document.querySelectorAll('#risicomatrix tbody tr')];
             return rows.flatMap((tr, row) => [...tr.querySelectorAll('td')].map((td, col) => [row, col, td.textContent]))
               .filter(([, , text]) => text.includes(arguments[0])).map(([row, col]) => [row, col]);",
            vec![json!(risk_title)],
        )
        .await;
    // Rows run from high impact down; columns from low likelihood up.
    assert_eq!(placed, json!([[0, 1]]), "impact high, likelihood medium");
    let risk = read(
        &server,
        &w.facilitator,
        &w.id,
        "risks { id likelihood impact owner { id } status mitigation version }",
    )
    .await["risks"][0]
        .clone();
    assert_eq!(risk["likelihood"], "MEDIUM");
    assert_eq!(risk["impact"], "HIGH");
    assert_eq!(risk["owner"]["id"], w.gemeente.as_str());
    assert_eq!(risk["status"], "OPEN");
    let risk_id = risk["id"].as_str().unwrap().to_owned();
    browser.click(&format!("#corrigeer-{risk_id}")).await;
    choose(&browser, "#editor select[name=status]", "MITIGATED").await;
    let mitigation = "De gemeente spreekt elke maand met de schooldirecteuren.";
    browser
        .fill("#editor textarea[name=mitigation]", mitigation)
        .await;
    browser.click("#editor button[type=submit]").await;
    dialog_closes(&browser).await;
    browser
        .wait_text(&format!("li[data-id='{risk_id}']"), mitigation)
        .await;
    let risk = read(
        &server,
        &w.facilitator,
        &w.id,
        "risks { status mitigation }",
    )
    .await["risks"][0]
        .clone();
    assert_eq!(
        risk,
        json!({"status": "MITIGATED", "mitigation": mitigation})
    );
    println!("risk recorded in the matrix at impact high × likelihood medium, then mitigated");
    screenshot(&browser, "risicos").await;

    // Correcting the problem while it is corrected elsewhere too (the same
    // facilitator, as from another tab).
    browser.goto(&format!("/#/w/{}/overzicht", w.id)).await;
    browser.click(&format!("#corrigeer-{problem}")).await;
    browser
        .find("#editor[open] textarea[name=description]")
        .await;
    let their_title = "Kinderen missen schoolreisjes en sportclubs";
    server
        .command(
            &w.facilitator,
            "reviseProblem",
            "{ version }",
            json!({"werkplaatsId": w.id, "problemId": problem,
                   "expectedVersion": recorded["problem"]["version"], "title": their_title}),
        )
        .await;
    let my_description = "Ouders schamen zich en kennen het jeugdfonds niet.";
    browser
        .fill("#editor textarea[name=description]", my_description)
        .await;
    browser.click("#editor button[type=submit]").await;
    let conflict = browser
        .wait_text("#conflict", "in een ander tabblad gewijzigd")
        .await;
    assert!(
        conflict.contains(their_title) && conflict.contains(my_description),
        "{conflict}"
    );
    let differing = browser
        .script(
            "return [...document.querySelectorAll('#conflict tr.differs th')].map((th) => th.textContent)",
            vec![],
        )
        .await;
    assert_eq!(differing, json!(["Titel", "Beschrijving"]));
    screenshot(&browser, "conflict-probleem").await;
    // Keep mine: my title (the old one) and my description.
    browser
        .click("#conflict .buttons button:nth-child(2)")
        .await;
    dialog_closes(&browser).await;
    browser
        .wait_text("section[aria-labelledby=problemen]", my_description)
        .await;
    let corrected = read(
        &server,
        &w.facilitator,
        &w.id,
        "problems { title description perspective }",
    )
    .await["problems"][0]
        .clone();
    assert_eq!(
        corrected,
        json!({"title": "Kinderen missen schoolreisjes", "description": my_description, "perspective": "CLIENT"})
    );
    println!("problem corrected over a conflict: kept my version");

    // A solution with the capitals it invests in and its recognition.
    browser.click("#open-oplossing").await;
    let propose = "form[aria-label='Oplossing voorstellen']";
    let solution_title = "Schoolreisfonds via de mentor";
    browser
        .fill(&format!("{propose} input[name=title]"), solution_title)
        .await;
    browser
        .fill(
            &format!("{propose} textarea[name=description]"),
            "De mentor meldt kinderen aan; ouders hoeven niets te vragen.",
        )
        .await;
    for (name, value) in [
        ("basis", "PRACTICE"),
        ("problems", problem.as_str()),
        ("capitals", "SOCIAL"),
        ("capitals", "PSYCHOLOGICAL"),
    ] {
        browser
            .click(&format!("{propose} input[name={name}][value='{value}']"))
            .await;
    }
    choose(
        &browser,
        &format!("{propose} select[name=recognition]"),
        "WELL_FOUNDED",
    )
    .await;
    browser
        .click(&format!("{propose} button[type=submit]"))
        .await;
    let card = browser
        .wait_text("section[aria-labelledby=oplossingen]", solution_title)
        .await;
    assert!(
        card.contains("psychologisch kapitaal, sociaal kapitaal"),
        "{card}"
    );
    assert!(card.contains("Erkenning: goed onderbouwd"), "{card}");
    let solution = read(
        &server,
        &w.facilitator,
        &w.id,
        "solutions { capitals recognition addresses { id } }",
    )
    .await["solutions"][0]
        .clone();
    assert_eq!(
        solution,
        json!({"capitals": ["PSYCHOLOGICAL", "SOCIAL"], "recognition": "WELL_FOUNDED", "addresses": [{"id": problem}]})
    );

    // A decision with its consequences and a review date, from the form.
    browser.goto(&format!("/#/w/{}/besluiten", w.id)).await;
    browser.click("#open-besluit").await;
    let record = "form[aria-label='Besluit vastleggen']";
    let second_title = "Mentoren melden aan";
    for (control, text) in [
        ("input[name=title]", second_title),
        ("textarea[name=context]", "Ouders vragen zelf niet om hulp."),
        (
            "textarea[name=options]",
            "Mentor meldt aan\nOuders melden aan",
        ),
        ("textarea[name=decision]", "De mentor meldt aan."),
        (
            "textarea[name=rationale]",
            "Zo is er geen drempel van schaamte.",
        ),
        (
            "textarea[name=consequences]",
            "Scholen krijgen een aanmeldformulier.",
        ),
    ] {
        browser.fill(&format!("{record} {control}"), text).await;
    }
    choose(
        &browser,
        &format!("{record} input[name=reviewOn]"),
        "2099-09-01",
    )
    .await;
    browser
        .click(&format!("{record} button[type=submit]"))
        .await;
    let logged = browser
        .wait_text("ol.decisions > li:last-child", second_title)
        .await;
    assert!(
        logged.contains("Scholen krijgen een aanmeldformulier.") && logged.contains("1 sep 2099"),
        "{logged}"
    );
    let decisions = read(
        &server,
        &w.facilitator,
        &w.id,
        "decisionLog { title reviewOn consequences optionsConsidered }",
    )
    .await["decisionLog"]
        .clone();
    assert_eq!(
        decisions[1],
        json!({"title": second_title, "reviewOn": "2099-09-01", "consequences": "Scholen krijgen een aanmeldformulier.",
               "optionsConsidered": ["Mentor meldt aan", "Ouders melden aan"]})
    );
    println!("solution proposed with two capitals and its recognition; decision recorded with consequences and a review date");

    // Every new view: labels, one h1, no value left unworded; and the
    // timeline replays them.
    let mut controls = 0;
    for (view, ready) in [
        ("overzicht", "#stapgids"),
        ("doelen", "#doelen"),
        ("risicos", "#risicomatrix"),
        ("klantreis", "#klantreizen"),
        ("checklist", "#checklist-tabel"),
        ("pdca", "#pdca-kop"),
        ("besluiten", "#te-herzien"),
        ("tijdlijn", "#veranderd"),
    ] {
        browser.goto(&format!("/#/w/{}/{view}", w.id)).await;
        browser.find(ready).await;
        let found = browser.script(AUDIT, vec![]).await;
        check(view, &found);
        controls += found["controls"].as_u64().unwrap();
        let fault = browser
            .script(
                "return document.getElementById('fout')?.textContent ?? null",
                vec![],
            )
            .await;
        assert_eq!(fault, Value::Null, "{view}");
    }
    browser
        .wait_text("#tijdlijn-inhoud", "Scholen haken af")
        .await;
    println!("accessibility of the method's views: {controls} controls, all labelled");
    browser.close().await;
}
