//! Live delivery over websockets.

use async_graphql::{Context, Result, Subscription, ID};
use futures::stream::BoxStream;
use futures::StreamExt;

use super::caller;
use super::error::graphql_error;
use super::live::PresenceEntry;
use super::shared::{events_until_live, Handoff, Item, Live, Rendering};
use super::types::{Event, Werkplaats};
use crate::app::{App, Present};

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
    ) -> Result<BoxStream<'static, Event>> {
        if let Some(Rendering(Item::Event(record))) = ctx.data_opt::<Rendering>() {
            return Ok(futures::stream::iter([Event(record.clone())]).boxed());
        }
        let app = ctx.data::<App>()?;
        let after_version = after_version.unwrap_or(0);
        let actors = ctx.look_ahead().field("actor").exists();
        let following = app
            .follow(
                caller(ctx),
                &werkplaats_id,
                i64::from(after_version),
                actors,
            )
            .await
            .map_err(graphql_error)?;
        let handoff = ctx.data_opt::<Handoff>().cloned();
        Ok(events_until_live(following, handoff).map(Event).boxed())
    }

    /// The werkplaats after each change. When many changes come at once, some
    /// in-between states may be skipped, but the last one sent is always the
    /// newest.
    async fn werkplaats_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats to follow.")] werkplaats_id: ID,
    ) -> Result<BoxStream<'static, Werkplaats>> {
        if let Some(Rendering(Item::Werkplaats(at))) = ctx.data_opt::<Rendering>() {
            return Ok(futures::stream::iter([Werkplaats(at.clone())]).boxed());
        }
        let app = ctx.data::<App>()?;
        let watching = app
            .watch(caller(ctx), &werkplaats_id)
            .await
            .map_err(graphql_error)?;
        Ok(match ctx.data_opt::<Handoff>() {
            // Every item is shared: hand it all over.
            Some(handoff) => {
                handoff.put(Live::werkplaats(watching));
                futures::stream::empty().boxed()
            }
            None => watching.into_stream().map(Werkplaats).boxed(),
        })
    }

    /// Everyone connected to the werkplaats, sent again whenever it changes.
    async fn presence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats whose connected members to show.")] werkplaats_id: ID,
    ) -> Result<BoxStream<'static, Vec<PresenceEntry>>> {
        if let Some(Rendering(Item::Presence(present))) = ctx.data_opt::<Rendering>() {
            return Ok(futures::stream::iter([entries(present)]).boxed());
        }
        let app = ctx.data::<App>()?;
        let watching = app
            .watch_presence(caller(ctx), &werkplaats_id)
            .await
            .map_err(graphql_error)?;
        Ok(match ctx.data_opt::<Handoff>() {
            Some(handoff) => {
                handoff.put(Live::presence(watching));
                futures::stream::empty().boxed()
            }
            None => watching.into_stream().map(|p| entries(&p)).boxed(),
        })
    }
}

fn entries(present: &Present) -> Vec<PresenceEntry> {
    present
        .entries
        .iter()
        .cloned()
        .map(PresenceEntry::from)
        .collect()
}
