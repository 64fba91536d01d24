//! `planAction`: a planner plans an action (PDCA: Plan).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, ids, new_id, own, ActionPayload};
use crate::api::scalars::Date;
use crate::domain::{ActionPlanned, PlanAction};

/// A new action to plan (PDCA: Plan).
#[derive(InputObject)]
pub struct PlanActionInput {
    /// The werkplaats the action belongs to.
    pub werkplaats_id: ID,
    /// A short name for the action.
    pub title: String,
    /// What the action should achieve.
    pub goal: String,
    /// The partner organisation responsible for the action.
    pub owner_partner_id: ID,
    /// The solution the action puts into practice; optional.
    pub solution_id: Option<ID>,
    /// The day the action should be done by; optional.
    pub due_date: Option<Date>,
    /// The indicators the action should move (no repeats).
    pub indicator_ids: Option<Vec<ID>>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct PlanActionMutation;

#[Object]
impl PlanActionMutation {
    /// Plans an action (PDCA: Plan).
    async fn plan_action(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The action to plan.")] input: PlanActionInput,
    ) -> Result<ActionPayload> {
        let command = PlanAction {
            action_id: new_id(),
            title: input.title,
            goal: input.goal,
            owner_partner_id: input.owner_partner_id.0,
            solution_id: input.solution_id.map(|id| id.0),
            due_date: input.due_date.map(|d| d.0),
            indicator_ids: ids(input.indicator_ids.unwrap_or_default()),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let planned: &ActionPlanned = own(&executed)?;
        ActionPayload::of(&werkplaats, &executed, planned.action_id)
    }
}
