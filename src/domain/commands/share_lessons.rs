//! `shareLessons`: a facilitator decides whether the werkplaats shares its
//! lessons with the library (wat werkt). Setting what is already set
//! appends nothing.

use serde::{Deserialize, Serialize};

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{Allowed, Decided};
use crate::domain::{DomainError, State};

#[derive(Clone, Debug, PartialEq)]
pub struct ShareLessons {
    pub share: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonsShared {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LessonsUnshared {}

impl Rule for ShareLessons {
    const ALLOWED: Allowed = Allowed::FACILITATORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        Ok(match (state.shares_lessons, self.share) {
            (false, true) => LessonsShared {}.into(),
            (true, false) => LessonsUnshared {}.into(),
            _ => Decided::nothing(),
        })
    }
}

impl Evolve for LessonsShared {
    fn evolve(&self, state: &mut State) {
        state.shares_lessons = true;
    }
}

impl Evolve for LessonsUnshared {
    fn evolve(&self, state: &mut State) {
        state.shares_lessons = false;
    }
}
