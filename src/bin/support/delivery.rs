//! A subscriber's `next` message as the live benchmarks receive it, timed
//! on arrival. Shared through `#[path]` by `bench-live` (our server) and
//! `bench-fanout` (its peer baseline), so that both clients pay the same
//! parsing for the same bytes.

use chrono::{DateTime, Utc};
use serde::Deserialize;

/// One event as a subscriber received it.
#[derive(Debug)]
pub struct Delivery {
    pub version: i64,
    /// From `recordedAt` to the moment the message was parsed.
    pub latency_us: u64,
}

/// The shape of a `next` message with the benchmarks' subscription,
/// decoded directly (no intermediate JSON tree) since it is by far the most
/// common message.
#[derive(Deserialize)]
struct NextMessage {
    #[serde(rename = "type")]
    kind: String,
    payload: NextPayload,
}

#[derive(Deserialize)]
struct NextPayload {
    data: NextData,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NextData {
    werkplaats_events: EventFields,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventFields {
    version: i64,
    recorded_at: DateTime<Utc>,
}

/// The event of a `next` message; `None` for any other message.
pub fn delivery(text: &str) -> Option<Delivery> {
    let next = serde_json::from_str::<NextMessage>(text).ok()?;
    if next.kind != "next" {
        return None;
    }
    // The delivery time: right after the client parsed the message.
    let delivered = Utc::now();
    let event = next.payload.data.werkplaats_events;
    let latency = (delivered - event.recorded_at)
        .num_microseconds()
        .unwrap_or(0);
    Some(Delivery {
        version: event.version,
        latency_us: latency.max(0) as u64,
    })
}
