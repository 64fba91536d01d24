//! The web client in a real browser: headless Chromium driven through
//! chromedriver (WebDriver), against the real server on a fresh database.
//!
//! One browser test runs at a time (see [`browser::driver::exclusive`]):
//! each starts its own Chromium processes, and on a small machine two at
//! once would make the timing assertions measure the machine instead of
//! the client. Screenshots of the main views are written to
//! `target/screenshots/`.

pub mod kit;

mod browser {
    mod access;
    mod accessibility;
    mod audit;
    mod collaboration;
    mod details;
    mod driver;
    mod library;
    mod method;
    mod seed;
    mod timeline;
}
