//! `changeRole`: a facilitator gives a member another role.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, MemberPayload};
use crate::api::enums::Role;
use crate::domain::{ChangeRole, RoleChanged};

#[derive(InputObject)]
pub struct ChangeRoleInput {
    pub werkplaats_id: ID,
    pub member_id: ID,
    pub role: Role,
    /// Send again to retry without changing twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ChangeRoleMutation;

#[Object]
impl ChangeRoleMutation {
    /// FACILITATOR; appends RoleChanged.
    async fn change_role(
        &self,
        ctx: &Context<'_>,
        input: ChangeRoleInput,
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
