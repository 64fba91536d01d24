//! `createWerkplaats`: the admin opens a werkplaats with its facilitator.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{command_id, missing, new_id, own};
use crate::api::caller;
use crate::api::enums::Methodology;
use crate::api::error::graphql_error;
use crate::api::types::{Member, Werkplaats};
use crate::app::{App, Charge};
use crate::domain::{CreateWerkplaats, MemberInvited};

/// A new werkplaats and its first facilitator.
#[derive(InputObject)]
pub struct CreateWerkplaatsInput {
    /// The werkplaats's name.
    pub name: String,
    /// The municipality it works in.
    pub municipality: String,
    /// The one question the partners will work on.
    pub question: String,
    /// The step plan it follows; it fixes the phases.
    pub methodology: Methodology,
    /// The name of the person who will lead it.
    pub facilitator_name: String,
    /// Send the same id again after a timeout and the command is not applied
    /// twice: no second werkplaats is created.
    pub command_id: Option<ID>,
}

/// The new werkplaats, its facilitator and the facilitator's token.
#[derive(SimpleObject)]
pub struct CreateWerkplaatsPayload {
    /// The new werkplaats.
    pub werkplaats: Werkplaats,
    /// The facilitator, its first member.
    pub facilitator: Member,
    /// The facilitator's token to sign in with. Shown only this once: the
    /// server keeps no copy it could show again.
    pub facilitator_token: String,
}

#[derive(Default)]
pub struct CreateWerkplaatsMutation;

#[Object]
impl CreateWerkplaatsMutation {
    /// Opens a werkplaats with its facilitator (admin only).
    async fn create_werkplaats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats to open.")] input: CreateWerkplaatsInput,
    ) -> Result<CreateWerkplaatsPayload> {
        let app = ctx.data::<App>()?;
        let command = CreateWerkplaats {
            werkplaats_id: new_id(),
            facilitator_id: new_id(),
            name: input.name,
            municipality: input.municipality,
            question: input.question,
            methodology: input.methodology.into(),
            facilitator_name: input.facilitator_name,
        };
        // Not `execute`: there is no werkplaats yet to look up.
        let executed = app
            .create_werkplaats(
                caller(ctx),
                command.into(),
                command_id(input.command_id),
                ctx.data_opt::<Charge>().cloned(),
            )
            .await
            .map_err(graphql_error)?;
        let invited: &MemberInvited = own(&executed)?;
        let facilitator = executed
            .werkplaats
            .member(&invited.member_id)
            .ok_or_else(missing)?;
        Ok(CreateWerkplaatsPayload {
            werkplaats: Werkplaats(executed.werkplaats.clone()),
            facilitator: facilitator.into(),
            facilitator_token: executed.token.ok_or_else(missing)?,
        })
    }
}
