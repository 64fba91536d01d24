//! Getting back in and managing members, in the browser: the admin gives a
//! facilitator a new invitation link and the old token stops working; a
//! removed member's open page says what happened and stops reconnecting; a
//! facilitator removes, forgets and re-roles members and replaces their own
//! token through the forms; "onthoud mij" keeps the token on the device
//! and signing out clears it. And every view fits a phone (390 px) and a
//! desktop (1280 px) without sideways scrolling, with a long URL in a
//! problem title.

use std::time::Duration;

use serde_json::{json, Value};

use super::driver::{exclusive, Browser, Chromedriver};
use super::seed;
use crate::kit::app::{assert_error, spawn_app, TestApp};

const NAME: &str = "Werkplaats Lelystad";

struct Seeded {
    id: String,
    facilitator: String,
    facilitator_id: String,
    anna: String,
    anna_id: String,
    bram_id: String,
    eva_id: String,
    sam_id: String,
}

async fn seed(server: &TestApp) -> Seeded {
    let created = server
        .command(
            &server.admin_token,
            "createWerkplaats",
            "{ werkplaats { id } facilitator { id } facilitatorToken }",
            json!({"name": NAME, "municipality": "Lelystad",
                   "question": "Hoe houden we de deur open voor wie een link kwijt is?",
                   "methodology": "SCHOUDERS_ERONDER", "facilitatorName": "Fatima Yilmaz"}),
        )
        .await;
    let id = created["werkplaats"]["id"].as_str().unwrap().to_owned();
    let facilitator = created["facilitatorToken"].as_str().unwrap().to_owned();
    let facilitator_id = created["facilitator"]["id"].as_str().unwrap().to_owned();
    let partner = server
        .add_partner(
            &facilitator,
            &id,
            "Schuldhulp Lelystad",
            "SCHULDHULPVERLENING",
        )
        .await
        .id;
    let anna = server
        .invite_member(
            &facilitator,
            &id,
            "Anna de Vries",
            "PARTNER",
            Some(&partner),
        )
        .await;
    let bram = server
        .invite_member(&facilitator, &id, "Bram Jansen", "PARTNER", Some(&partner))
        .await;
    let eva = server
        .invite_member(&facilitator, &id, "Eva Evaluator", "EVALUATOR", None)
        .await;
    let sam = server
        .invite_member(&facilitator, &id, "Sam Smit", "OBSERVER", None)
        .await;
    Seeded {
        id,
        facilitator,
        facilitator_id,
        anna: anna.token,
        anna_id: anna.member,
        bram_id: bram.member,
        eva_id: eva.member,
        sam_id: sam.member,
    }
}

async fn me(server: &TestApp, token: &str) -> Value {
    server
        .graphql(Some(token), "{ me { id name } }", json!({}))
        .await
}

async fn members(server: &TestApp, token: &str, w: &str) -> Value {
    server
        .data(
            token,
            "query($id: ID!) { werkplaats(id: $id) { members { id name role active forgotten } } }",
            json!({ "id": w }),
        )
        .await["werkplaats"]["members"]
        .clone()
}

fn member<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == json!(id))
        .unwrap_or_else(|| panic!("member {id} in {list}"))
}

/// The token in the link the dialog shows once (with its copy button).
async fn shown_token(browser: &Browser) -> String {
    browser.find("#nieuwe-link").await;
    browser.find("#kopieer-link").await;
    let token = browser
        .script(
            "const link = document.getElementById('nieuwe-link').value;
             return link.startsWith(location.origin + '/#token=') ? decodeURIComponent(link.split('#token=')[1]) : link",
            vec![],
        )
        .await;
    token.as_str().unwrap().to_owned()
}

/// Submits the form in the dialog.
async fn submit_dialog(browser: &Browser) {
    browser.click("#editor form button[type=submit]").await;
}

