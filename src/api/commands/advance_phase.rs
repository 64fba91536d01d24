//! `advancePhase`: a facilitator moves to the next phase of the step plan.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::execute;
use crate::api::types::{int, phase, Phase};
use crate::domain::AdvancePhase;

#[derive(InputObject)]
pub struct AdvancePhaseInput {
    pub werkplaats_id: ID,
    /// The phase number the client believes is current.
    pub expected_phase: i32,
    pub note: Option<String>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct AdvancePhasePayload {
    pub phase: Phase,
    pub version: i32,
}

#[derive(Default)]
pub struct AdvancePhaseMutation;

#[Object]
impl AdvancePhaseMutation {
    /// Moves to the next phase of the step plan (facilitator).
    async fn advance_phase(
        &self,
        ctx: &Context<'_>,
        input: AdvancePhaseInput,
    ) -> Result<AdvancePhasePayload> {
        let command = AdvancePhase {
            expected_phase: i64::from(input.expected_phase),
            note: input.note,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        // The payload's item is the werkplaats itself, as it is after the command.
        let view = &werkplaats.0.view;
        Ok(AdvancePhasePayload {
            phase: phase(view.methodology, view.phase),
            version: int(executed.version),
        })
    }
}
