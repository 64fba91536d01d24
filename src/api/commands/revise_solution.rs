//! `reviseSolution`: a contributor corrects a proposed solution.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, own};
use crate::api::enums::{EmpowermentCapital, EvidenceBasis, RecognitionLevel};
use crate::api::types::{int, Solution};
use crate::domain::{ReviseSolution, SolutionRevised};

#[derive(InputObject)]
pub struct ReviseSolutionInput {
    pub werkplaats_id: ID,
    pub solution_id: ID,
    /// The solution's `version` as the client last saw it.
    pub expected_version: i32,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Replaces the basis (1 to 50 items).
    pub basis: Option<Vec<EvidenceBasis>>,
    /// Replaces the problems it addresses.
    pub addresses_problem_ids: Option<Vec<ID>>,
    /// Replaces the empowerment capitals.
    pub capitals: Option<Vec<EmpowermentCapital>>,
    pub recognition: Option<RecognitionLevel>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct SolutionPayload {
    pub solution: Solution,
    pub version: i32,
}

#[derive(Default)]
pub struct ReviseSolutionMutation;

#[Object]
impl ReviseSolutionMutation {
    /// Corrects the given fields of a solution.
    async fn revise_solution(&self, ctx: &Context<'_>, input: ReviseSolutionInput) -> Result<SolutionPayload> {
        let command = ReviseSolution {
            solution_id: input.solution_id.0,
            expected_version: i64::from(input.expected_version),
            title: input.title,
            description: input.description,
            basis: input
                .basis
                .map(|basis| basis.into_iter().map(Into::into).collect()),
            addresses_problem_ids: input.addresses_problem_ids.map(ids),
            capitals: input
                .capitals
                .map(|capitals| capitals.into_iter().map(Into::into).collect()),
            recognition: input.recognition.map(Into::into),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let revised: &SolutionRevised = own(&executed)?;
        Ok(SolutionPayload {
            solution: werkplaats.solution(revised.solution_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
