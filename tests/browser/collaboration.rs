//! Two partners at once: one plans an action and the other sees it appear;
//! both edit it and the second resolves the conflict.

use std::time::{Duration, Instant};

use serde_json::json;

use super::driver::{exclusive, Chromedriver};
use super::seed;
use crate::kit::app::spawn_app_as_shipped;

#[tokio::test]
async fn two_partners_see_each_others_changes_and_resolve_a_conflict() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let anna = driver.browser(&server.address).await;
    let bram = driver.browser(&server.address).await;

    // Anna opens her invitation link; the token leaves the address bar.
    anna.sign_in_by_link(&w.anna, seed::NAME).await;
    let kept = anna
        .script(
            "return [location.href.includes('token'), sessionStorage.getItem('werkplaats.token')]",
            vec![],
        )
        .await;
    assert_eq!(
        kept,
        json!([false, w.anna]),
        "token moved to session storage"
    );
    // Bram pastes his token.
    bram.goto("/").await;
    bram.fill("input[name=token]", &w.bram).await;
    bram.click("form.signin button[type=submit]").await;
    bram.wait_text("h1", seed::NAME).await;
    bram.wait_text("#account", "Bram Jansen").await;

    let plan = format!("/#/w/{}/plan", w.id);
    anna.goto(&plan).await;
    bram.goto(&plan).await;
    bram.wait_text("#kolom-doing", "Do").await;
    // Each sees the other present.
    anna.wait_text("#aanwezig", "Bram Jansen").await;
    bram.wait_text("#aanwezig", "Anna de Vries").await;

    // Bram has started typing an action of his own.
    let own = "form[aria-label='Actie plannen'] input[name=title]";
    bram.fill(own, "Huiswerkklas met").await;

    // Anna plans an action; Bram's board shows it without a reload.
    let title = "Spreekuur op het mbo";
    anna.fill("form[aria-label='Actie plannen'] input[name=title]", title)
        .await;
    anna.fill(
        "form[aria-label='Actie plannen'] textarea[name=goal]",
        "Jongeren met geldzorgen spreken voor er schulden zijn.",
    )
    .await;
    anna.click("form[aria-label='Actie plannen'] button[type=submit]")
        .await;
    let planned = Instant::now();
    bram.wait_text(".column-planned .cards", title).await;
    let seen_after = planned.elapsed();
    println!(
        "Bram saw Anna's new action {} ms after she planned it",
        seen_after.as_millis()
    );
    assert!(
        seen_after < Duration::from_secs(1),
        "seen after {seen_after:?}"
    );
    // What Bram was typing survived the update.
    let typed = bram
        .script(
            &format!("return document.querySelector(\"{own}\").value"),
            vec![],
        )
        .await;
    assert_eq!(typed, json!("Huiswerkklas met"));
    bram.screenshot("plan-board").await;

    // Both open the new action for editing; each sees the other at it.
    let card = ".column-planned li.card:last-child";
    let action_id = bram
        .script(
            &format!("return document.querySelector('{card}').dataset.id"),
            vec![],
        )
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let edit = format!("#bewerk-{action_id}");
    anna.wait_text(".column-planned .cards", title).await;
    anna.click(&edit).await;
    anna.find("#editor[open] input[name=title]").await;
    bram.wait_text("#aanwezig", "bewerkt Actie: Spreekuur op het mbo")
        .await;
    bram.wait_text(card, "Wordt bewerkt door Anna de Vries")
        .await;
    bram.click(&edit).await;
    bram.find("#editor[open] textarea[name=goal]").await;

    // Anna saves first.
    let anna_title = "Spreekuur op het mbo, elke dinsdag";
    anna.fill("#editor input[name=title]", anna_title).await;
    anna.click("#editor button[type=submit]").await;
    anna.wait_until(
        "Anna's dialog closes",
        "return !document.getElementById('editor').open",
    )
    .await;
    bram.wait_text(".column-planned .cards", anna_title).await;

    // Bram's save is stale: he sees her version beside his.
    let bram_goal = "Mentoren en schuldhulp samen aan tafel.";
    bram.fill("#editor textarea[name=goal]", bram_goal).await;
    bram.click("#editor button[type=submit]").await;
    let conflict = bram.wait_text("#conflict", "Hun versie").await;
    assert!(conflict.contains(anna_title), "{conflict}");
    assert!(conflict.contains(bram_goal), "{conflict}");
    let differing = bram
        .script(
            "return document.querySelectorAll('#conflict tr.differs').length",
            vec![],
        )
        .await;
    println!("conflict view: {differing} fields differ (title and goal)");
    assert_eq!(differing, json!(2));
    bram.screenshot("conflict").await;

    // He merges: her title, his goal, and the retry succeeds.
    bram.click("#conflict .buttons button:nth-child(3)").await;
    bram.wait_text("#editor .theirs", anna_title).await;
    bram.fill("#editor input[name=title]", anna_title).await;
    bram.click("#editor button[type=submit]").await;
    bram.wait_until(
        "Bram's dialog closes",
        "return !document.getElementById('editor').open",
    )
    .await;
    anna.wait_text(".column-planned .cards", bram_goal).await;
    println!("merge: Anna's title and Bram's goal both kept");

    // Once more the other way round: Anna's save is stale and she keeps
    // her whole version over Bram's newer title.
    anna.click(&edit).await;
    anna.find("#editor[open] textarea[name=goal]").await;
    bram.click(&edit).await;
    bram.fill("#editor[open] input[name=title]", "Spreekuur op het roc")
        .await;
    bram.click("#editor button[type=submit]").await;
    bram.wait_until(
        "Bram's dialog closes",
        "return !document.getElementById('editor').open",
    )
    .await;
    let anna_goal = "Elke dinsdag een spreekuur met schuldhulp.";
    anna.fill("#editor textarea[name=goal]", anna_goal).await;
    anna.click("#editor button[type=submit]").await;
    anna.wait_text("#conflict", "Spreekuur op het roc").await;
    anna.click("#conflict .buttons button:nth-child(2)").await;
    anna.wait_until(
        "Anna's dialog closes",
        "return !document.getElementById('editor').open",
    )
    .await;
    bram.wait_text(".column-planned .cards", anna_goal).await;

    let action = server
        .data(
            &w.facilitator,
            "query($id: ID!) { werkplaats(id: $id) { version plan { actions { id title goal version } } } }",
            json!({"id": w.id}),
        )
        .await;
    let merged = action["werkplaats"]["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == action_id.as_str())
        .unwrap();
    assert_eq!(merged["title"], anna_title);
    assert_eq!(merged["goal"], anna_goal);
    assert_eq!(merged["version"], action["werkplaats"]["version"]);
    println!(
        "action at version {} after a merge and a keep-mine: Anna's title and goal",
        merged["version"]
    );
    anna.close().await;
    bram.close().await;
}
