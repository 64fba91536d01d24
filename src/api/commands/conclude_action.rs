//! `concludeAction`: a planner adopts, adapts or abandons an action (PDCA:
//! Act).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::api::enums::ActOutcome;
use crate::domain::{ActionConcluded, ConcludeAction};

/// What the partners conclude about a checked action (PDCA: Act).
#[derive(InputObject)]
pub struct ConcludeActionInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// The action concluded; it must be being checked.
    pub action_id: ID,
    /// Adopt, adapt or abandon the action.
    pub outcome: ActOutcome,
    /// Why the partners conclude so.
    pub rationale: String,
    /// The action's `version` as last seen; optional. If the action changed
    /// since, nothing is recorded and you are told so.
    pub expected_version: Option<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ConcludeActionMutation;

#[Object]
impl ConcludeActionMutation {
    /// Concludes a checked action: adopt, adapt or abandon it (PDCA: Act).
    async fn conclude_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action and what the partners conclude.")] input: ConcludeActionInput,
    ) -> Result<ActionPayload> {
        let command = ConcludeAction {
            action_id: input.action_id.0,
            outcome: input.outcome.into(),
            rationale: input.rationale,
            expected_version: input.expected_version.map(i64::from),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let concluded: &ActionConcluded = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, concluded.action_id)
    }
}
