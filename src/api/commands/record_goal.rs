//! `recordGoal`: a contributor records a shared goal.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, GoalPayload};
use crate::domain::{GoalRecorded, RecordGoal};

/// A shared goal or societal result to record.
#[derive(InputObject)]
pub struct RecordGoalInput {
    /// The werkplaats the goal belongs to.
    pub werkplaats_id: ID,
    /// The goal in the partners' words.
    pub statement: String,
    /// The year it should be reached (2000 to 2100).
    pub target_year: Option<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct RecordGoalMutation;

#[Object]
impl RecordGoalMutation {
    /// Records a shared goal or societal result.
    async fn record_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal to record.")] input: RecordGoalInput,
    ) -> Result<GoalPayload> {
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
