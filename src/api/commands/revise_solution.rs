//! `reviseSolution`: a contributor corrects a proposed solution.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, own};
use crate::api::enums::{EmpowermentCapital, EvidenceBasis, RecognitionLevel};
use crate::api::types::{int, Solution};
use crate::domain::{ReviseSolution, SolutionRevised};

/// Corrections to a solution; only the fields given change.
#[derive(InputObject)]
pub struct ReviseSolutionInput {
    /// The werkplaats the solution belongs to.
    pub werkplaats_id: ID,
    /// The solution to correct.
    pub solution_id: ID,
    /// The solution's `version` as you last saw it: if the solution changed
    /// since, nothing is changed and you are told so.
    pub expected_version: i32,
    /// A new short name.
    pub title: Option<String>,
    /// A new description of the solution.
    pub description: Option<String>,
    /// Replaces the basis (1 to 50 items).
    pub basis: Option<Vec<EvidenceBasis>>,
    /// Replaces the problems it addresses.
    pub addresses_problem_ids: Option<Vec<ID>>,
    /// Replaces the empowerment capitals.
    pub capitals: Option<Vec<EmpowermentCapital>>,
    /// How far it is recognised as effective now.
    pub recognition: Option<RecognitionLevel>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The solution after the change.
#[derive(SimpleObject)]
pub struct SolutionPayload {
    /// The solution as it is now.
    pub solution: Solution,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct ReviseSolutionMutation;

#[Object]
impl ReviseSolutionMutation {
    /// Corrects the given fields of a solution.
    async fn revise_solution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The solution and what to correct.")] input: ReviseSolutionInput,
    ) -> Result<SolutionPayload> {
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
            solution: werkplaats
                .solution(revised.solution_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
