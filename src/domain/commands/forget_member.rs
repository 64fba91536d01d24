//! `forgetMember`: a facilitator or the admin erases a member's personal
//! data beside the stream; the event records that it happened.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{acted_on, Allowed, Decided};
use crate::domain::{DomainError, ItemKind, State};

#[derive(Clone, Debug, PartialEq)]
pub struct ForgetMember {
    pub member_id: String,
}

/// The member's personal data was erased beside the stream. The event says
/// that it happened, never what was erased.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberForgotten {
    pub member_id: Uuid,
}

impl Rule for ForgetMember {
    const ALLOWED: Allowed = Allowed::FACILITATORS_OR_ADMIN;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        // Erasure is a right the member has whatever their role: even the
        // last facilitator can be forgotten (the admin may invite anew).
        let member_id = acted_on(&self.member_id, ItemKind::Member, |id| state.is_member(id))?;
        if state.forgotten.contains(&member_id) {
            return Err(DomainError::InvalidState(
                "the member is forgotten already".into(),
            ));
        }
        Ok(MemberForgotten { member_id }.into())
    }
}

impl Evolve for MemberForgotten {
    fn evolve(&self, state: &mut State) {
        state.members.remove(&self.member_id);
        state.departed.insert(self.member_id);
        state.forgotten.insert(self.member_id);
    }
}
