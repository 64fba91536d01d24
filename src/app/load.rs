//! Loading a werkplaats: folding its stream into the domain state and the
//! read model at once.

use uuid::Uuid;

use super::snapshots::Snapshot;
use super::{App, AppError, Caller, WerkplaatsAt};
use crate::domain::{Event, State};
use crate::projections::{Recorded, WerkplaatsView};
use crate::store::{Head, StoredEvent};

/// How many events one read fetches while folding a long stream.
const BATCH: i64 = 5_000;

/// A werkplaats folded up to some version: what the rules need and what
/// readers see.
pub(super) struct Loaded {
    pub state: State,
    pub at: WerkplaatsAt,
}

pub(super) fn decode(stored: &StoredEvent) -> Result<Event, AppError> {
    Event::from_stored(&stored.event_type, stored.schema_version, &stored.payload)
        .map_err(|e| AppError::Internal(e.into()))
}

impl Loaded {
    /// Folds one event into `slot`, starting the fold at the stream's first
    /// event.
    pub fn push(slot: &mut Option<Loaded>, recorded: Recorded<'_>) -> Result<(), AppError> {
        match slot {
            Some(loaded) => {
                loaded.state.apply(recorded.event);
                loaded.at.view.apply(recorded);
            }
            None => {
                let view = WerkplaatsView::start(recorded).ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "a stream must start with WerkplaatsCreated"
                    ))
                })?;
                *slot = Some(Loaded {
                    state: State::from_events([recorded.event]),
                    at: WerkplaatsAt {
                        view,
                        names: Default::default(),
                    },
                });
            }
        }
        Ok(())
    }

    /// Folds one stored event into `slot`.
    pub fn push_stored(slot: &mut Option<Loaded>, stored: &StoredEvent) -> Result<(), AppError> {
        let event = decode(stored)?;
        Loaded::push(
            slot,
            Recorded {
                version: stored.version,
                recorded_at: stored.recorded_at,
                actor: stored.actor_id,
                event: &event,
            },
        )
    }
}

impl App {
    /// The werkplaats id the caller asks for, if the caller may see it.
    /// Ids that are not UUIDs, unknown ones and other werkplaatsen all
    /// answer the same `NOT_FOUND`.
    pub(super) fn visible(
        &self,
        caller: Option<Caller>,
        raw_id: &str,
    ) -> Result<(Caller, Uuid), AppError> {
        let caller = caller.ok_or(AppError::Unauthenticated)?;
        let id = Uuid::parse_str(raw_id.trim()).map_err(|_| AppError::NotFound)?;
        if !caller.sees(id) {
            return Err(AppError::NotFound);
        }
        Ok((caller, id))
    }

    /// Folds the stream up to and including `up_to`; `None` when it does not
    /// exist. Starts from the nearest snapshot when there is one.
    pub(super) async fn load(&self, id: Uuid, up_to: i64) -> Result<Option<Loaded>, AppError> {
        Ok(self
            .load_with_head(id, up_to)
            .await?
            .map(|(loaded, _)| loaded))
    }

    /// [`App::load`], with the last event folded.
    pub(super) async fn load_with_head(
        &self,
        id: Uuid,
        up_to: i64,
    ) -> Result<Option<(Loaded, Head)>, AppError> {
        let base = self.snapshots.nearest(id, up_to);
        let mut loaded = match self.fold(id, up_to, base.as_deref()).await? {
            Some(loaded) => loaded,
            None => {
                // The stream no longer holds the snapshot's last event as it
                // was: the events win, the snapshots go.
                self.snapshots.forget(id);
                self.fold(id, up_to, None).await?.ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!("a fold from the start checks no snapshot"))
                })?
            }
        };
        if let Some((loaded, _)) = &mut loaded {
            loaded.at.names = self.store.member_names(id).await?;
        }
        Ok(loaded)
    }

    /// Folds events `base.version + 1 ..= up_to` onto `base` (or the whole
    /// stream), keeping snapshots on the way. The outer `None` says `base`
    /// does not match the stream; the inner one that the stream is empty.
    async fn fold(
        &self,
        id: Uuid,
        up_to: i64,
        base: Option<&Snapshot>,
    ) -> Result<Option<Option<(Loaded, Head)>>, AppError> {
        let mut loaded = base.map(Snapshot::to_loaded);
        let mut head = None;
        // Event `base.version` is read again, to check the snapshot by its hash.
        let mut after = base.map_or(0, |b| b.version() - 1);
        let mut check = base;
        loop {
            let batch = self.store.read_stream(id, after, up_to, BATCH).await?;
            if let Some(base) = check.take() {
                match batch.first() {
                    Some(first) if first.version == base.version() && first.hash == base.hash() => {
                        head = Some(head_of(first));
                    }
                    _ => return Ok(None),
                }
            }
            for stored in &batch {
                after = stored.version;
                if loaded
                    .as_ref()
                    .is_some_and(|l| l.state.version >= stored.version)
                {
                    continue;
                }
                Loaded::push_stored(&mut loaded, stored)?;
                if let Some(loaded) = &loaded {
                    self.snapshots
                        .passed(id, &loaded.state, &loaded.at.view, &stored.hash);
                }
                head = Some(head_of(stored));
            }
            if (batch.len() as i64) < BATCH {
                break;
            }
        }
        if let (Some(loaded), Some(head)) = (&loaded, &head) {
            self.snapshots
                .reached(id, &loaded.state, &loaded.at.view, &head.hash);
        }
        Ok(Some(loaded.zip(head)))
    }
}

pub(super) fn head_of(stored: &StoredEvent) -> Head {
    Head {
        hash: stored.hash.clone(),
        recorded_at: stored.recorded_at,
    }
}
