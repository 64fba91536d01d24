//! `addPartner`: a facilitator adds a partner organisation.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::PartnerKind;
use crate::api::types::{int, Partner};
use crate::domain::{AddPartner, PartnerAdded};

/// A partner organisation to add to the werkplaats.
#[derive(InputObject)]
pub struct AddPartnerInput {
    /// The werkplaats the partner joins.
    pub werkplaats_id: ID,
    /// The organisation's name.
    pub name: String,
    /// What kind of organisation it is.
    pub kind: PartnerKind,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The partner that was added.
#[derive(SimpleObject)]
pub struct AddPartnerPayload {
    /// The new partner.
    pub partner: Partner,
    /// The werkplaats version after this change.
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
        #[graphql(desc = "The partner to add.")] input: AddPartnerInput,
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
