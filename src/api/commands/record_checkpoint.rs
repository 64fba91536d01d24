//! `recordCheckpoint`: an evaluator or facilitator records the current head.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::execute;
use crate::api::checkpoint::{checkpoint, Checkpoint};
use crate::api::types::int;
use crate::domain::RecordCheckpoint;

#[derive(InputObject)]
pub struct RecordCheckpointInput {
    pub werkplaats_id: ID,
}

#[derive(SimpleObject)]
pub struct RecordCheckpointPayload {
    pub checkpoint: Checkpoint,
    pub version: i32,
}

#[derive(Default)]
pub struct RecordCheckpointMutation;

#[Object]
impl RecordCheckpointMutation {
    /// EVALUATOR and FACILITATOR: records the current head (version and
    /// hash) as a CheckpointRecorded event.
    async fn record_checkpoint(
        &self,
        ctx: &Context<'_>,
        input: RecordCheckpointInput,
    ) -> Result<RecordCheckpointPayload> {
        // Version and hash are filled in by the application from the head
        // the command is decided on.
        let command = RecordCheckpoint {
            version: 0,
            hash: String::new(),
        };
        let (werkplaats, executed) = execute(ctx, &input.werkplaats_id, command, None).await?;
        let wp = &werkplaats.0;
        let view = wp
            .view
            .checkpoints
            .last()
            .ok_or("the checkpoint is missing from the werkplaats")?;
        Ok(RecordCheckpointPayload {
            checkpoint: checkpoint(wp, view)?,
            version: int(executed.version),
        })
    }
}
