//! `reviseAction`: a planner changes the given fields of an action.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{execute, ids, own, ActionPayload};
use crate::api::scalars::Date;
use crate::domain::{ActionRevised, ReviseAction};

/// Changes to an action; only the fields given change.
#[derive(InputObject)]
pub struct ReviseActionInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// The action to change.
    pub action_id: ID,
    /// The action's `version` as you last saw it: if the action changed since,
    /// nothing is changed and you are told so.
    pub expected_version: i32,
    /// A new short name.
    pub title: Option<String>,
    /// A new description of what the action should achieve.
    pub goal: Option<String>,
    /// Another partner organisation to be responsible.
    pub owner_partner_id: Option<ID>,
    /// An explicit `null` clears the date.
    pub due_date: MaybeUndefined<Date>,
    /// Replaces the indicators the action should move.
    pub indicator_ids: Option<Vec<ID>>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseActionMutation;

#[Object]
impl ReviseActionMutation {
    /// Changes the given fields of an action.
    async fn revise_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action and what to change.")] input: ReviseActionInput,
    ) -> Result<ActionPayload> {
        let due_date = match input.due_date {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(d) => Some(Some(d.0)),
        };
        let command = ReviseAction {
            action_id: input.action_id.0,
            expected_version: i64::from(input.expected_version),
            title: input.title,
            goal: input.goal,
            owner_partner_id: input.owner_partner_id.map(|id| id.0),
            due_date,
            indicator_ids: input.indicator_ids.map(ids),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &ActionRevised = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, revised.action_id)
    }
}
