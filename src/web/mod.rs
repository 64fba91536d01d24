//! The web client: hand-written HTML, CSS and JavaScript modules, embedded
//! in the binary and served at `/`, so that partners need nothing but a
//! browser and the server needs no build step or CDN (municipal networks
//! block those).
//!
//! The client speaks the same GraphQL API as every other client, over HTTP
//! and `graphql-transport-ws` on the same origin; nothing here reads or
//! writes the werkplaats itself.

use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// What the pages may load and run: only this origin's own files — no
/// inline scripts or styles, no other hosts — and no framing.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One embedded file: its URL path, content type and bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

macro_rules! asset {
    ($path:literal, $content_type:expr, $file:literal) => {
        Asset {
            path: $path,
            content_type: $content_type,
            body: include_bytes!($file),
        }
    };
}

const ASSETS: &[Asset] = &[
    asset!("/", HTML, "index.html"),
    asset!("/app.css", "text/css; charset=utf-8", "app.css"),
    asset!("/icon.svg", "image/svg+xml", "icon.svg"),
    asset!("/js/main.js", JS, "js/main.js"),
    asset!("/js/api.js", JS, "js/api.js"),
    asset!("/js/dom.js", JS, "js/dom.js"),
    asset!("/js/labels.js", JS, "js/labels.js"),
    asset!("/js/views.js", JS, "js/views.js"),
    asset!("/js/forms.js", JS, "js/forms.js"),
    asset!("/js/editor.js", JS, "js/editor.js"),
    asset!("/js/chart.js", JS, "js/chart.js"),
    asset!("/js/replay.js", JS, "js/replay.js"),
    asset!("/js/audit.js", JS, "js/audit.js"),
    asset!("/js/method.js", JS, "js/method.js"),
    asset!("/js/method-forms.js", JS, "js/method-forms.js"),
    asset!("/js/revise.js", JS, "js/revise.js"),
    asset!("/js/library.js", JS, "js/library.js"),
    asset!("/js/members.js", JS, "js/members.js"),
];

/// The client's routes, merged into the server's router.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { serve(asset) }))
    })
}

fn serve(asset: &'static Asset) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            // The invitation token travels in the fragment, which browsers
            // never send; this keeps even the path out of other sites' logs.
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            // Files change with the binary, which carries no version in
            // their names: revalidate rather than run an old client.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ],
        asset.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_the_client_imports_is_served() {
        let served: Vec<&str> = ASSETS.iter().map(|asset| asset.path).collect();
        let mut imports = 0;
        for asset in ASSETS.iter().filter(|asset| asset.content_type == JS) {
            let text = std::str::from_utf8(asset.body).unwrap();
            for (_, rest) in text
                .match_indices("from \"./")
                .map(|(at, _)| text.split_at(at + 8))
            {
                let module = &rest[..rest.find('"').unwrap()];
                let path = format!("/js/{module}");
                assert!(served.contains(&path.as_str()), "{path} is not served");
                imports += 1;
            }
        }
        assert!(imports > 20, "only {imports} imports found");
    }
}
