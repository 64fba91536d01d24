//! The stored form of events: their schema version, their payload, and
//! reading a payload back.
//!
//! Each event struct lives with the command that appends it (in
//! `commands/`), and `commands/mod.rs` lists them all in [`Event`]. A
//! payload is what the store keeps (as JSON, with a schema version).
//! Payloads never carry names of members or tokens: member names are
//! personal data and live beside the stream, where they can be erased
//! without touching the trail.

use super::Event;

/// A stored payload this build cannot read: an unknown type or schema version.
#[derive(Debug, thiserror::Error)]
#[error("cannot read event {event_type} (schema version {schema_version}): {reason}")]
pub struct UnknownEvent {
    pub event_type: String,
    pub schema_version: i32,
    pub reason: String,
}

impl Event {
    /// The schema version every payload is written with today. Older
    /// versions are upcast in [`Event::from_stored`], never rewritten.
    pub const SCHEMA_VERSION: i32 = 1;

    /// The payload as it is stored: the event's fields, without its type.
    pub fn payload(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut tagged)) => {
                tagged.remove("data").unwrap_or(serde_json::Value::Null)
            }
            // Every variant is a struct of plain fields: serialising cannot fail.
            _ => unreachable!("events serialise to tagged objects"),
        }
    }

    /// Reads a stored payload, upcasting older schema versions.
    pub fn from_stored(
        event_type: &str,
        schema_version: i32,
        payload: &serde_json::Value,
    ) -> Result<Event, UnknownEvent> {
        let unknown = |reason: String| UnknownEvent {
            event_type: event_type.to_owned(),
            schema_version,
            reason,
        };
        if schema_version != Self::SCHEMA_VERSION {
            return Err(unknown("no upcaster for this schema version".into()));
        }
        let tagged = serde_json::json!({ "type": event_type, "data": payload });
        serde_json::from_value(tagged).map_err(|e| unknown(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_type_or_version_is_refused_not_guessed() {
        assert!(Event::from_stored("Nonsense", 1, &serde_json::json!({})).is_err());
        let created = serde_json::json!({"from": 1, "to": 2, "note": null});
        assert!(Event::from_stored("PhaseAdvanced", 1, &created).is_ok());
        assert!(Event::from_stored("PhaseAdvanced", 9, &created).is_err());
    }
}
