//! `linkIdentity`: a facilitator or the admin lets an active member sign in
//! with the identity provider. The subject is personal data: it is returned
//! beside the event, never inside it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{active_member, bad, Allowed, Decided, MemberIdentity};
use crate::domain::{DomainError, Name, State};

/// Lets the member sign in with the identity provider as `subject`
/// (the value of the configured claim).
#[derive(Clone, Debug, PartialEq)]
pub struct LinkIdentity {
    pub member_id: String,
    pub subject: String,
}

/// The member may sign in with the identity provider. The subject it was
/// linked to (often an e-mail address) is personal data and stays beside
/// the stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityLinked {
    pub member_id: Uuid,
}

impl Rule for LinkIdentity {
    const ALLOWED: Allowed = Allowed::FACILITATORS_OR_ADMIN;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let subject = Name::parse(&self.subject, "subject").map_err(bad)?;
        let (member_id, _) = active_member(state, &self.member_id, "link")?;
        Ok(Decided {
            events: vec![IdentityLinked { member_id }.into()],
            profile: None,
            identity: Some(MemberIdentity { member_id, subject }),
        })
    }
}

impl Evolve for IdentityLinked {
    fn evolve(&self, _: &mut State) {}
}
