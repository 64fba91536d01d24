//! The timeline slider shows the werkplaats as it was, marks what the step
//! changed, and opens a decision's provenance.

use fantoccini::key::Key;
use serde_json::json;

use super::driver::{exclusive, Chromedriver};
use super::seed;
use crate::kit::app::spawn_app_as_shipped;

#[tokio::test]
async fn the_timeline_shows_an_earlier_version_and_a_decisions_provenance() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.facilitator, seed::NAME).await;
    browser.goto(&format!("/#/w/{}/tijdlijn", w.id)).await;
    let head = browser
        .wait_text("#tijdlijn-stand", "Versie 23 van 23")
        .await;
    println!("timeline opens at the head: {head}");

    // Keyboard only: Home goes to version 1, then arrow keys step on.
    let slider = browser.find("#tijdlijn-schuif").await;
    slider.send_keys(&Key::Home.to_string()).await.unwrap();
    browser
        .wait_text("#tijdlijn-stand", "Versie 1 van 23")
        .await;
    let steps = usize::try_from(w.problem_version - 1).unwrap();
    slider
        .send_keys(&Key::Right.to_string().repeat(steps))
        .await
        .unwrap();
    let position = format!("Versie {} van 23", w.problem_version);
    let shown = browser.wait_text("#tijdlijn-stand", &position).await;
    assert!(shown.contains("probleem vastgelegd"), "{shown}");

    // Then: the client's problem is new, marked in words; nothing planned yet.
    let marked = browser
        .script(
            "return [...document.querySelectorAll('#tijdlijn-inhoud .changed')].map(e => [e.dataset.id, e.querySelector('.badge').textContent])",
            vec![],
        )
        .await;
    assert_eq!(marked, json!([[w.problem, "nieuw"]]));
    let then = browser
        .script(
            "return [document.querySelectorAll('#tijdlijn-inhoud .action').length, document.querySelectorAll('#tijdlijn-inhoud form, #tijdlijn-inhoud .buttons').length]",
            vec![],
        )
        .await;
    println!(
        "version {}: 1 item marked new, [actions, forms] = {then}",
        w.problem_version
    );
    assert_eq!(then, json!([0, 0]), "no actions yet, and read-only");
    browser.screenshot("timeline").await;

    // At the head, the decision opens its provenance: what it was based on.
    slider.send_keys(&Key::End.to_string()).await.unwrap();
    browser
        .wait_text("#tijdlijn-stand", "Versie 23 van 23")
        .await;
    browser
        .click(&format!(
            "#tijdlijn-inhoud li[data-id='{}'] button",
            w.decision
        ))
        .await;
    let provenance = browser
        .wait_text("#editor[open] .provenance", "Brieven komen te laat aan")
        .await;
    assert!(
        provenance.contains("Vroegsignalering via het mbo"),
        "{provenance}"
    );
    let items = browser
        .script(
            "return document.querySelectorAll('#editor .provenance li.card').length",
            vec![],
        )
        .await;
    println!("the decision's provenance lists {items} items");
    assert_eq!(items, json!(2));
    browser.screenshot("provenance").await;
    browser.close().await;
}
