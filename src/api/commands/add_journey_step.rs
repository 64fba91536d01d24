//! `addJourneyStep`: a contributor adds the next step of a client journey.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, ClientJourneyPayload};
use crate::domain::{AddJourneyStep, JourneyStepAdded};

/// A step to add to a client journey.
#[derive(InputObject)]
pub struct AddJourneyStepInput {
    /// The werkplaats the journey belongs to.
    pub werkplaats_id: ID,
    /// The journey the step is added to.
    pub journey_id: ID,
    /// What happened, in a few words.
    pub title: String,
    /// What happened in this step, in full.
    pub description: String,
    /// The partner the client met in this step.
    pub partner_id: Option<ID>,
    /// How many days it took (0 to 3,650).
    pub days: Option<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AddJourneyStepMutation;

#[Object]
impl AddJourneyStepMutation {
    /// Adds a step to a client journey.
    async fn add_journey_step(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The step to add.")] input: AddJourneyStepInput,
    ) -> Result<ClientJourneyPayload> {
        let command = AddJourneyStep {
            journey_id: input.journey_id.0,
            step_id: new_id(),
            title: input.title,
            description: input.description,
            partner_id: input.partner_id.map(|id| id.0),
            days: input.days,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let added: &JourneyStepAdded = own(&executed)?;
        ClientJourneyPayload::of(
            &werkplaats,
            &executed,
            added.journey_id,
            Some(added.step_id),
        )
    }
}
