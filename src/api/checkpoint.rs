//! Checkpoints (audit.graphql): `recordCheckpoint`, `Werkplaats.checkpoints`
//! and `Werkplaats.verifyCheckpoints`.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::caller;
use super::error::graphql_error;
use super::scalars::DateTime;
use super::types::{int, Member, Shared, Verification};
use crate::app::App;
use crate::domain::Command;
use crate::projections::CheckpointView;

/// A head (version and hash) an evaluator or facilitator recorded.
#[derive(SimpleObject)]
pub struct Checkpoint {
    pub version: i32,
    pub hash: String,
    pub recorded_by: Member,
    pub recorded_at: DateTime,
}

#[derive(InputObject)]
pub struct CheckpointInput {
    pub version: i32,
    pub hash: String,
}

#[derive(InputObject)]
pub struct RecordCheckpointInput {
    pub werkplaats_id: ID,
}

#[derive(SimpleObject)]
pub struct RecordCheckpointPayload {
    pub checkpoint: Checkpoint,
    pub version: i32,
}

fn checkpoint(wp: &Shared, view: &CheckpointView) -> Result<Checkpoint> {
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

#[derive(Default)]
pub struct CheckpointMutation;

#[Object]
impl CheckpointMutation {
    /// EVALUATOR and FACILITATOR: records the current head (version and
    /// hash) as a CheckpointRecorded event.
    async fn record_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: RecordCheckpointInput,
    ) -> Result<RecordCheckpointPayload> {
        let app = ctx.data::<App>()?;
        // Version and hash are filled in by the application from the head
        // the command is decided on.
        let command = Command::RecordCheckpoint {
            version: 0,
            hash: String::new(),
        };
        let executed = app
            .execute(caller(ctx), &input.werkplaats_id, command, None)
            .await
            .map_err(graphql_error)?;
        let wp = executed.werkplaats.clone();
        let view = wp
            .view
            .checkpoints
            .last()
            .ok_or("the checkpoint is missing from the werkplaats")?;
        Ok(RecordCheckpointPayload {
            checkpoint: checkpoint(&wp, view)?,
            version: int(executed.version),
        })
    }
}
