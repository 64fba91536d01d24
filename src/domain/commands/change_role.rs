//! `changeRole`: a facilitator gives an active member another role, never
//! demoting the last facilitator.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{active_member, last_facilitator, Allowed, Decided};
use crate::domain::{DomainError, Role, State};

#[derive(Clone, Debug, PartialEq)]
pub struct ChangeRole {
    pub member_id: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleChanged {
    pub member_id: Uuid,
    pub from: Role,
    pub to: Role,
}

impl Rule for ChangeRole {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let (member_id, from) = active_member(state, &self.member_id, "change the role of")?;
        if from == self.role {
            return Err(DomainError::InvalidState(format!(
                "the member is {:?} already",
                self.role
            )));
        }
        last_facilitator(state, from, "demote")?;
        Ok(RoleChanged {
            member_id,
            from,
            to: self.role,
        }
        .into())
    }
}

impl Evolve for RoleChanged {
    fn evolve(&self, state: &mut State) {
        state.members.insert(self.member_id, self.to);
    }
}
