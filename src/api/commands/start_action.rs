//! `startAction`: a planner starts an action (PDCA: Do).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::domain::{ActionStarted, StartAction};

/// Starting to carry out a planned or adapted action (PDCA: Do).
#[derive(InputObject)]
pub struct StartActionInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// The action to start.
    pub action_id: ID,
    /// The action's `version` as last seen; optional. If the action changed
    /// since, nothing is recorded and you are told so.
    pub expected_version: Option<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct StartActionMutation;

#[Object]
impl StartActionMutation {
    /// Starts carrying out a planned or adapted action (PDCA: Do).
    async fn start_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action to start.")] input: StartActionInput,
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
