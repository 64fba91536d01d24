//! `addPartner`: a facilitator adds a partner organisation.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::PartnerKind;
use crate::api::types::{int, Partner};
use crate::domain::{AddPartner, PartnerAdded};

#[derive(InputObject)]
pub struct AddPartnerInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub kind: PartnerKind,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct AddPartnerPayload {
    pub partner: Partner,
    pub version: i32,
}

#[derive(Default)]
pub struct AddPartnerMutation;

#[Object]
impl AddPartnerMutation {
    /// Adds a partner organisation (facilitator).
    async fn add_partner(
        &self,
        ctx: &Context<'_>,
        input: AddPartnerInput,
    ) -> Result<AddPartnerPayload> {
        let command = AddPartner {
            partner_id: new_id(),
            name: input.name,
            kind: input.kind.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let added: &PartnerAdded = own(&executed)?;
        let partner = werkplaats
            .0
            .view
            .partner(&added.partner_id)
            .ok_or_else(missing)?;
        Ok(AddPartnerPayload {
            partner: partner.into(),
            version: int(executed.version),
        })
    }
}
