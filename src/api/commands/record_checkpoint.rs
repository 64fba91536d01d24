//! `recordCheckpoint`: an evaluator or facilitator records the current head.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::execute;
use crate::api::checkpoint::{checkpoint, Checkpoint};
use crate::api::types::int;
use crate::domain::RecordCheckpoint;

/// Recording the werkplaats's current version and hash as a checkpoint.
#[derive(InputObject)]
pub struct RecordCheckpointInput {
    /// The werkplaats to record a checkpoint of.
    pub werkplaats_id: ID,
}

/// The checkpoint that was recorded.
#[derive(SimpleObject)]
pub struct RecordCheckpointPayload {
    /// The new checkpoint.
    pub checkpoint: Checkpoint,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct RecordCheckpointMutation;

#[Object]
impl RecordCheckpointMutation {
    /// Records a checkpoint: the current version and its hash, so that anyone
    /// can later check the trail was not changed (evaluator or facilitator).
    async fn record_checkpoint(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats to record a checkpoint of.")] input: RecordCheckpointInput,
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
