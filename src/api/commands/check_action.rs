//! `checkAction`: a planner records what an action found (PDCA: Check).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::domain::{ActionChecked, CheckAction};

/// What checking an action found (PDCA: Check).
#[derive(InputObject)]
pub struct CheckActionInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// The action checked; it must be being done.
    pub action_id: ID,
    /// What the check found; added to the action's findings.
    pub findings: String,
    /// The action's `version` as last seen; optional. If the action changed
    /// since, nothing is recorded and you are told so.
    pub expected_version: Option<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct CheckActionMutation;

#[Object]
impl CheckActionMutation {
    /// Records what checking an action found (PDCA: Check).
    async fn check_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action and what its check found.")] input: CheckActionInput,
    ) -> Result<ActionPayload> {
        let command = CheckAction {
            action_id: input.action_id.0,
            findings: input.findings,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let checked: &ActionChecked = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, checked.action_id)
    }
}
