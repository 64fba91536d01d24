//! `addPartner`: a facilitator adds a partner organisation.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{name_of, Allowed, Decided};
use crate::domain::{DomainError, Name, PartnerKind, State};

#[derive(Clone, Debug, PartialEq)]
pub struct AddPartner {
    pub partner_id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAdded {
    pub partner_id: Uuid,
    pub name: Name,
    pub kind: PartnerKind,
}

impl Rule for AddPartner {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, _: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(PartnerAdded {
            partner_id: self.partner_id,
            name: name_of(&self.name, "name")?,
            kind: self.kind,
        }
        .into())
    }
}

impl Evolve for PartnerAdded {
    fn evolve(&self, state: &mut State) {
        state.partners.insert(self.partner_id);
    }
}
