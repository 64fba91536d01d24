//! Every view, as the facilitator sees it (who has the most forms): each
//! form control has a label, each chart and image a text alternative, one
//! `h1` per page, and the keyboard reaches the skip link first.

use serde_json::{json, Value};

use super::driver::{exclusive, Chromedriver};
use super::seed;
use crate::kit::app::spawn_app_as_shipped;

/// Counts what a screen reader would miss on the page as it is now.
pub(super) const AUDIT: &str = r#"
const named = (e) => (e.getAttribute('aria-label') || '').trim() !== ''
  || (e.getAttribute('aria-labelledby') || '').split(' ').some((id) => (document.getElementById(id)?.textContent || '').trim() !== '');
const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')];
const unlabelled = controls.filter((c) => ![...c.labels].some((l) => l.textContent.trim() !== '') && !named(c));
const buttons = [...document.querySelectorAll('button, a[href]')].filter((b) => b.textContent.trim() === '' && !named(b));
const svgs = [...document.querySelectorAll('svg')];
const charts = svgs.filter((s) => s.getAttribute('role') === 'img' && named(s));
const hiddenSvgs = svgs.filter((s) => s.getAttribute('aria-hidden') === 'true');
const images = [...document.querySelectorAll('img')];
const text = document.body.innerText;
return {
  leaked: (text.match(/\bnull\b|\bundefined\b|\[object|NaN/g) || []),
  lang: document.documentElement.lang,
  h1: document.querySelectorAll('h1').length,
  controls: controls.length,
  unlabelled: unlabelled.map((c) => c.outerHTML.slice(0, 80)),
  unnamedButtons: buttons.map((b) => b.outerHTML.slice(0, 80)),
  svgs: svgs.length,
  chartsWithText: charts.length + hiddenSvgs.length,
  imagesWithoutAlt: images.filter((i) => !i.hasAttribute('alt')).length,
};
"#;

#[tokio::test]
async fn every_control_has_a_label_and_every_chart_a_text_alternative() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;

    // The sign-in page first.
    browser.goto("/").await;
    browser.find("input[name=token]").await;
    let signin = browser.script(AUDIT, vec![]).await;
    check("aanmelden", &signin);

    // The admin's home: the werkplaatsen and the form to open one.
    browser
        .goto(&format!("/#token={}", server.admin_token))
        .await;
    browser.wait_text("h1", "Werkplaatsen").await;
    browser.find("form[aria-label='Nieuwe werkplaats']").await;
    check("werkplaatsen", &browser.script(AUDIT, vec![]).await);
    browser.screenshot("werkplaatsen").await;

    browser.sign_in_by_link(&w.facilitator, seed::NAME).await;
    // From here on the page stays loaded (views change the fragment only),
    // so this hears of anything the Content-Security-Policy blocks.
    browser
        .script(
            "window.blocked = []; document.addEventListener('securitypolicyviolation', (e) => window.blocked.push(e.violatedDirective)); return true",
            vec![],
        )
        .await;
    let mut controls = 0;
    let mut charts = 0;
    for (view, ready) in [
        ("overzicht", "#problemen"),
        ("plan", "#kolom-planned"),
        ("besluiten", "#besluitenlog"),
        ("evaluatie", "figure.chart svg"),
        ("tijdlijn", "#veranderd"),
        ("audit", "#trail table"),
    ] {
        browser.goto(&format!("/#/w/{}/{view}", w.id)).await;
        browser.find(ready).await;
        let found = browser.script(AUDIT, vec![]).await;
        check(view, &found);
        controls += found["controls"].as_u64().unwrap();
        charts += found["chartsWithText"].as_u64().unwrap();
        if view == "evaluatie" {
            assert_eq!(found["svgs"], json!(1), "one chart per indicator");
        }
        browser.screenshot(view).await;
    }

    // The edit dialog, too.
    browser.goto(&format!("/#/w/{}/plan", w.id)).await;
    browser.click(".column-doing button[id^=bewerk-]").await;
    browser.find("#editor[open] input[name=title]").await;
    let dialog = browser.script(AUDIT, vec![]).await;
    check("bewerken", &dialog);
    browser
        .client
        .execute("document.getElementById('editor').close()", vec![])
        .await
        .unwrap();

    // The contract's limits are checked before anything is sent: an empty
    // plan is refused in words, beside the field, and nothing is stored.
    browser
        .click("form[aria-label='Actie plannen'] button[type=submit]")
        .await;
    let refused = browser
        .wait_text(
            "form[aria-label='Actie plannen'] .field .error",
            "Vul dit veld in.",
        )
        .await;
    let invalid = browser
        .script(
            "return document.querySelectorAll(\"form[aria-label='Actie plannen'] [aria-invalid=true]\").length",
            vec![],
        )
        .await;
    println!("an empty plan: {refused:?} on {invalid} fields, none sent");
    assert_eq!(invalid, json!(2), "title and goal");
    let version = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { version } }",
            json!({"id": w.id}),
        )
        .await;
    assert_eq!(version["werkplaats"]["version"], 23);

    let blocked = browser.script("return window.blocked", vec![]).await;
    assert_eq!(blocked, json!([]), "blocked by the Content-Security-Policy");

    // Keyboard: after a load, the first Tab stop is the skip link.
    browser.client.refresh().await.unwrap();
    browser.find("#kolom-planned").await;
    browser
        .find("body")
        .await
        .send_keys(&fantoccini::key::Key::Tab.to_string())
        .await
        .unwrap();
    let first = browser
        .script("return document.activeElement.textContent", vec![])
        .await;
    assert_eq!(first, json!("Naar de inhoud"));

    println!(
        "accessibility: {controls} form controls on 6 views, all labelled; {charts} charts (evaluation, timeline), each with a text alternative; 0 images without alt"
    );
    assert!(controls > 40, "the views carry their forms: {controls}");
    browser.close().await;
}

pub(super) fn check(view: &str, found: &Value) {
    println!(
        "{view}: {} controls, {} unlabelled, {} svg, {} with text alternative",
        found["controls"],
        found["unlabelled"].as_array().unwrap().len(),
        found["svgs"],
        found["chartsWithText"]
    );
    assert_eq!(found["lang"], "nl", "{view}");
    assert_eq!(
        found["leaked"],
        json!([]),
        "{view}: a value the page should have put in words"
    );
    assert_eq!(found["h1"], 1, "{view}: one h1");
    assert_eq!(
        found["unlabelled"],
        json!([]),
        "{view}: controls without a label"
    );
    assert_eq!(
        found["unnamedButtons"],
        json!([]),
        "{view}: buttons without a name"
    );
    assert_eq!(
        found["svgs"], found["chartsWithText"],
        "{view}: charts without text"
    );
    assert_eq!(found["imagesWithoutAlt"], 0, "{view}");
}
