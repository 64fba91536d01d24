//! `reissueInvitation`: the admin or a facilitator gives an active member a
//! new invitation link when the old one is lost. The event holds no token:
//! the application issues it beside the stream, and the member's old
//! tokens stop working with it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{active_member, Allowed, Decided};
use crate::domain::{DomainError, State};

#[derive(Clone, Debug, PartialEq)]
pub struct ReissueInvitation {
    pub member_id: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationReissued {
    pub member_id: Uuid,
}

impl Rule for ReissueInvitation {
    /// A facilitator who lost their own link has nobody else to ask.
    const ALLOWED: Allowed = Allowed::FACILITATORS_OR_ADMIN;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let (member_id, _) = active_member(state, &self.member_id, "reissue an invitation for")?;
        Ok(InvitationReissued { member_id }.into())
    }
}

impl Evolve for InvitationReissued {
    fn evolve(&self, _: &mut State) {}
}
