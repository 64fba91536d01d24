//! `recordReflection`: a contributor reflects on items of the werkplaats;
//! the reflection belongs to the phase it was recorded in.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{references, text_of, Allowed, Decided};
use crate::domain::{DomainError, State, Text};

#[derive(Clone, Debug, PartialEq)]
pub struct RecordReflection {
    pub reflection_id: Uuid,
    pub text: String,
    pub about: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReflectionRecorded {
    pub reflection_id: Uuid,
    pub text: Text,
    pub about: Vec<Uuid>,
    /// The phase the werkplaats was in when the reflection was recorded.
    pub phase: u32,
}

impl Rule for RecordReflection {
    const ALLOWED: Allowed = Allowed::CONTRIBUTORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(ReflectionRecorded {
            reflection_id: self.reflection_id,
            text: text_of(&self.text, "text")?,
            about: references(&self.about, "about", |id| state.is_referable(id))?,
            phase: state.phase,
        }
        .into())
    }
}

impl Evolve for ReflectionRecorded {
    fn evolve(&self, state: &mut State) {
        state.reflections.insert(self.reflection_id);
    }
}
