//! `reviseProblem`: a contributor corrects a recorded problem.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, own};
use crate::api::enums::Perspective;
use crate::api::types::{int, Problem};
use crate::domain::{ProblemRevised, ReviseProblem};

/// Corrections to a problem; only the fields given change.
#[derive(InputObject)]
pub struct ReviseProblemInput {
    /// The werkplaats the problem belongs to.
    pub werkplaats_id: ID,
    /// The problem to correct.
    pub problem_id: ID,
    /// The problem's `version` as you last saw it: if the problem changed
    /// since, nothing is changed and you are told so.
    pub expected_version: i32,
    /// A new short name.
    pub title: Option<String>,
    /// A new description of the problem.
    pub description: Option<String>,
    /// Another perspective.
    pub perspective: Option<Perspective>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The problem after the change.
#[derive(SimpleObject)]
pub struct ProblemPayload {
    /// The problem as it is now.
    pub problem: Problem,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct ReviseProblemMutation;

#[Object]
impl ReviseProblemMutation {
    /// Corrects the given fields of a problem.
    async fn revise_problem(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The problem and what to correct.")] input: ReviseProblemInput,
    ) -> Result<ProblemPayload> {
        let command = ReviseProblem {
            problem_id: input.problem_id.0,
            expected_version: i64::from(input.expected_version),
            title: input.title,
            description: input.description,
            perspective: input.perspective.map(Into::into),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &ProblemRevised = own(&executed)?;
        Ok(ProblemPayload {
            problem: werkplaats.problem(revised.problem_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
