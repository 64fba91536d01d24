//! `assessJourneyStep`: a contributor judges a step of a client journey.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, ClientJourneyPayload};
use crate::api::enums::Quality;
use crate::domain::{AssessJourneyStep, JourneyStepAssessed};

#[derive(InputObject)]
pub struct AssessJourneyStepInput {
    pub werkplaats_id: ID,
    pub journey_id: ID,
    pub step_id: ID,
    /// The step's `version` as the client last saw it.
    pub expected_version: i32,
    /// For each judgement an explicit `null` clears it.
    pub knowledge: MaybeUndefined<Quality>,
    pub attitude: MaybeUndefined<Quality>,
    pub skills: MaybeUndefined<Quality>,
    pub client_centred: MaybeUndefined<Quality>,
    /// What got stuck (a note; `null` or empty clears it).
    pub bottleneck: MaybeUndefined<String>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AssessJourneyStepMutation;

#[Object]
impl AssessJourneyStepMutation {
    /// Judges the given aspects of a step of a client journey.
    async fn assess_journey_step(&self, ctx: &Context<'_>, input: AssessJourneyStepInput) -> Result<ClientJourneyPayload> {
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
