//! `removeMember`: a facilitator removes an active member, never the last
//! facilitator. The member's token stops working with the event.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{active_member, last_facilitator, Allowed, Decided};
use crate::domain::{DomainError, State};

#[derive(Clone, Debug, PartialEq)]
pub struct RemoveMember {
    pub member_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberRemoved {
    pub member_id: Uuid,
}

impl Rule for RemoveMember {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let (member_id, role) = active_member(state, &self.member_id, "remove")?;
        last_facilitator(state, role, "remove")?;
        Ok(MemberRemoved { member_id }.into())
    }
}

impl Evolve for MemberRemoved {
    fn evolve(&self, state: &mut State) {
        state.members.remove(&self.member_id);
        state.departed.insert(self.member_id);
    }
}
