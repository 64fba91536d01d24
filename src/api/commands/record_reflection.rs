//! `recordReflection`: a contributor reflects, in the current phase.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::types::{int, Reflection};
use crate::domain::{RecordReflection, ReflectionRecorded};

#[derive(InputObject)]
pub struct RecordReflectionInput {
    pub werkplaats_id: ID,
    pub text: String,
    pub about: Vec<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordReflectionPayload {
    pub reflection: Reflection,
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
        input: RecordReflectionInput,
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