#[tokio::test]
async fn the_admin_reissues_a_facilitators_link_and_the_old_one_stops_working() {
    let _turn = exclusive().await;
    let server = spawn_app().await;
    let s = seed(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;

    browser
        .goto(&format!("/#token={}", server.admin_token))
        .await;
    browser.wait_text("h1", "Werkplaatsen").await;
    let fault = browser
        .script(
            "return [document.getElementById('fout')?.textContent ?? null, (() => { const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const found = []; while (w.nextNode()) if (/\\bnull\\b/.test(w.currentNode.nodeValue)) found.push(w.currentNode.parentNode.outerHTML.slice(0, 300)); return found.length ? found : null; })()]",
            vec![],
        )
        .await;
    assert_eq!(fault, json!([null, null]), "the admin's home");
    browser
        .click(&format!("a[href='#/w/{}/overzicht']", s.id))
        .await;
    browser.wait_text("h1", NAME).await;
    browser
        .click(&format!("#heruitnodig-{}", s.facilitator_id))
        .await;
    browser
        .wait_text(
            "#editor-title",
            "Nieuwe uitnodigingslink voor Fatima Yilmaz",
        )
        .await;
    submit_dialog(&browser).await;
    let token = shown_token(&browser).await;
    assert_ne!(token, s.facilitator);

    // The old token is refused at once; the new one signs Fatima in.
    assert_error(&me(&server, &s.facilitator).await, "UNAUTHENTICATED");
    assert_eq!(
        me(&server, &token).await["data"]["me"]["id"],
        json!(s.facilitator_id)
    );
    let signed_in = driver.browser(&server.address).await;
    signed_in.sign_in_by_link(&token, NAME).await;
    signed_in.close().await;
    browser.close().await;
}

#[tokio::test]
async fn a_removed_members_open_page_says_so_and_stops_reconnecting() {
    let _turn = exclusive().await;
    let server = spawn_app().await;
    let s = seed(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;

    browser.sign_in_by_link(&s.anna, NAME).await;
    browser.wait_text("#aanwezig", "Anna de Vries").await;
    // Count every websocket the page opens from here on.
    browser
        .script(
            "window.__sockets = 0; const Real = window.WebSocket;
             window.WebSocket = function (...args) { window.__sockets += 1; return new Real(...args); };
             window.WebSocket.prototype = Real.prototype; return true;",
            vec![],
        )
        .await;
    server
        .command(
            &s.facilitator,
            "removeMember",
            "{ member { active } }",
            json!({"werkplaatsId": s.id, "memberId": s.anna_id}),
        )
        .await;
    let message = browser
        .wait_text("#toegang-beeindigd", "procesbegeleider")
        .await;
    assert!(message.contains("verwijderd"), "{message}");
    let sockets = browser.script("return window.__sockets", vec![]).await;
    // Long enough for several of the client's reconnect attempts (the
    // first after half a second).
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        browser.script("return window.__sockets", vec![]).await,
        sockets,
        "no new websocket after the message"
    );
    browser
        .wait_text("#toegang-beeindigd", "procesbegeleider")
        .await;
    let reconnecting = browser
        .script(
            "return document.body.innerText.includes('opnieuw verbinden')",
            vec![],
        )
        .await;
    assert_eq!(reconnecting, json!(false));
    let stored = browser
        .script(
            "return [sessionStorage.getItem('werkplaats.token'), localStorage.getItem('werkplaats.token')]",
            vec![],
        )
        .await;
    assert_eq!(stored, json!([null, null]));

    // Opening the old link later says the same.
    browser.goto(&format!("/#token={}", s.anna)).await;
    browser
        .wait_text("#toegang-beeindigd", "nieuwe uitnodigingslink")
        .await;

    // "Onthoud mij": the token is kept on the device; signing out clears it.
    browser.goto("/").await;
    browser.fill("input[name=token]", &s.facilitator).await;
    browser.click("input[name=remember]").await;
    browser.click("form.signin button[type=submit]").await;
    browser.wait_text("h1", NAME).await;
    let stored = browser
        .script(
            "return [sessionStorage.getItem('werkplaats.token'), localStorage.getItem('werkplaats.token')]",
            vec![],
        )
        .await;
    assert_eq!(stored, json!([null, s.facilitator]));
    // Another tab of the same browser is signed in too.
    let first = browser.client.window().await.unwrap();
    let tab = browser.client.new_window(true).await.unwrap();
    browser.client.switch_to_window(tab.handle).await.unwrap();
    browser.goto("/").await;
    browser.wait_text("h1", NAME).await;
    browser.client.close_window().await.unwrap();
    browser.client.switch_to_window(first).await.unwrap();
    browser.goto("/").await;
    browser.wait_text("h1", NAME).await;
    browser.click("#account button:last-child").await;
    browser.find("input[name=token]").await;
    let stored = browser
        .script(
            "return [sessionStorage.getItem('werkplaats.token'), localStorage.getItem('werkplaats.token')]",
            vec![],
        )
        .await;
    assert_eq!(stored, json!([null, null]));

    // A mistyped token is said to be one, with whom to ask.
    browser.fill("input[name=token]", "geen-echt-token").await;
    browser.click("form.signin button[type=submit]").await;
    browser
        .wait_text(
            "#aanmeld-melding",
            "controleer of u het helemaal hebt geplakt",
        )
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_facilitator_removes_forgets_and_re_roles_members_and_renews_their_own_link() {
    let _turn = exclusive().await;
    let server = spawn_app().await;
    let s = seed(&server).await;
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&s.facilitator, NAME).await;

    // Remove Bram.
    browser.click(&format!("#verwijder-{}", s.bram_id)).await;
    browser
        .wait_text("#editor-title", "Bram Jansen verwijderen")
        .await;
    submit_dialog(&browser).await;
    browser
        .wait_text(&format!("li[data-member='{}']", s.bram_id), "verwijderd")
        .await;
    let list = members(&server, &s.facilitator, &s.id).await;
    assert_eq!(member(&list, &s.bram_id)["active"], json!(false));

    // Forget Eva: the confirmation says what goes and what stays, and
    // must be ticked.
    browser.click(&format!("#vergeet-{}", s.eva_id)).await;
    let dialog = browser.wait_text("#editor", "Wat verdwijnt").await;
    assert!(dialog.contains("Wat blijft"), "{dialog}");
    assert!(dialog.contains("vergeten lid"), "{dialog}");
    submit_dialog(&browser).await;
    browser
        .wait_text("#editor .form-alert", "Vink eerst aan")
        .await;
    assert_eq!(
        member(&members(&server, &s.facilitator, &s.id).await, &s.eva_id)["forgotten"],
        json!(false)
    );
    browser
        .click(&format!("#bevestig-vergeten-{}", s.eva_id))
        .await;
    submit_dialog(&browser).await;
    browser
        .wait_text(&format!("li[data-member='{}']", s.eva_id), "vergeten lid")
        .await;
    let list = members(&server, &s.facilitator, &s.id).await;
    assert_eq!(member(&list, &s.eva_id)["forgotten"], json!(true));
    assert_eq!(member(&list, &s.eva_id)["name"], json!("vergeten lid"));

    // Sam becomes a partner.
    browser.click(&format!("#rol-{}", s.sam_id)).await;
    browser.find("#editor select[name=role]").await;
    browser
        .script(
            "const e = document.querySelector('#editor select[name=role]'); e.value = 'PARTNER'; return true;",
            vec![],
        )
        .await;
    submit_dialog(&browser).await;
    browser
        .wait_text(&format!("li[data-member='{}']", s.sam_id), "partner")
        .await;
    assert_eq!(
        member(&members(&server, &s.facilitator, &s.id).await, &s.sam_id)["role"],
        json!("PARTNER")
    );

    // The audit trail and the timeline name what happened, in Dutch, and
    // whom, by name rather than by id.
    browser
        .script(
            &format!("location.hash = '#/w/{}/audit'; return true", s.id),
            vec![],
        )
        .await;
    let trail = browser.wait_text("table.trail", "lid vergeten").await;
    assert!(trail.contains("lid verwijderd"), "{trail}");
    assert!(trail.contains("rol van een lid gewijzigd"), "{trail}");
    browser
        .script(
            &format!("location.hash = '#/w/{}/tijdlijn'; return true", s.id),
            vec![],
        )
        .await;
    let changed = browser.wait_text("#veranderd + ul", "Sam Smit").await;
    assert!(changed.starts_with("gewijzigd lid: Sam Smit"), "{changed}");
    browser.find("#tijdlijn-schuif").await;
    browser
        .script(
            "const s = document.getElementById('tijdlijn-schuif'); s.value = Number(s.value) - 1;
             s.dispatchEvent(new Event('input', { bubbles: true })); return true",
            vec![],
        )
        .await;
    browser
        .wait_text(
            ".timeline .position",
            "lid vergeten (persoonsgegevens gewist)",
        )
        .await;
    let changed = browser
        .wait_text(
            "section[aria-labelledby=veranderd]",
            "Wat veranderde in versie",
        )
        .await;
    assert!(!changed.contains(&s.eva_id), "{changed}");
    browser
        .script(
            &format!("location.hash = '#/w/{}/overzicht'; return true", s.id),
            vec![],
        )
        .await;
    browser.find("#eigen-token").await;

    // Fatima renews her own link: the old token stops working, this tab
    // goes on with the new one.
    browser.click("#eigen-token").await;
    browser.click("#vernieuw-token").await;
    let token = shown_token(&browser).await;
    assert_error(&me(&server, &s.facilitator).await, "UNAUTHENTICATED");
    assert_eq!(
        me(&server, &token).await["data"]["me"]["id"],
        json!(s.facilitator_id)
    );
    browser.click("#editor .close").await;
    browser.wait_text("#aanwezig", "Fatima Yilmaz").await;
    let stored = browser
        .script("return sessionStorage.getItem('werkplaats.token')", vec![])
        .await;
    assert_eq!(stored, json!(token));
    assert_eq!(
        browser
            .script(
                "return document.getElementById('toegang-beeindigd')",
                vec![]
            )
            .await,
        Value::Null
    );
    browser.close().await;
}

/// The widest the page is, against the window.
const WIDTH: &str = "return [document.documentElement.scrollWidth, window.innerWidth]";

/// The elements that reach past the window's right edge, innermost first,
/// for the failure message.
const TOO_WIDE: &str = "return [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.parentElement?.closest('.scroll, .board'))
  .reverse().slice(0, 6)
  .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className?.baseVal ?? e.className} ${Math.round(e.getBoundingClientRect().right)}px`)";

async fn fits(browser: &Browser, what: &str) {
    let sizes = browser.script(WIDTH, vec![]).await;
    let (scroll, inner) = (sizes[0].as_f64().unwrap(), sizes[1].as_f64().unwrap());
    if scroll > inner {
        let culprits = browser.script(TOO_WIDE, vec![]).await;
        panic!("{what}: {scroll} px wide in a window of {inner} px; too wide: {culprits}");
    }
    let fault = browser
        .script(
            "return document.getElementById('fout')?.textContent ?? null",
            vec![],
        )
        .await;
    assert_eq!(fault, Value::Null, "{what}");
}

async fn dialog_fits(browser: &Browser, what: &str) {
    fits(browser, what).await;
    let inside = browser
        .script(
            "const d = document.getElementById('editor');
             return d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= window.innerWidth",
            vec![],
        )
        .await;
    assert_eq!(inside, json!(true), "{what}: the dialog's content fits");
}

#[tokio::test]
async fn every_view_fits_a_phone_and_a_desktop_with_a_long_url_in_a_title() {
    let _turn = exclusive().await;
    let server = spawn_app().await;
    let w = seed::werkplaats(&server).await;
    let url = format!(
        "https://www.almere.nl/{}",
        "schuldhulpverlening/vroegsignalering-betalingsachterstanden-huur-energie-zorgverzekering/"
            .repeat(2)
    );
    let long = server
        .record_problem(&w.facilitator, &w.id, &url[..194.min(url.len())], &url)
        .await;
    let mut version = json!(long.version);
    let driver = Chromedriver::start().await;
    let browser = driver.browser(&server.address).await;
    browser.sign_in_by_link(&w.facilitator, seed::NAME).await;

    for (width, height) in [(390, 844), (1280, 900)] {
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .wait_until(
                "the new width",
                &format!("return Math.abs(window.innerWidth - {width}) < 40"),
            )
            .await;
        let phone = width < 600;
        // On a phone the navigation folds away behind the menu button.
        let expanded = browser
            .script(
                "const b = document.getElementById('menu-knop');
                 return b && getComputedStyle(b).display !== 'none' ? b.getAttribute('aria-expanded') : null",
                vec![],
            )
            .await;
        assert_eq!(
            expanded,
            if phone { json!("false") } else { Value::Null },
            "the menu button at {width} px"
        );
        if phone {
            let shown = browser
                .script(
                    "return getComputedStyle(document.getElementById('nav')).display !== 'none'",
                    vec![],
                )
                .await;
            assert_eq!(shown, json!(false), "the navigation is folded away");
            browser.click("#menu-knop").await;
            browser
                .wait_until(
                    "the navigation to open",
                    "return document.getElementById('menu-knop').getAttribute('aria-expanded') === 'true'
                       && getComputedStyle(document.getElementById('nav')).display !== 'none'",
                )
                .await;
        }
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
            // The timeline, audit and library views fetch their own data.
            tokio::time::sleep(Duration::from_millis(600)).await;
            fits(&browser, &format!("{view} at {width} px")).await;
        }
        // A dialog: the correction form of the problem with the long title.
        browser
            .script(
                &format!("location.hash = '#/w/{}/overzicht'; return true", w.id),
                vec![],
            )
            .await;
        browser.find("main .card button[id^=corrigeer-]").await;
        if phone {
            browser
                .wait_until(
                    "the menu to fold away",
                    "return document.getElementById('menu-knop').getAttribute('aria-expanded') === 'false'",
                )
                .await;
            browser
                .script("window.scrollTo(0, 0); return true", vec![])
                .await;
            browser.screenshot("telefoon").await;
        }
        browser.click(&format!("#corrigeer-{}", long.id)).await;
        browser.find("#editor[open]").await;
        dialog_fits(&browser, &format!("the correction dialog at {width} px")).await;
        // Someone else corrects the problem meanwhile: the conflict view,
        // their version beside this one, fits too.
        version = server
            .command(
                &w.anna,
                "reviseProblem",
                "{ problem { version } }",
                json!({"werkplaatsId": w.id, "problemId": long.id, "expectedVersion": version,
                       "description": format!("{url} (door Anna, {width})")}),
            )
            .await["problem"]["version"]
            .clone();
        browser
            .fill(
                "#editor [data-field=description] textarea",
                &format!("{url} (door Fatima, {width})"),
            )
            .await;
        browser.click("#editor form button[type=submit]").await;
        browser.find("#editor #conflict").await;
        dialog_fits(&browser, &format!("the conflict dialog at {width} px")).await;
        if phone {
            browser.screenshot("telefoon-conflict").await;
        }
        browser.click("#editor .close").await;
    }
    browser.close().await;
}
