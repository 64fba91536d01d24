//! `inviteMember`: a facilitator invites a member, who gets a token.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::Role;
use crate::api::types::{int, Member};
use crate::domain::{InviteMember, MemberInvited};

/// A person to invite into the werkplaats.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// The werkplaats to invite them into.
    pub werkplaats_id: ID,
    /// The person's name.
    pub name: String,
    /// What they may do in the werkplaats.
    pub role: Role,
    /// The partner organisation they take part for; optional.
    pub partner_id: Option<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The new member and their token.
#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    /// The new member.
    pub member: Member,
    /// The new member's token to sign in with. Shown only this once: the server
    /// keeps no copy it could show again.
    pub token: String,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct InviteMemberMutation;

#[Object]
impl InviteMemberMutation {
    /// Invites a member and issues their token (facilitator).
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The person to invite.")] input: InviteMemberInput,
    ) -> Result<InviteMemberPayload> {
        let command = InviteMember {
            member_id: new_id(),
            name: input.name,
            role: input.role.into(),
            partner_id: input.partner_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let invited: &MemberInvited = own(&executed)?;
        let member = werkplaats
            .0
            .member(&invited.member_id)
            .ok_or_else(missing)?;
        Ok(InviteMemberPayload {
            member: member.into(),
            token: executed.token.clone().ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
