//! `reviseProblem`: a contributor corrects a recorded problem.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, own};
use crate::api::enums::Perspective;
use crate::api::types::{int, Problem};
use crate::domain::{ProblemRevised, ReviseProblem};

#[derive(InputObject)]
pub struct ReviseProblemInput {
    pub werkplaats_id: ID,
    pub problem_id: ID,
    /// The problem's `version` as the client last saw it.
    pub expected_version: i32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub perspective: Option<Perspective>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ProblemPayload {
    pub problem: Problem,
    pub version: i32,
}

#[derive(Default)]
pub struct ReviseProblemMutation;

#[Object]
impl ReviseProblemMutation {
    /// Corrects the given fields of a problem.
    async fn revise_problem(&self, ctx: &Context<'_>, input: ReviseProblemInput) -> Result<ProblemPayload> {
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
