//! `startClientJourney`: a contributor starts a client journey.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, ClientJourneyPayload};
use crate::domain::{ClientJourneyStarted, StartClientJourney};

/// A new client journey (klantreis).
#[derive(InputObject)]
pub struct StartClientJourneyInput {
    /// The werkplaats the journey belongs to.
    pub werkplaats_id: ID,
    /// A short name for the journey.
    pub title: String,
    /// A pseudonymised situation, never a real client's name.
    pub situation: String,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct StartClientJourneyMutation;

#[Object]
impl StartClientJourneyMutation {
    /// Starts a client journey (klantreis).
    async fn start_client_journey(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The journey to start.")] input: StartClientJourneyInput,
    ) -> Result<ClientJourneyPayload> {
        let command = StartClientJourney {
            journey_id: new_id(),
            title: input.title,
            situation: input.situation,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let started: &ClientJourneyStarted = own(&executed)?;
        ClientJourneyPayload::of(&werkplaats, &executed, started.journey_id, None)
    }
}
