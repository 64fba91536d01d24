//! `concludeAction`: a planner adopts, adapts or abandons an action (PDCA:
//! Act).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ActionPayload};
use crate::api::enums::ActOutcome;
use crate::domain::{ActionConcluded, ConcludeAction};

#[derive(InputObject)]
pub struct ConcludeActionInput {
    pub werkplaats_id: ID,
    pub action_id: ID,
    pub outcome: ActOutcome,
    pub rationale: String,
    pub expected_version: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ConcludeActionMutation;

#[Object]
impl ConcludeActionMutation {
    /// PDCA: Act — adopt, adapt or abandon.
    async fn conclude_action(
        &self,
        ctx: &Context<'_>,
        input: ConcludeActionInput,
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
