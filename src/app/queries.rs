//! Reads: the werkplaats now or as it was, the audit trail, the chain check.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{App, AppError, Caller, EventRecord, MemberInfo, WerkplaatsAt};
use crate::store::Verification;

/// Which version of a werkplaats to read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AsOf {
    Head,
    Version(i64),
    /// The last event recorded at or before this moment.
    Time(DateTime<Utc>),
}

impl AsOf {
    /// From the query's two optional arguments; both at once is bad input.
    pub fn from_arguments(
        version: Option<i64>,
        time: Option<DateTime<Utc>>,
    ) -> Result<AsOf, AppError> {
        match (version, time) {
            (None, None) => Ok(AsOf::Head),
            (Some(v), None) => Ok(AsOf::Version(v)),
            (None, Some(t)) => Ok(AsOf::Time(t)),
            (Some(_), Some(_)) => Err(AppError::BadInput(
                "give asOfVersion or asOfTime, not both".into(),
            )),
        }
    }
}

/// One page of the audit trail.
#[derive(Clone, Debug)]
pub struct EventPage {
    pub events: Vec<EventRecord>,
    pub has_more: bool,
}

/// Most events one page may hold.
pub const PAGE_MAX: i64 = 1_000;

impl App {
    /// The werkplaats `id` as of `as_of`, if the caller may see it.
    /// `as_of` is checked after visibility, so an unknown werkplaats answers
    /// `NOT_FOUND` whatever the version asked for.
    pub async fn werkplaats(
        &self,
        caller: Option<Caller>,
        id: &str,
        as_of: Result<AsOf, AppError>,
    ) -> Result<Arc<WerkplaatsAt>, AppError> {
        let (_, id) = self.visible(caller, id)?;
        let head = self
            .store
            .stream_version(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let version = match as_of? {
            AsOf::Head => head,
            AsOf::Version(v) if (1..=head).contains(&v) => v,
            AsOf::Version(v) => {
                return Err(AppError::BadInput(format!(
                    "asOfVersion must lie between 1 and {head}, got {v}"
                )))
            }
            AsOf::Time(at) => self.store.version_at(id, at).await?.ok_or_else(|| {
                AppError::BadInput("asOfTime lies before the werkplaats was created".into())
            })?,
        };
        let mut loaded = self.load(id, version).await?.ok_or(AppError::NotFound)?;
        // Events missing at the end of storage must not quietly shorten the
        // werkplaats: it stays at the version the stream records, so that
        // `verifyTrail` checks up to there and names the first missing one.
        loaded.at.view.version = version;
        Ok(Arc::new(loaded.at))
    }

    /// Every werkplaats the caller may see, in the order they were created.
    pub async fn werkplaatsen(
        &self,
        caller: Option<Caller>,
    ) -> Result<Vec<Arc<WerkplaatsAt>>, AppError> {
        let caller = caller.ok_or(AppError::Unauthenticated)?;
        let ids = match caller {
            Caller::Admin => self.store.streams().await?,
            Caller::Member { werkplaats_id, .. } => vec![werkplaats_id],
        };
        let mut all = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(loaded) = self.load(id, i64::MAX).await? {
                all.push(Arc::new(loaded.at));
            }
        }
        Ok(all)
    }

    /// The caller's own member; `None` for the admin.
    pub async fn me(&self, caller: Option<Caller>) -> Result<Option<MemberInfo>, AppError> {
        match caller.ok_or(AppError::Unauthenticated)? {
            Caller::Admin => Ok(None),
            Caller::Member {
                member_id,
                werkplaats_id,
            } => {
                let loaded = self
                    .load(werkplaats_id, i64::MAX)
                    .await?
                    .ok_or(AppError::NotFound)?;
                Ok(loaded.at.member(&member_id))
            }
        }
    }

    /// Events of a werkplaats (as of its version) after `after`, at most `first`.
    pub async fn events(
        &self,
        werkplaats: &WerkplaatsAt,
        after: i64,
        first: i64,
    ) -> Result<EventPage, AppError> {
        if after < 0 {
            return Err(AppError::BadInput("afterVersion must be at least 0".into()));
        }
        if !(1..=PAGE_MAX).contains(&first) {
            return Err(AppError::BadInput(format!(
                "first must lie between 1 and {PAGE_MAX}"
            )));
        }
        let view = &werkplaats.view;
        let mut stored = self
            .store
            .read_stream(view.id, after, view.version, first + 1)
            .await?;
        let has_more = stored.len() as i64 > first;
        stored.truncate(first as usize);
        Ok(EventPage {
            events: stored
                .into_iter()
                .map(|s| EventRecord::new(s, werkplaats))
                .collect(),
            has_more,
        })
    }

    /// Recomputes the chain of a werkplaats up to its version.
    pub async fn verify_trail(&self, werkplaats: &WerkplaatsAt) -> Result<Verification, AppError> {
        Ok(self
            .store
            .verify(werkplaats.view.id, werkplaats.view.version)
            .await?)
    }

    /// The id of a werkplaats the caller may see, for subscriptions.
    pub async fn visible_werkplaats(
        &self,
        caller: Option<Caller>,
        id: &str,
    ) -> Result<Uuid, AppError> {
        let (_, id) = self.visible(caller, id)?;
        self.store
            .stream_version(id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(id)
    }
}
