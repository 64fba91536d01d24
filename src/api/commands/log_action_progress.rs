//! `logActionProgress`: a planner notes what was done in an action's current cycle.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::api::scalars::Date;
use crate::domain::{ActionProgressLogged, LogActionProgress};

/// What was done for an action that is being done (PDCA: Do).
#[derive(InputObject)]
pub struct LogActionProgressInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// The action the work was for.
    pub action_id: ID,
    /// What was done.
    pub text: String,
    /// The day it happened.
    pub occurred_on: Date,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct LogActionProgressMutation;

#[Object]
impl LogActionProgressMutation {
    /// Adds what was done to the current cycle of an action that is being done.
    async fn log_action_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action and what was done.")] input: LogActionProgressInput,
    ) -> Result<ActionPayload> {
        let command = LogActionProgress {
            action_id: input.action_id.0,
            text: input.text,
            occurred_on: input.occurred_on.0,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let logged: &ActionProgressLogged = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, logged.action_id)
    }
}
