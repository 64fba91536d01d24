//! Checkpoints: recording the head an evaluator vouches for, and checking
//! later that the chain still holds each recorded hash at its version.
//!
//! The domain knows no hashes, so the head hash the writer keeps is handed
//! to the domain inside the command, under the writer's turn.

use super::heads::WriteHead;
use super::{App, AppError, WerkplaatsAt};
use crate::domain::{Command, RecordCheckpoint};
use crate::store::Verification;

/// `command` with the head it will be decided on filled in, when it is a
/// `RecordCheckpoint`; any other command as it is.
pub(super) fn with_head(head: Option<&WriteHead>, command: Command) -> Command {
    match (command, head) {
        (Command::RecordCheckpoint(_), Some(head)) => Command::RecordCheckpoint(RecordCheckpoint {
            version: head.state.version,
            hash: head.head.hash.clone(),
        }),
        (command, _) => command,
    }
}

impl App {
    /// Recomputes the chain up to `werkplaats`'s version and checks that it
    /// holds each `(version, hash)`. The chain alone cannot catch a history
    /// rewritten and re-hashed from some point on; a hash recorded before
    /// the rewrite can.
    pub async fn verify_checkpoints(
        &self,
        werkplaats: &WerkplaatsAt,
        checkpoints: &[(i64, String)],
    ) -> Result<Verification, AppError> {
        let head = werkplaats.view.version;
        for (version, hash) in checkpoints {
            if !crate::trail::is_hash(hash) {
                return Err(AppError::BadInput(
                    "a checkpoint hash is 64 lowercase hex digits".into(),
                ));
            }
            if !(1..=head).contains(version) {
                return Err(AppError::BadInput(format!(
                    "checkpoint version {version} is not between 1 and {head}"
                )));
            }
        }
        let mut verification = self.verify_trail(werkplaats).await?;
        if !verification.valid {
            return Ok(verification);
        }
        let mut first_invalid: Option<i64> = None;
        for (version, hash) in checkpoints {
            let stored = self
                .store
                .read_stream(werkplaats.view.id, version - 1, *version, 1)
                .await?
                .pop()
                .map(|event| event.hash);
            if stored.as_deref() != Some(hash.as_str()) {
                first_invalid = Some(first_invalid.map_or(*version, |v| v.min(*version)));
            }
        }
        if first_invalid.is_some() {
            verification.valid = false;
            verification.first_invalid_version = first_invalid;
        }
        Ok(verification)
    }
}
