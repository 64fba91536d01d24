//! `assessJourneyStep`: a contributor judges a step of a client journey.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, ClientJourneyPayload};
use crate::api::enums::Quality;
use crate::domain::{AssessJourneyStep, JourneyStepAssessed};

/// How one step of a client journey went; only the judgements given change.
#[derive(InputObject)]
pub struct AssessJourneyStepInput {
    /// The werkplaats the journey belongs to.
    pub werkplaats_id: ID,
    /// The journey the step belongs to.
    pub journey_id: ID,
    /// The step judged.
    pub step_id: ID,
    /// The step's `version` as you last saw it: if the step changed since,
    /// nothing is changed and you are told so.
    pub expected_version: i32,
    /// The knowledge the professionals showed; an explicit `null` clears it.
    pub knowledge: MaybeUndefined<Quality>,
    /// The attitude the professionals showed; an explicit `null` clears it.
    pub attitude: MaybeUndefined<Quality>,
    /// The skills the professionals showed; an explicit `null` clears it.
    pub skills: MaybeUndefined<Quality>,
    /// How far the client's own view and needs led the step; an explicit `null`
    /// clears it.
    pub client_centred: MaybeUndefined<Quality>,
    /// What got stuck (a note; `null` or empty clears it).
    pub bottleneck: MaybeUndefined<String>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AssessJourneyStepMutation;

#[Object]
impl AssessJourneyStepMutation {
    /// Judges the given aspects of a step of a client journey.
    async fn assess_journey_step(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The judgements to record.")] input: AssessJourneyStepInput,
    ) -> Result<ClientJourneyPayload> {
        let command = AssessJourneyStep {
            journey_id: input.journey_id.0,
            step_id: input.step_id.0,
            expected_version: i64::from(input.expected_version),
            knowledge: clearable(input.knowledge, Into::into),
            attitude: clearable(input.attitude, Into::into),
            skills: clearable(input.skills, Into::into),
            client_centred: clearable(input.client_centred, Into::into),
            bottleneck: clearable(input.bottleneck, |b| b),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let assessed: &JourneyStepAssessed = own(&executed)?;
        ClientJourneyPayload::of(
            &werkplaats,
            &executed,
            assessed.journey_id,
            Some(assessed.step_id),
        )
    }
}
