//! The verifiable trail: a werkplaats's events as JSON Lines, and the
//! offline check of such a file.
//!
//! An export is one header line followed by one line per event, in version
//! order. [`export`] writes it from the event store; [`verify`] checks it
//! with nothing but the file: no database, no server. Both speak the types
//! in this module, so what is written is exactly what is read back.

pub mod cli;
pub mod export;
pub mod verify;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which layout of the file this is; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// The first line of an export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Header {
    pub format_version: u32,
    pub werkplaats: Uuid,
    pub name: String,
    pub methodology: String,
    pub head_version: i64,
    /// `null` only for a werkplaats without events, which cannot be exported.
    pub head_hash: Option<String>,
}

/// One event line, with every field the hash covers plus the hashes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventLine {
    pub version: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub data: serde_json::Value,
    pub actor: Option<Uuid>,
    /// Exactly as served: UTC with six fractional digits. Kept as text so
    /// the verifier hashes what the file says, not a reparsed moment.
    pub recorded_at: String,
    pub hash: String,
    pub prev_hash: Option<String>,
}

/// A version and the hash an evaluator recorded for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub version: i64,
    pub hash: String,
}

impl std::str::FromStr for Checkpoint {
    type Err = String;

    /// `V:HASH`, with HASH 64 lowercase hex digits.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (version, hash) = text
            .split_once(':')
            .ok_or_else(|| format!("checkpoint {text:?} is not VERSION:HASH"))?;
        let version: i64 =
            version.parse().ok().filter(|v| *v >= 1).ok_or_else(|| {
                format!("checkpoint version {version:?} is not a positive integer")
            })?;
        if !is_hash(hash) {
            return Err(format!(
                "checkpoint hash {hash:?} is not 64 lowercase hex digits"
            ));
        }
        Ok(Checkpoint {
            version,
            hash: hash.to_owned(),
        })
    }
}

/// Whether `text` has the form of a chain hash: 64 lowercase hex digits.
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_is_a_positive_version_and_a_lowercase_hash() {
        let hash = "ab".repeat(32);
        let parsed: Checkpoint = format!("7:{hash}").parse().unwrap();
        assert_eq!(
            parsed,
            Checkpoint {
                version: 7,
                hash: hash.clone()
            }
        );
        for bad in [
            hash.clone(),
            format!("0:{hash}"),
            format!("-1:{hash}"),
            format!("x:{hash}"),
            format!("7:{}", hash.to_uppercase()),
            format!("7:{}", &hash[1..]),
        ] {
            assert!(bad.parse::<Checkpoint>().is_err(), "{bad}");
        }
    }
}
