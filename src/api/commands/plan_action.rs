//! `planAction`: a planner plans an action (PDCA: Plan).

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, ids, new_id, own, ActionPayload};
use crate::api::scalars::Date;
use crate::domain::{ActionPlanned, PlanAction};

#[derive(InputObject)]
pub struct PlanActionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub goal: String,
    pub owner_partner_id: ID,
    pub solution_id: Option<ID>,
    pub due_date: Option<Date>,
    /// The indicators the action should move (no repeats).
    pub indicator_ids: Option<Vec<ID>>,
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
        input: PlanActionInput,
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
