//! `recordCheckpoint`: an evaluator or facilitator vouches for the head of
//! the stream as it is now.

use serde::{Deserialize, Serialize};

use super::{Actor, Evolve, Rule};
use crate::domain::decide::{bad, Allowed, Decided};
use crate::domain::{DomainError, State};

/// Records the head before this command. The domain knows no hashes,
/// so the application reads the head's hash and passes it in.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordCheckpoint {
    pub version: i64,
    pub hash: String,
}

/// An evaluator's record of the stream head as it was before this event:
/// later checks fail if the chain no longer holds `hash` at `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointRecorded {
    pub version: i64,
    pub hash: String,
}

impl Rule for RecordCheckpoint {
    const ALLOWED: Allowed = Allowed::AUDITORS;

    fn decide(self, state: &State, _: Actor) -> Result<Decided, DomainError> {
        let RecordCheckpoint { version, hash } = self;
        let is_hash =
            hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !is_hash {
            return Err(bad("hash must be 64 lowercase hex digits"));
        }
        // A checkpoint of anything but the current head would vouch
        // for a version the caller did not look at.
        if version != state.version {
            return Err(DomainError::InvalidState(format!(
                "a checkpoint records the head, version {}",
                state.version
            )));
        }
        Ok(CheckpointRecorded { version, hash }.into())
    }
}

impl Evolve for CheckpointRecorded {
    fn evolve(&self, _: &mut State) {}
}
