//! Reading what the report needs from the store: the werkplaats folded at
//! its head, with the names of its members.

use anyhow::Context;
use uuid::Uuid;

use crate::app::WerkplaatsAt;
use crate::domain::Event;
use crate::projections::{Recorded, WerkplaatsView};
use crate::store::EventStore;

/// Events per read; keeps memory flat for long streams.
const BATCH: i64 = 5_000;

/// The werkplaats `id` at its head; `None` when it
/// does not exist. `total` is told the number of events once it is known,
/// `step` after every batch with the events folded so far, for a progress
/// bar. Callers check visibility first.
pub async fn load(
    store: &EventStore,
    id: Uuid,
    mut total: impl FnMut(u64),
    mut step: impl FnMut(u64),
) -> anyhow::Result<Option<WerkplaatsAt>> {
    let Some(head) = store.stream_version(id).await? else {
        return Ok(None);
    };
    total(u64::try_from(head).unwrap_or(0));
    let mut view: Option<WerkplaatsView> = None;
    let mut after = 0;
    while after < head {
        let batch = store.read_stream(id, after, head, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.version;
        for stored in &batch {
            let event =
                Event::from_stored(&stored.event_type, stored.schema_version, &stored.payload)
                    .with_context(|| format!("event {} of {id}", stored.version))?;
            let recorded = Recorded {
                version: stored.version,
                recorded_at: stored.recorded_at,
                actor: stored.actor_id,
                event: &event,
            };
            match view.as_mut() {
                Some(view) => view.apply(recorded),
                None => {
                    view = Some(
                        WerkplaatsView::start(recorded)
                            .context("a stream must start with WerkplaatsCreated")?,
                    )
                }
            }
        }
        step(u64::try_from(after).unwrap_or(0));
    }
    let Some(view) = view else {
        return Ok(None);
    };
    let names = store.member_names(id).await?;
    Ok(Some(WerkplaatsAt { view, names }))
}
