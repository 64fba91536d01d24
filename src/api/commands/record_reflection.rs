//! `recordReflection`: a contributor reflects, in the current phase.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::types::{int, Reflection};
use crate::domain::{RecordReflection, ReflectionRecorded};

/// Something someone learnt, to record in the current phase.
#[derive(InputObject)]
pub struct RecordReflectionInput {
    /// The werkplaats the reflection belongs to.
    pub werkplaats_id: ID,
    /// What was learnt.
    pub text: String,
    /// Ids of the items it is about (problems, solutions, actions, decisions
    /// and so on); may be empty.
    pub about: Vec<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The reflection that was recorded.
#[derive(SimpleObject)]
pub struct RecordReflectionPayload {
    /// The new reflection.
    pub reflection: Reflection,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct RecordReflectionMutation;

#[Object]
impl RecordReflectionMutation {
    /// Records a reflection in the current phase.
    async fn record_reflection(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reflection to record.")] input: RecordReflectionInput,
    ) -> Result<RecordReflectionPayload> {
        let command = RecordReflection {
            reflection_id: new_id(),
            text: input.text,
            about: ids(input.about),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &ReflectionRecorded = own(&executed)?;
        Ok(RecordReflectionPayload {
            reflection: werkplaats
                .reflection(recorded.reflection_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
