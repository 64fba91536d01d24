//! `recordProblem`: a contributor records a problem from one perspective.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::Perspective;
use crate::api::types::{int, Problem};
use crate::domain::{ProblemRecorded, RecordProblem};

/// A problem to record, from one perspective.
#[derive(InputObject)]
pub struct RecordProblemInput {
    /// The werkplaats the problem belongs to.
    pub werkplaats_id: ID,
    /// A short name for the problem.
    pub title: String,
    /// The problem in full: what goes wrong, and for whom.
    pub description: String,
    /// Whose view this is: the client's, professionals', policy's or the
    /// figures'.
    pub perspective: Perspective,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The problem that was recorded.
#[derive(SimpleObject)]
pub struct RecordProblemPayload {
    /// The new problem.
    pub problem: Problem,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct RecordProblemMutation;

#[Object]
impl RecordProblemMutation {
    /// Records a problem from one perspective.
    async fn record_problem(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The problem to record.")] input: RecordProblemInput,
    ) -> Result<RecordProblemPayload> {
        let command = RecordProblem {
            problem_id: new_id(),
            title: input.title,
            description: input.description,
            perspective: input.perspective.into(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &ProblemRecorded = own(&executed)?;
        Ok(RecordProblemPayload {
            problem: werkplaats
                .problem(recorded.problem_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
