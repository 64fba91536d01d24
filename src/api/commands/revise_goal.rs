//! `reviseGoal`: a contributor rewords a goal or changes its year.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, GoalPayload};
use crate::domain::{GoalRevised, ReviseGoal};

#[derive(InputObject)]
pub struct ReviseGoalInput {
    pub werkplaats_id: ID,
    pub goal_id: ID,
    /// The goal's `version` as the client last saw it.
    pub expected_version: i32,
    pub statement: Option<String>,
    /// An explicit `null` clears the year.
    pub target_year: MaybeUndefined<i32>,
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseGoalMutation;

#[Object]
impl ReviseGoalMutation {
    /// Changes the given fields of a goal.
    async fn revise_goal(&self, ctx: &Context<'_>, input: ReviseGoalInput) -> Result<GoalPayload> {
        let command = ReviseGoal {
            goal_id: input.goal_id.0,
            expected_version: i64::from(input.expected_version),
            statement: input.statement,
            target_year: clearable(input.target_year, |year| year),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &GoalRevised = own(&executed)?;
        GoalPayload::of(&werkplaats, &executed, revised.goal_id)
    }
}
