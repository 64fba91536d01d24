//! Live delivery over websockets.

use async_graphql::{Context, Result, Subscription, ID};
use futures::{Stream, StreamExt};

use super::caller;
use super::error::graphql_error;
use super::live::PresenceEntry;
use super::types::{Event, Werkplaats};
use crate::app::App;

pub struct SubscriptionRoot;

/// Live updates, sent over a websocket.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every event of the werkplaats after `afterVersion`, in order and without
    /// gaps: first the ones already stored, then each new one as it happens.
    async fn werkplaats_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats to follow.")] werkplaats_id: ID,
        // Nullable with a default, as the contract has it; an explicit null
        // means the default.
        #[graphql(
            default = 0,
            desc = "Start after this version; 0, the default, sends every event."
        )]
        after_version: Option<i32>,
    ) -> Result<impl Stream<Item = Event>> {
        let app = ctx.data::<App>()?;
        let after_version = after_version.unwrap_or(0);
        let events = app
            .follow(caller(ctx), &werkplaats_id, i64::from(after_version))
            .await
            .map_err(graphql_error)?;
        Ok(events.map(Event))
    }

    /// The werkplaats after each change. When many changes come at once, some
    /// in-between states may be skipped, but the last one sent is always the
    /// newest.
    async fn werkplaats_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats to follow.")] werkplaats_id: ID,
    ) -> Result<impl Stream<Item = Werkplaats>> {
        let app = ctx.data::<App>()?;
        let states = app
            .watch(caller(ctx), &werkplaats_id)
            .await
            .map_err(graphql_error)?;
        Ok(states.map(Werkplaats))
    }

    /// Everyone connected to the werkplaats, sent again whenever it changes.
    async fn presence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats whose connected members to show.")] werkplaats_id: ID,
    ) -> Result<impl Stream<Item = Vec<PresenceEntry>>> {
        let app = ctx.data::<App>()?;
        let presence = app
            .watch_presence(caller(ctx), &werkplaats_id)
            .await
            .map_err(graphql_error)?;
        Ok(presence.map(|entries| entries.into_iter().map(PresenceEntry::from).collect()))
    }
}
