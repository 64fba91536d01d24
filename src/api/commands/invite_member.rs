//! `inviteMember`: a facilitator invites a member, who gets a token.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::Role;
use crate::api::types::{int, Member};
use crate::domain::{InviteMember, MemberInvited};

#[derive(InputObject)]
pub struct InviteMemberInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    pub member: Member,
    /// Shown once; only its hash is kept.
    pub token: String,
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
        input: InviteMemberInput,
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
