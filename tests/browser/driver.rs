//! chromedriver as a child process and headless Chromium sessions on it,
//! with the few waits the tests need. Every wait polls with a deadline; no
//! test sleeps for a fixed time.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use tokio::sync::{Mutex, MutexGuard};

/// Longest any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);

static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Held for the whole of a browser test; see the crate docs.
pub async fn exclusive() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().await
}

/// A chromedriver on a free port. Dropping it kills its process group,
/// which holds the Chromium processes it started, even if a test panicked
/// before closing its sessions.
pub struct Chromedriver {
    child: Child,
    url: String,
    /// The browsers' fresh profiles, removed once their processes are gone.
    profiles: std::sync::Mutex<Vec<PathBuf>>,
}

impl Chromedriver {
    pub async fn start() -> Chromedriver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver runs (apt-get install chromium-driver)");
        let deadline = Instant::now() + TIMEOUT;
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(POLL).await;
        }
        Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profiles: Default::default(),
        }
    }

    /// A new headless browser with a fresh profile.
    pub async fn browser(&self, base: &str) -> Browser {
        let profile =
            std::env::temp_dir().join(format!("werkplaats-chromium-{}", uuid::Uuid::new_v4()));
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1440,1400",
            "--lang=nl-NL",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .chain([format!("--user-data-dir={}", profile.display())])
        .collect::<Vec<_>>();
        let capabilities = json!({
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
        });
        self.profiles.lock().unwrap().push(profile);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&self.url)
            .await
            .expect("a browser session");
        Browser {
            client,
            base: base.to_owned(),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The group's id is the child's pid (`process_group(0)`).
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        for profile in self.profiles.lock().unwrap().drain(..) {
            let _ = std::fs::remove_dir_all(profile);
        }
    }
}

pub struct Browser {
    pub client: Client,
    base: String,
}

impl Browser {
    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap();
    }

    /// The first element matching `css`, once there is one.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(error) => panic!(
                "no {css} ({error}) on a page showing:\n{}",
                self.page_text().await
            ),
        }
    }

    /// What the page shows, for failure messages.
    async fn page_text(&self) -> String {
        let text = self.script("return document.body.innerText", vec![]).await;
        text.as_str()
            .unwrap_or_default()
            .chars()
            .take(1500)
            .collect()
    }

    /// Waits until the first element matching `css` contains `text`.
    pub async fn wait_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self.script(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![json!(css)],
            )
            .await;
            if let Some(found) = found.as_str() {
                if found.contains(text) {
                    return found.to_owned();
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "{css} never showed {text:?}; it shows {found}; the page:\n{}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until `condition` (a script returning a boolean) holds.
    pub async fn wait_until(&self, what: &str, condition: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while self.script(condition, vec![]).await != Value::Bool(true) {
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; the page:\n{}",
                    self.page_text().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn script(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap()
    }

    /// Clicks the element `css`. A live update may re-render the page
    /// between finding the element and clicking it; then it is found again.
    pub async fn click(&self, css: &str) {
        self.on_fresh(
            css,
            |element| async move { element.click().await.map(drop) },
        )
        .await;
    }

    /// Replaces the text of the control `css` with `text` (found again
    /// after a re-render, like [`Browser::click`]).
    pub async fn fill(&self, css: &str, text: &str) {
        self.on_fresh(css, |element| async move {
            element.clear().await?;
            element.send_keys(text).await
        })
        .await;
    }

    async fn on_fresh<F, Fut>(&self, css: &str, act: F)
    where
        F: Fn(Element) -> Fut,
        Fut: std::future::Future<Output = Result<(), CmdError>>,
    {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            match act(self.find(css).await).await {
                Ok(()) => return,
                Err(CmdError::Standard(error))
                    if error.error == ErrorStatus::StaleElementReference
                        && Instant::now() < deadline => {}
                Err(error) => panic!("{css}: {error}"),
            }
        }
    }

    /// Signs in as a werkplaats's single member and waits for its overview.
    pub async fn sign_in_by_link(&self, token: &str, werkplaats_name: &str) {
        self.goto(&format!("/#token={token}")).await;
        self.wait_text("h1", werkplaats_name).await;
    }

    /// Saves a PNG of the window as `target/screenshots/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&directory).unwrap();
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(directory.join(format!("{name}.png")), png).unwrap();
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
