//! The events of a werkplaats stream, one per contract mutation.
//!
//! An event's payload is what the store keeps (as JSON, with a schema
//! version). Payloads never carry names of members or tokens: member names
//! are personal data and live beside the stream, where they can be erased
//! without touching the trail.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ActOutcome, Direction, EvidenceBasis, Methodology, PartnerKind, Perspective, Role};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WerkplaatsCreated {
    pub werkplaats_id: Uuid,
    pub name: String,
    pub municipality: String,
    pub question: String,
    pub methodology: Methodology,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerAdded {
    pub partner_id: Uuid,
    pub name: String,
    pub kind: PartnerKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberInvited {
    pub member_id: Uuid,
    pub role: Role,
    pub partner_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemRecorded {
    pub problem_id: Uuid,
    pub title: String,
    pub description: String,
    pub perspective: Perspective,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SolutionProposed {
    pub solution_id: Uuid,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecorded {
    pub decision_id: Uuid,
    pub title: String,
    pub context: String,
    pub options_considered: Vec<String>,
    pub decision: String,
    pub rationale: String,
    pub based_on: Vec<Uuid>,
    pub supersedes_decision_id: Option<Uuid>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionPlanned {
    pub action_id: Uuid,
    pub title: String,
    pub goal: String,
    pub owner_partner_id: Uuid,
    pub solution_id: Option<Uuid>,
    pub due_date: Option<NaiveDate>,
}

/// Only the fields present changed. `dueDate: null` clears the date, which
/// is why it is an option of an option: absent, cleared, or set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRevised {
    pub action_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_partner_id: Option<Uuid>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub due_date: Option<Option<NaiveDate>>,
}

/// Deserialises a field that is present (even as `null`) into `Some`, so an
/// absent field (`None` by default) differs from an explicit null.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionStarted {
    pub action_id: Uuid,
    /// The PDCA cycle this Do step belongs to.
    pub cycle: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionChecked {
    pub action_id: Uuid,
    pub findings: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionConcluded {
    pub action_id: Uuid,
    pub outcome: ActOutcome,
    pub rationale: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReflectionRecorded {
    pub reflection_id: Uuid,
    pub text: String,
    pub about: Vec<Uuid>,
    /// The phase the werkplaats was in when the reflection was recorded.
    pub phase: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorDefined {
    pub indicator_id: Uuid,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeasurementRecorded {
    pub indicator_id: Uuid,
    pub value: f64,
    pub measured_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseAdvanced {
    pub from: u32,
    pub to: u32,
    pub note: Option<String>,
}

/// An evaluator's record of the stream head as it was before this event:
/// later checks fail if the chain no longer holds `hash` at `version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointRecorded {
    pub version: i64,
    pub hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberRemoved {
    pub member_id: Uuid,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleChanged {
    pub member_id: Uuid,
    pub from: Role,
    pub to: Role,
}

/// The member's personal data was erased beside the stream. The event says
/// that it happened, never what was erased.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberForgotten {
    pub member_id: Uuid,
}

/// The member may sign in with the identity provider. The subject it was
/// linked to (often an e-mail address) is personal data and stays beside
/// the stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityLinked {
    pub member_id: Uuid,
}

/// Every event a werkplaats stream can hold. The variant name is the stored
/// event type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    WerkplaatsCreated(WerkplaatsCreated),
    PartnerAdded(PartnerAdded),
    MemberInvited(MemberInvited),
    ProblemRecorded(ProblemRecorded),
    SolutionProposed(SolutionProposed),
    DecisionRecorded(DecisionRecorded),
    ActionPlanned(ActionPlanned),
    ActionRevised(ActionRevised),
    ActionStarted(ActionStarted),
    ActionChecked(ActionChecked),
    ActionConcluded(ActionConcluded),
    ReflectionRecorded(ReflectionRecorded),
    IndicatorDefined(IndicatorDefined),
    MeasurementRecorded(MeasurementRecorded),
    PhaseAdvanced(PhaseAdvanced),
    CheckpointRecorded(CheckpointRecorded),
    MemberRemoved(MemberRemoved),
    RoleChanged(RoleChanged),
    MemberForgotten(MemberForgotten),
    IdentityLinked(IdentityLinked),
}

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

    pub fn event_type(&self) -> &'static str {
        match self {
            Event::WerkplaatsCreated(_) => "WerkplaatsCreated",
            Event::PartnerAdded(_) => "PartnerAdded",
            Event::MemberInvited(_) => "MemberInvited",
            Event::ProblemRecorded(_) => "ProblemRecorded",
            Event::SolutionProposed(_) => "SolutionProposed",
            Event::DecisionRecorded(_) => "DecisionRecorded",
            Event::ActionPlanned(_) => "ActionPlanned",
            Event::ActionRevised(_) => "ActionRevised",
            Event::ActionStarted(_) => "ActionStarted",
            Event::ActionChecked(_) => "ActionChecked",
            Event::ActionConcluded(_) => "ActionConcluded",
            Event::ReflectionRecorded(_) => "ReflectionRecorded",
            Event::IndicatorDefined(_) => "IndicatorDefined",
            Event::MeasurementRecorded(_) => "MeasurementRecorded",
            Event::PhaseAdvanced(_) => "PhaseAdvanced",
            Event::CheckpointRecorded(_) => "CheckpointRecorded",
            Event::MemberRemoved(_) => "MemberRemoved",
            Event::RoleChanged(_) => "RoleChanged",
            Event::MemberForgotten(_) => "MemberForgotten",
            Event::IdentityLinked(_) => "IdentityLinked",
        }
    }

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
    fn a_payload_reads_back_as_the_same_event() {
        let revised = Event::ActionRevised(ActionRevised {
            action_id: Uuid::nil(),
            title: None,
            goal: Some("Sneller".into()),
            owner_partner_id: None,
            due_date: Some(None),
        });
        let payload = revised.payload();
        assert_eq!(payload["dueDate"], serde_json::Value::Null);
        assert!(payload.get("title").is_none());
        let back = Event::from_stored("ActionRevised", 1, &payload).unwrap();
        assert_eq!(back, revised);
    }

    #[test]
    fn an_unknown_type_or_version_is_refused_not_guessed() {
        assert!(Event::from_stored("Nonsense", 1, &serde_json::json!({})).is_err());
        let created = serde_json::json!({"from": 1, "to": 2, "note": null});
        assert!(Event::from_stored("PhaseAdvanced", 1, &created).is_ok());
        assert!(Event::from_stored("PhaseAdvanced", 9, &created).is_err());
    }
}
