//! `removeMember`: a facilitator removes a member.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{MemberRemoved, RemoveMember};

#[derive(InputObject)]
pub struct RemoveMemberInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    /// Send again to retry without removing twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RemoveMemberMutation;

#[Object]
impl RemoveMemberMutation {
    /// FACILITATOR; appends MemberRemoved; the member's token stops working at once.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveMemberInput,
    ) -> Result<MemberPayload> {
        let command = RemoveMember {
            member_id: input.member_id.0,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let removed: &MemberRemoved = own(&executed)?;
        MemberPayload::of(&werkplaats, &executed, removed.member_id)
    }
}
