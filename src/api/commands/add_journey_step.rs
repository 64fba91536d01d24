//! `addJourneyStep`: a contributor adds the next step of a client journey.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, ClientJourneyPayload};
use crate::domain::{AddJourneyStep, JourneyStepAdded};

#[derive(InputObject)]
pub struct AddJourneyStepInput {
    pub werkplaats_id: ID,
    pub journey_id: ID,
    pub title: String,
    pub description: String,
    /// The partner the client met in this step.
    pub partner_id: Option<ID>,
    /// How many days it took (0 to 3,650).
    pub days: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AddJourneyStepMutation;

#[Object]
impl AddJourneyStepMutation {
    /// Adds a step to a client journey.
    async fn add_journey_step(&self, ctx: &Context<'_>, input: AddJourneyStepInput) -> Result<ClientJourneyPayload> {
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
        ClientJourneyPayload::of(&werkplaats, &executed, added.journey_id, Some(added.step_id))
    }
}
