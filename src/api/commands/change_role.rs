//! `changeRole`: a facilitator gives a member another role.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::api::enums::Role;
use crate::domain::{ChangeRole, RoleChanged};

/// A new role for a member.
#[derive(InputObject)]
pub struct ChangeRoleInput {
    /// The werkplaats the member belongs to.
    pub werkplaats_id: ID,
    /// The member whose role changes.
    pub member_id: ID,
    /// The member's new role.
    pub role: Role,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ChangeRoleMutation;

#[Object]
impl ChangeRoleMutation {
    /// Gives a member another role (facilitator).
    async fn change_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member and their new role.")] input: ChangeRoleInput,
    ) -> Result<MemberPayload> {
        let command = ChangeRole {
            member_id: input.member_id.0,
            role: input.role.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let changed: &RoleChanged = own(&executed)?;
        MemberPayload::of(&werkplaats, &executed, changed.member_id)
    }
}
