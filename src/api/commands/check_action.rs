//! `checkAction`: a planner records what an action found (PDCA: Check).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::domain::{ActionChecked, CheckAction};

#[derive(InputObject)]
pub struct CheckActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub findings: String,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct CheckActionMutation;

#[Object]
impl CheckActionMutation {
    /// PDCA: Check, with what was found.
    async fn check_action(
        &self,
        ctx: &Context<'_>,
        input: CheckActionInput,
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
