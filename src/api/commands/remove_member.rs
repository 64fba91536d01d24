//! `removeMember`: a facilitator removes a member.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::domain::{MemberRemoved, RemoveMember};

/// A member to remove from the werkplaats.
#[derive(InputObject)]
pub struct RemoveMemberInput {
    /// The werkplaats the member belongs to.
    pub werkplaats_id: ID,
    /// The member to remove.
    pub member_id: ID,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RemoveMemberMutation;

#[Object]
impl RemoveMemberMutation {
    /// Removes a member: their token stops working at once; they stay listed,
    /// as the history refers to them (facilitator).
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member to remove.")] input: RemoveMemberInput,
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
