//! `startAction`: a planner starts an action (PDCA: Do).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::domain::{ActionStarted, StartAction};

#[derive(InputObject)]
pub struct StartActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct StartActionMutation;

#[Object]
impl StartActionMutation {
    /// PDCA: Do.
    async fn start_action(
        &self,
        ctx: &Context<'_>,
        input: StartActionInput,
    ) -> Result<ActionPayload> {
        let command = StartAction {
            action_id: input.action_id.0,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let started: &ActionStarted = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, started.action_id)
    }
}
