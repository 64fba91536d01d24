//! Writing a werkplaats's trail as JSON Lines, straight from the store.

use std::io::Write;

use uuid::Uuid;

use super::{EventLine, Header, FORMAT_VERSION};
use crate::store::{EventStore, StoredEvent};
use crate::{progress, timestamp};

/// How many events one read fetches while exporting a long stream.
const BATCH: i64 = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("werkplaats {0} does not exist")]
    NotFound(Uuid),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error("encoding: {0}")]
    Json(#[from] serde_json::Error),
}

/// Writes the header and every event of `werkplaats` up to its head as it
/// is when the export starts; events appended meanwhile are left out, so
/// the header's head always matches the last line.
pub async fn export(
    store: &EventStore,
    werkplaats: Uuid,
    mut out: impl Write,
) -> Result<i64, ExportError> {
    let head = store
        .stream_version(werkplaats)
        .await?
        .ok_or(ExportError::NotFound(werkplaats))?;
    let first = store.read_stream(werkplaats, 0, 1, 1).await?;
    let last = store.read_stream(werkplaats, head - 1, head, 1).await?;
    let (Some(first), Some(last)) = (first.first(), last.first()) else {
        return Err(ExportError::NotFound(werkplaats));
    };
    let header = Header {
        format_version: FORMAT_VERSION,
        werkplaats,
        name: first.payload["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        methodology: first.payload["methodology"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        head_version: head,
        head_hash: Some(last.hash.clone()),
    };
    serde_json::to_writer(&mut out, &header)?;
    out.write_all(b"\n")?;

    let bar = progress::bar(u64::try_from(head).unwrap_or(0), "export");
    let mut after = 0;
    while after < head {
        let batch = store.read_stream(werkplaats, after, head, BATCH).await?;
        let Some(end) = batch.last() else { break };
        after = end.version;
        for event in &batch {
            serde_json::to_writer(&mut out, &line(event))?;
            out.write_all(b"\n")?;
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    out.flush()?;
    Ok(head)
}

/// An event as it is exported: what the API serves, nothing more.
pub fn line(event: &StoredEvent) -> EventLine {
    EventLine {
        version: event.version,
        event_type: event.event_type.clone(),
        data: event.payload.clone(),
        actor: event.actor_id,
        recorded_at: timestamp::format(event.recorded_at),
        hash: event.hash.clone(),
        prev_hash: event.prev_hash.clone(),
    }
}
