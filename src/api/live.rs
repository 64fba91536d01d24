//! Live collaboration (`live.graphql`): presence and the werkplaats as it
//! changes.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::caller;
use super::error::graphql_error;
use super::scalars::DateTime;
use super::types::Member;
use crate::app::{App, PresenceEntry as AppPresenceEntry};

/// A member connected to the werkplaats, and what they are editing.
#[derive(SimpleObject)]
pub struct PresenceEntry {
    /// Who is connected.
    pub member: Member,
    /// The id of the item they are editing, if any.
    pub editing: Option<ID>,
    /// Since when they are connected.
    pub since: DateTime,
}

impl From<AppPresenceEntry> for PresenceEntry {
    fn from(entry: AppPresenceEntry) -> Self {
        PresenceEntry {
            member: entry.member.into(),
            editing: entry.editing.map(ID),
            since: DateTime(entry.since),
        }
    }
}

/// What the caller is editing now.
#[derive(InputObject)]
pub struct SetPresenceInput {
    /// The werkplaats the caller is working in.
    pub werkplaats_id: ID,
    /// The id of the item the member is editing now, or null for none.
    pub editing: Option<ID>,
}

/// Who is present after the change.
#[derive(SimpleObject)]
pub struct SetPresencePayload {
    /// Everyone connected to the werkplaats, with what they are editing.
    pub presence: Vec<PresenceEntry>,
}

#[derive(Default)]
pub struct LiveMutation;

#[Object]
impl LiveMutation {
    /// Tells the others what the caller is editing now, and answers who is
    /// present. It changes nothing in the werkplaats.
    async fn set_presence(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the caller is editing now.")] input: SetPresenceInput,
    ) -> Result<SetPresencePayload> {
        let app = ctx.data::<App>()?;
        let presence = app
            .set_presence(
                caller(ctx),
                &input.werkplaats_id,
                input.editing.map(|id| id.0),
            )
            .await
            .map_err(graphql_error)?;
        Ok(SetPresencePayload {
            presence: presence.into_iter().map(PresenceEntry::from).collect(),
        })
    }
}
