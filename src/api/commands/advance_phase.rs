//! `advancePhase`: a facilitator moves to the next phase of the step plan.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::execute;
use crate::api::types::{int, phase, Phase};
use crate::domain::AdvancePhase;

/// Moving the werkplaats on to the next phase.
#[derive(InputObject)]
pub struct AdvancePhaseInput {
    /// The werkplaats to move on.
    pub werkplaats_id: ID,
    /// The number of the phase the werkplaats is in, as you last saw it: if it
    /// moved on since, nothing happens and you are told so.
    pub expected_phase: i32,
    /// What the facilitator notes when moving on; optional.
    pub note: Option<String>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The phase the werkplaats moved to.
#[derive(SimpleObject)]
pub struct AdvancePhasePayload {
    /// The phase the werkplaats is in now.
    pub phase: Phase,
    /// The werkplaats version after this change.
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
        #[graphql(desc = "Which werkplaats to move on, and from which phase.")]
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
