//! `reviseGoal`: a contributor rewords a goal or changes its year.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, ID};

use super::{clearable, execute, own, GoalPayload};
use crate::domain::{GoalRevised, ReviseGoal};

/// Changes to a goal; only the fields given change.
#[derive(InputObject)]
pub struct ReviseGoalInput {
    /// The werkplaats the goal belongs to.
    pub werkplaats_id: ID,
    /// The goal to change.
    pub goal_id: ID,
    /// The goal's `version` as you last saw it: if the goal changed since,
    /// nothing is changed and you are told so.
    pub expected_version: i32,
    /// The goal in new words.
    pub statement: Option<String>,
    /// An explicit `null` clears the year.
    pub target_year: MaybeUndefined<i32>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct ReviseGoalMutation;

#[Object]
impl ReviseGoalMutation {
    /// Changes the given fields of a goal.
    async fn revise_goal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The goal and what to change.")] input: ReviseGoalInput,
    ) -> Result<GoalPayload> {
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
