//! `GET /werkplaatsen/{id}/report`: the evaluation report as HTML for
//! members, with the same bearer tokens as GraphQL.
//!
//! No token or an unknown one is 401; a werkplaats the caller may not see
//! is 404, exactly like one that does not exist, so that ids of other
//! werkplaatsen cannot be probed.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::http::{ServerState, Shared};
use crate::app::AppError;
use crate::report;
use uuid::Uuid;

pub(super) async fn report(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = match visible(&state, &id, &headers).await {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    match report::load(state.app.store(), id, |_| {}, |_| {}).await {
        Ok(Some(at)) => Html(report::render(&at)).into_response(),
        Ok(None) => not_found(),
        Err(error) => internal(error),
    }
}

/// The werkplaats `id` when the bearer token may see it; otherwise the
/// answer to send instead (401, or 404 as for one that does not exist).
/// The trail export shares it, so both routes refuse alike.
pub(super) async fn visible(
    state: &ServerState,
    id: &str,
    headers: &HeaderMap,
) -> Result<Uuid, Response> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let caller = match state.app.authenticate(authorization).await {
        Ok(Some(caller)) => caller,
        Ok(None) | Err(AppError::Unauthenticated) => return Err(unauthenticated()),
        Err(error) => return Err(internal(error.into())),
    };
    match state.app.visible_werkplaats(Some(caller), id).await {
        Ok(id) => Ok(id),
        Err(AppError::NotFound) => Err(not_found()),
        Err(AppError::Unauthenticated) => Err(unauthenticated()),
        Err(error) => Err(internal(error.into())),
    }
}

fn unauthenticated() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "Geen of een onbekend token.",
    )
        .into_response()
}

pub(super) fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "Werkplaats niet gevonden.").into_response()
}

fn internal(error: anyhow::Error) -> Response {
    tracing::error!(error = %format!("{error:#}"), "the report failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "Het rapport kon niet worden gemaakt.",
    )
        .into_response()
}
