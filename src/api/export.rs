//! `GET /werkplaatsen/{id}/export`: the audit trail as JSON Lines, the same
//! bytes `werkplaats export` writes, for members with their bearer token —
//! so an evaluator can download it from the web client and check it with
//! `werkplaats verify` offline.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::http::Shared;
use super::report::{not_found, visible};
use crate::trail::export::{export as write_trail, ExportError};

pub(super) async fn export(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let id = match visible(&state, &id, &headers).await {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    // Built in memory: the CLI streams the same writer to a file, and a
    // trail is at most a few megabytes per hundred thousand events.
    let mut body = Vec::new();
    match write_trail(state.app.store(), id, &mut body).await {
        Ok(_) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/jsonl; charset=utf-8".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"werkplaats-{id}.jsonl\""),
                ),
            ],
            body,
        )
            .into_response(),
        Err(ExportError::NotFound(_)) => not_found(),
        Err(error) => {
            tracing::error!(error = %error, "the export failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "De export kon niet worden gemaakt.",
            )
                .into_response()
        }
    }
}
