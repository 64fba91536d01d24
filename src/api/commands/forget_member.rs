//! `forgetMember`: a facilitator or the admin erases a member's personal data.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{ForgetMember, MemberForgotten};

/// A member whose personal data is to be erased.
#[derive(InputObject)]
pub struct ForgetMemberInput {
    /// The werkplaats the member belongs to.
    pub werkplaats_id: ID,
    /// The member to forget.
    pub member_id: ID,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ForgetMemberMutation;

#[Object]
impl ForgetMemberMutation {
    /// Erases a member's personal data; their name then reads "vergeten lid"
    /// everywhere. The audit trail stays intact and still verifies (facilitator
    /// or admin).
    async fn forget_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member to forget.")] input: ForgetMemberInput,
    ) -> Result<MemberPayload> {
        let command = ForgetMember {
            member_id: input.member_id.0,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let forgotten: &MemberForgotten = own(&executed)?;
        MemberPayload::of(&werkplaats, &executed, forgotten.member_id)
    }
}
