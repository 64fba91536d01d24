//! GraphiQL from files compiled into the binary (`graphiql/`, released
//! builds from npm, pinned, their licences beside them), so that it works
//! offline and behind firewalls that block CDNs. The page may load nothing
//! from elsewhere.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// Where the files are served: the version in the path, so that they may be
/// cached for good.
const PREFIX: &str = "/graphiql/3.8.3";

/// Only this origin: GraphiQL's editor sets styles inline; queries go to
/// `/graphql` over HTTP and websockets.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
     connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

const JS: &str = "text/javascript; charset=utf-8";

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "graphiql.min.js",
        JS,
        include_bytes!("graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        JS,
        include_bytes!("graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        include_bytes!("graphiql/react-dom.production.min.js"),
    ),
    ("init.js", JS, include_bytes!("graphiql/init.js")),
];

/// The page, for `GET /graphql` from a browser.
pub fn page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::VARY, HeaderValue::from_static("accept")),
        ],
        include_str!("graphiql/index.html"),
    )
        .into_response()
}

/// The page's files.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    FILES
        .iter()
        .fold(Router::new(), |router, &(name, content_type, body)| {
            router.route(
                &format!("{PREFIX}/{name}"),
                get(move || async move {
                    (
                        [
                            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
                            (
                                header::CACHE_CONTROL,
                                HeaderValue::from_static("public, max-age=31536000, immutable"),
                            ),
                            (
                                header::X_CONTENT_TYPE_OPTIONS,
                                HeaderValue::from_static("nosniff"),
                            ),
                        ],
                        body,
                    )
                }),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_files_that_are_served() {
        let page = include_str!("graphiql/index.html");
        let mut loaded = 0;
        for (at, _) in page.match_indices(PREFIX) {
            let rest = &page[at + PREFIX.len() + 1..];
            let name = &rest[..rest.find('"').unwrap()];
            assert!(
                FILES.iter().any(|(file, _, _)| *file == name),
                "{name} is not served"
            );
            loaded += 1;
        }
        assert_eq!(loaded, FILES.len());
        assert!(!page.contains("//unpkg") && !page.contains("https://"));
    }
}
