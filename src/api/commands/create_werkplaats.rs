//! `createWerkplaats`: the admin opens a werkplaats with its facilitator.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{command_id, missing, new_id, own};
use crate::api::caller;
use crate::api::enums::Methodology;
use crate::api::error::graphql_error;
use crate::api::types::{Member, Werkplaats};
use crate::app::App;
use crate::domain::{CreateWerkplaats, MemberInvited};

#[derive(InputObject)]
pub struct CreateWerkplaatsInput {
    pub name: String,
    pub municipality: String,
    pub question: String,
    pub methodology: Methodology,
    pub facilitator_name: String,
    /// Send again to retry without creating a second werkplaats.
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct CreateWerkplaatsPayload {
    pub werkplaats: Werkplaats,
    pub facilitator: Member,
    /// Shown once; only its hash is kept.
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
        input: CreateWerkplaatsInput,
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
            .create_werkplaats(caller(ctx), command.into(), command_id(input.command_id))
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
