//! `inviteMember`: a facilitator invites a member, optionally on behalf of
//! a partner. The member's name is personal data: it is returned beside the
//! event, never inside it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{reference, Allowed, Decided, MemberProfile};
use crate::domain::{DomainError, Name, Role, State};

#[derive(Clone, Debug, PartialEq)]
pub struct InviteMember {
    pub member_id: Uuid,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberInvited {
    pub member_id: Uuid,
    pub role: Role,
    pub partner_id: Option<Uuid>,
}

impl Rule for InviteMember {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let name = Name::parse(&self.name, "name").map_err(DomainError::BadInput)?;
        let partner_id = self
            .partner_id
            .map(|id| reference(&id, "partnerId", |id| state.partners.contains(id)))
            .transpose()?;
        Ok(Decided {
            events: vec![MemberInvited {
                member_id: self.member_id,
                role: self.role,
                partner_id,
            }
            .into()],
            profile: Some(MemberProfile {
                member_id: self.member_id,
                name,
            }),
            identity: None,
        })
    }
}

impl Evolve for MemberInvited {
    fn evolve(&self, state: &mut State) {
        state.members.insert(self.member_id, self.role);
        if let Some(partner) = self.partner_id {
            state.member_partners.insert(self.member_id, partner);
        }
    }
}
