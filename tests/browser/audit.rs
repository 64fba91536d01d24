//! The evaluator's audit page, and the HTTP routes behind its downloads.

use serde_json::{json, Value};

use super::driver::{exclusive, Chromedriver};
use super::seed;
use crate::kit::app::spawn_app_as_shipped;

#[tokio::test]
async fn the_evaluator_verifies_the_trail_and_pages_through_it() {
    let _turn = exclusive().await;
    let server = spawn_app_as_shipped().await;
    let w = seed::werkplaats(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.evaluator, seed::NAME).await;
    browser.goto(&format!("/#/w/{}/audit", w.id)).await;
    browser
        .wait_text(
            "#trail-range",
            "Gebeurtenissen 1 tot en met 20; er zijn er meer",
        )
        .await;

    browser.click("#verify").await;
    let verdict = browser.wait_text("#verify-result", "Geldig").await;
    println!("verify in the browser: {verdict}");
    assert!(verdict.contains("alle 23 gebeurtenissen"), "{verdict}");
    browser.screenshot("audit").await;

    browser.click("#trail + .buttons button:nth-child(2)").await;
    browser
        .wait_text("#trail-range", "Gebeurtenissen 21 tot en met 23.")
        .await;
    let rows = browser
        .script(
            "return document.querySelectorAll('#trail tbody tr').length",
            vec![],
        )
        .await;
    assert_eq!(rows, json!(3));
    browser.close().await;

    // The export the page downloads: the same JSON Lines as the CLI's.
    let export = server
        .get_as(
            &format!("/werkplaatsen/{}/export", w.id),
            Some(&w.evaluator),
        )
        .await;
    assert_eq!(export.status(), 200);
    assert_eq!(
        export.headers()["content-type"],
        "application/jsonl; charset=utf-8"
    );
    let text = export.text().await.unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 24, "a header and 23 events");
    assert_eq!(lines[0]["headVersion"], 23);
    assert_eq!(lines[0]["headHash"], lines[23]["hash"]);
    println!(
        "export: {} lines, head hash {}",
        lines.len(),
        lines[0]["headHash"]
    );
    let anonymous = server
        .get_as(&format!("/werkplaatsen/{}/export", w.id), None)
        .await;
    assert_eq!(anonymous.status(), 401);
    let unknown = server
        .get_as(
            &format!("/werkplaatsen/{}/export", uuid::Uuid::new_v4()),
            Some(&w.evaluator),
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_client_is_served_with_its_content_types_and_a_strict_policy() {
    let server = spawn_app_as_shipped().await;
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/app.css", "text/css; charset=utf-8"),
        ("/js/main.js", "text/javascript; charset=utf-8"),
        ("/icon.svg", "image/svg+xml"),
    ] {
        let response = server.get_as(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-type"], content_type, "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.starts_with("default-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
    let page = server.get_as("/", None).await.text().await.unwrap();
    assert!(page.contains("<html lang=\"nl\">"));
    assert!(!page.contains("<script>"), "no inline script");
    assert!(!page.contains("<style"), "no inline style");
}
