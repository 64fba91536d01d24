//! The hash chain. Each event's hash is the lowercase hex SHA-256 of
//! `prev_hash + "\n" + C`, where `C` is the RFC 8785 (JCS) serialisation of
//! `{actor, data, recordedAt, stream, type, version}` and `prev_hash` is the
//! empty string for version 1. Everything in `C` is served by the API, so
//! anyone can recompute the chain from the `events` pages alone.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::timestamp;

pub fn event_hash(
    prev_hash: Option<&str>,
    stream: Uuid,
    version: i64,
    event_type: &str,
    actor: Option<Uuid>,
    recorded_at: DateTime<Utc>,
    data: &serde_json::Value,
) -> String {
    let canonical = serde_json::json!({
        "actor": actor.map(|a| a.to_string()),
        "data": data,
        "recordedAt": timestamp::format(recorded_at),
        "stream": stream.to_string(),
        "type": event_type,
        "version": version,
    });
    // JCS of a tree of plain JSON values cannot fail; the canonicaliser only
    // refuses non-finite floats, which serde_json cannot hold.
    let canonical = serde_json_canonicalizer::to_string(&canonical)
        .expect("plain JSON values always canonicalise");
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.unwrap_or("").as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_sha256_of_prev_newline_and_canonical_json() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:15:30.123456Z")
            .unwrap()
            .with_timezone(&Utc);
        let stream = Uuid::from_u128(1);
        let data = serde_json::json!({"b": 28.0, "a": "ë"});
        let got = event_hash(None, stream, 1, "X", None, at, &data);
        let canonical = format!(
            "{{\"actor\":null,\"data\":{{\"a\":\"ë\",\"b\":28}},\"recordedAt\":\"2026-11-22T10:15:30.123456Z\",\"stream\":\"{stream}\",\"type\":\"X\",\"version\":1}}"
        );
        let expected = hex::encode(Sha256::digest(format!("\n{canonical}").as_bytes()));
        assert_eq!(got, expected);
        let next = event_hash(Some(&got), stream, 2, "X", None, at, &data);
        assert_ne!(next, got);
    }
}
