//! `forgetMember`: a facilitator or the admin erases a member's personal data.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{ForgetMember, MemberForgotten};

#[derive(InputObject)]
pub struct ForgetMemberInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    /// Send again to retry without a second `MemberForgotten`.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ForgetMemberMutation;

#[Object]
impl ForgetMemberMutation {
    /// FACILITATOR or admin; appends MemberForgotten and erases the member's
    /// personal data without changing any stored event; the trail still verifies.
    async fn forget_member(
        &self,
        ctx: &Context<'_>,
        input: ForgetMemberInput,
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
