//! `reissueInvitation`: a new invitation link for an active member.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::invite_member::InviteMemberPayload;
use super::{execute, missing, own};
use crate::api::types::int;
use crate::domain::{InvitationReissued, ReissueInvitation};

/// A member who needs a new invitation link, for instance after losing the old
/// one.
#[derive(InputObject)]
pub struct ReissueInvitationInput {
    /// The werkplaats the member belongs to.
    pub werkplaats_id: ID,
    /// The member who needs a new link.
    pub member_id: ID,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReissueInvitationMutation;

#[Object]
impl ReissueInvitationMutation {
    /// A new token for an active member, shown once; their old tokens stop
    /// working at once (the admin, or a facilitator of the werkplaats).
    async fn reissue_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member who needs a new link.")] input: ReissueInvitationInput,
    ) -> Result<InviteMemberPayload> {
        let command = ReissueInvitation {
            member_id: input.member_id.0,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let reissued: &InvitationReissued = own(&executed)?;
        let member = werkplaats
            .0
            .member(&reissued.member_id)
            .ok_or_else(missing)?;
        Ok(InviteMemberPayload {
            member: member.into(),
            token: executed.token.clone().ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
