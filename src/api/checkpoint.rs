//! Checkpoints (audit.graphql): `Werkplaats.checkpoints` and
//! `Werkplaats.verifyCheckpoints`; `recordCheckpoint` is a command, in
//! `commands/record_checkpoint.rs`.

use async_graphql::{Context, InputObject, Result, SimpleObject};

use super::error::graphql_error;
use super::scalars::DateTime;
use super::types::{int, Member, Shared, Verification};
use crate::app::App;
use crate::projections::CheckpointView;

/// A note of how far the trail was at one moment (its version and that event's
/// hash), made by an evaluator or facilitator so that any later change to the
/// trail can be detected.
#[derive(SimpleObject)]
pub struct Checkpoint {
    /// The version recorded.
    pub version: i32,
    /// The hash of the event at that version.
    pub hash: String,
    /// Who recorded the checkpoint.
    pub recorded_by: Member,
    /// When the checkpoint was recorded.
    pub recorded_at: DateTime,
}

/// A version and the hash recorded for it, to check the trail against.
#[derive(InputObject)]
pub struct CheckpointInput {
    /// The version.
    pub version: i32,
    /// The hash recorded for that version.
    pub hash: String,
}

pub(super) fn checkpoint(wp: &Shared, view: &CheckpointView) -> Result<Checkpoint> {
    let recorded_by = view
        .recorded_by
        .and_then(|id| wp.member(&id))
        .map(Member::from)
        .ok_or("the member who recorded this checkpoint is unknown")?;
    Ok(Checkpoint {
        version: int(view.version),
        hash: view.hash.clone(),
        recorded_by,
        recorded_at: DateTime(view.recorded_at),
    })
}

/// `Werkplaats.checkpoints`: every checkpoint up to the version shown.
pub fn checkpoints(wp: &Shared) -> Result<Vec<Checkpoint>> {
    wp.view
        .checkpoints
        .iter()
        .map(|view| checkpoint(wp, view))
        .collect()
}

/// `Werkplaats.verifyCheckpoints`.
pub async fn verify_checkpoints(
    ctx: &Context<'_>,
    wp: &Shared,
    checkpoints: Vec<CheckpointInput>,
) -> Result<Verification> {
    let app = ctx.data::<App>()?;
    let checkpoints: Vec<(i64, String)> = checkpoints
        .into_iter()
        .map(|c| (i64::from(c.version), c.hash))
        .collect();
    let verification = app
        .verify_checkpoints(wp, &checkpoints)
        .await
        .map_err(graphql_error)?;
    Ok(verification.into())
}
