//! `linkIdentity`: a facilitator or the admin links a member to the
//! identity provider's subject (our addition to the trust contract).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{IdentityLinked, LinkIdentity};

/// A member to link to a person's account with the identity provider.
#[derive(InputObject)]
pub struct LinkIdentityInput {
    /// The werkplaats the member belongs to.
    pub werkplaats_id: ID,
    /// The member to link.
    pub member_id: ID,
    /// Who the person is to the identity provider (the value of its `sub`
    /// claim, unless configured otherwise). Kept apart from the trail and
    /// erased when the member is forgotten.
    pub subject: String,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct LinkIdentityMutation;

#[Object]
impl LinkIdentityMutation {
    /// Lets a person sign in as this member with their login at the identity
    /// provider (facilitator or admin).
    async fn link_identity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member and the person's identity.")] input: LinkIdentityInput,
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
