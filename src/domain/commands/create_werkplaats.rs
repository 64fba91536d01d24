//! `createWerkplaats`: the admin opens a werkplaats with its first
//! facilitator, whose name is kept beside the stream.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, MemberInvited, Rule};
use crate::domain::decide::{name_of, text_of, Allowed, Decided, MemberProfile};
use crate::domain::{DomainError, Methodology, Name, Role, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct CreateWerkplaats {
    pub werkplaats_id: Uuid,
    pub facilitator_id: Uuid,
    pub name: String,
    pub municipality: String,
    pub question: String,
    pub methodology: Methodology,
    pub facilitator_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WerkplaatsCreated {
    pub werkplaats_id: Uuid,
    pub name: Name,
    pub municipality: Name,
    pub question: Text,
    pub methodology: Methodology,
}

impl Rule for CreateWerkplaats {
    const ALLOWED: Allowed = Allowed::ADMIN;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let created = WerkplaatsCreated {
            werkplaats_id: self.werkplaats_id,
            name: name_of(&self.name, "name")?,
            municipality: name_of(&self.municipality, "municipality")?,
            question: text_of(&self.question, "question")?,
            methodology: self.methodology,
        };
        let facilitator_name =
            Name::parse(&self.facilitator_name, "facilitatorName").map_err(DomainError::BadInput)?;
        if state.exists() {
            return Err(DomainError::InvalidState(
                "the werkplaats exists already".into(),
            ));
        }
        Ok(Decided {
            events: vec![
                created.into(),
                MemberInvited {
                    member_id: self.facilitator_id,
                    role: Role::Facilitator,
                    partner_id: None,
                }
                .into(),
            ],
            profile: Some(MemberProfile {
                member_id: self.facilitator_id,
                name: facilitator_name,
            }),
            identity: None,
        })
    }
}

impl Evolve for WerkplaatsCreated {
    fn evolve(&self, state: &mut State) {
        state.werkplaats_id = Some(self.werkplaats_id);
        state.methodology = Some(self.methodology);
        state.phase = 1;
        state
            .checklist
            .extend(crate::domain::standard_checklist_ids(self.werkplaats_id));
    }
}
