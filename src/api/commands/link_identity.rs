//! `linkIdentity`: a facilitator or the admin links a member to the
//! identity provider's subject (our addition to the trust contract).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{IdentityLinked, LinkIdentity};

#[derive(InputObject)]
pub struct LinkIdentityInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    /// The identity provider's value of the configured claim (`sub` by
    /// default) for this person. Kept beside the stream, erased with the member.
    pub subject: String,
    /// Send again to retry without linking twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct LinkIdentityMutation;

#[Object]
impl LinkIdentityMutation {
    /// FACILITATOR or admin; appends IdentityLinked: the person the identity
    /// provider calls `subject` signs in as this member.
    async fn link_identity(
        &self,
        ctx: &Context<'_>,
        input: LinkIdentityInput,
    ) -> Result<MemberPayload> {
        let command = LinkIdentity {
            member_id: input.member_id.0,
            subject: input.subject,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let linked: &IdentityLinked = own(&executed)?;
        MemberPayload::of(&werkplaats, &executed, linked.member_id)
    }
}
