//! `recordProblem`: a contributor records a problem from one perspective.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::Perspective;
use crate::api::types::{int, Problem};
use crate::domain::{ProblemRecorded, RecordProblem};

#[derive(InputObject)]
pub struct RecordProblemInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub description: String,
    pub perspective: Perspective,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordProblemPayload {
    pub problem: Problem,
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
        input: RecordProblemInput,
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
