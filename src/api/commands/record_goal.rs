//! `recordGoal`: a contributor records a shared goal.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, GoalPayload};
use crate::domain::{GoalRecorded, RecordGoal};

#[derive(InputObject)]
pub struct RecordGoalInput {
    pub werkplaats_id: ID,
    /// The goal in the partners' words.
    pub statement: String,
    /// The year it should be reached (2000 to 2100).
    pub target_year: Option<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RecordGoalMutation;

#[Object]
impl RecordGoalMutation {
    /// Records a shared goal or societal result.
    async fn record_goal(&self, ctx: &Context<'_>, input: RecordGoalInput) -> Result<GoalPayload> {
        let command = RecordGoal {
            goal_id: new_id(),
            statement: input.statement,
            target_year: input.target_year,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &GoalRecorded = own(&executed)?;
        GoalPayload::of(&werkplaats, &executed, recorded.goal_id)
    }
}
