//! Recomputing the hash chain from storage.

use uuid::Uuid;

use super::{chain, EventStore, StoreError};

/// The outcome of recomputing a stream's chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verification {
    pub valid: bool,
    pub checked_events: i64,
    /// The stored hash of the last event read.
    pub head_hash: Option<String>,
    /// The first version whose hash or link does not match, or that is missing.
    pub first_invalid_version: Option<i64>,
}

/// How many events one read fetches while verifying a long stream.
const BATCH: i64 = 1_000;

impl EventStore {
    /// Recomputes the chain of `stream` over versions `1..=up_to`.
    pub async fn verify(&self, stream: Uuid, up_to: i64) -> Result<Verification, StoreError> {
        let mut checked = 0;
        let mut head_hash: Option<String> = None;
        let mut first_invalid = None;
        let mut expected_version = 1;
        let mut after = 0;
        loop {
            let batch = self.read_stream(stream, after, up_to, BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.version;
            for event in batch {
                checked += 1;
                let recomputed = chain::event_hash(
                    head_hash.as_deref(),
                    event.stream_id,
                    event.version,
                    &event.event_type,
                    event.actor_id,
                    event.recorded_at,
                    &event.payload,
                );
                let broken = event.version != expected_version
                    || event.prev_hash != head_hash
                    || event.hash != recomputed;
                if broken && first_invalid.is_none() {
                    first_invalid = Some(expected_version.min(event.version));
                }
                // Go on from what is stored, so one bad event is reported
                // once and the rest of the trail is still read.
                head_hash = Some(event.hash);
                expected_version = event.version + 1;
            }
        }
        if first_invalid.is_none() && expected_version <= up_to {
            // Rows at the end are missing.
            first_invalid = Some(expected_version);
        }
        Ok(Verification {
            valid: first_invalid.is_none(),
            checked_events: checked,
            head_hash,
            first_invalid_version: first_invalid,
        })
    }
}
