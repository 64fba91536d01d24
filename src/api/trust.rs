//! The trust contract (`trust.graphql`): removing members, changing their
//! roles, erasing their personal data, rotating one's own token — and, our
//! addition, linking a member to the identity provider's subject.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::caller;
use super::enums::Role;
use super::error::graphql_error;
use super::mutation::{execute, missing, subject};
use super::types::{int, Member};
use crate::app::App;
use crate::domain::Command;

#[derive(InputObject)]
pub struct RemoveMemberInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    /// Send again to retry without removing twice.
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ChangeRoleInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    pub role: Role,
    /// Send again to retry without changing twice.
    pub command_id: Option<ID>,
}

#[derive(InputObject)]
pub struct ForgetMemberInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    /// Send again to retry without a second `MemberForgotten`.
    pub command_id: Option<ID>,
}

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

#[derive(SimpleObject)]
pub struct MemberPayload {
    pub member: Member,
    pub version: i32,
}

#[derive(SimpleObject)]
pub struct RotateTokenPayload {
    pub token: String,
}

#[derive(Default)]
pub struct TrustMutation;

async fn member_command(
    ctx: &Context<'_>,
    werkplaats_id: &ID,
    command: Command,
    raw_command_id: Option<ID>,
) -> Result<MemberPayload> {
    let (werkplaats, executed) = execute(ctx, werkplaats_id, command, raw_command_id).await?;
    let member = subject(&executed)
        .and_then(|id| werkplaats.0.member(&id))
        .ok_or_else(missing)?;
    Ok(MemberPayload {
        member: member.into(),
        version: int(executed.version),
    })
}

#[Object]
impl TrustMutation {
    /// FACILITATOR; appends MemberRemoved; the member's token stops working at once.
    async fn remove_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveMemberInput,
    ) -> Result<MemberPayload> {
        let command = Command::RemoveMember {
            member_id: input.member_id.0,
        };
        member_command(ctx, &input.werkplaats_id, command, input.command_id).await
    }

    /// FACILITATOR; appends RoleChanged.
    async fn change_role(
        &self,
        ctx: &Context<'_>,
        input: ChangeRoleInput,
    ) -> Result<MemberPayload> {
        let command = Command::ChangeRole {
            member_id: input.member_id.0,
            role: input.role.into(),
        };
        member_command(ctx, &input.werkplaats_id, command, input.command_id).await
    }

    /// FACILITATOR or admin; appends MemberForgotten and erases the member's
    /// personal data without changing any stored event; the trail still verifies.
    async fn forget_member(
        &self,
        ctx: &Context<'_>,
        input: ForgetMemberInput,
    ) -> Result<MemberPayload> {
        let command = Command::ForgetMember {
            member_id: input.member_id.0,
        };
        member_command(ctx, &input.werkplaats_id, command, input.command_id).await
    }

    /// Any member: replaces the caller's own token; the old one stops working.
    async fn rotate_token(&self, ctx: &Context<'_>) -> Result<RotateTokenPayload> {
        let app = ctx.data::<App>()?;
        let token = app.rotate_token(caller(ctx)).await.map_err(graphql_error)?;
        Ok(RotateTokenPayload { token })
    }

    /// FACILITATOR or admin; appends IdentityLinked: the person the identity
    /// provider calls `subject` signs in as this member.
    async fn link_identity(
        &self,
        ctx: &Context<'_>,
        input: LinkIdentityInput,
    ) -> Result<MemberPayload> {
        let command = Command::LinkIdentity {
            member_id: input.member_id.0,
            subject: input.subject,
        };
        member_command(ctx, &input.werkplaats_id, command, input.command_id).await
    }
}
