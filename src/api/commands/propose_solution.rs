//! `proposeSolution`: a contributor proposes a solution for known problems.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::enums::{EmpowermentCapital, EvidenceBasis, RecognitionLevel};
use crate::api::types::{int, Solution};
use crate::domain::{ProposeSolution, SolutionProposed};

/// A solution to propose for problems already recorded.
#[derive(InputObject)]
pub struct ProposeSolutionInput {
    /// The werkplaats the solution belongs to.
    pub werkplaats_id: ID,
    /// A short name for the solution.
    pub title: String,
    /// The solution in full: what it is and how it would work.
    pub description: String,
    /// Where the idea comes from: cases, research or practice (at least one).
    pub basis: Vec<EvidenceBasis>,
    /// The problems it addresses, in the order given.
    pub addresses_problem_ids: Vec<ID>,
    /// The empowerment capitals it invests in (none by default; no repeats).
    pub capitals: Option<Vec<EmpowermentCapital>>,
    /// How far it is recognised (`NOT_ASSESSED` by default).
    pub recognition: Option<RecognitionLevel>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The solution that was proposed.
#[derive(SimpleObject)]
pub struct ProposeSolutionPayload {
    /// The new solution.
    pub solution: Solution,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct ProposeSolutionMutation;

#[Object]
impl ProposeSolutionMutation {
    /// Proposes a solution for known problems.
    async fn propose_solution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The solution to propose.")] input: ProposeSolutionInput,
    ) -> Result<ProposeSolutionPayload> {
        let command = ProposeSolution {
            solution_id: new_id(),
            title: input.title,
            description: input.description,
            basis: input.basis.into_iter().map(Into::into).collect(),
            addresses_problem_ids: ids(input.addresses_problem_ids),
            capitals: input
                .capitals
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            recognition: input.recognition.map(Into::into).unwrap_or_default(),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let proposed: &SolutionProposed = own(&executed)?;
        Ok(ProposeSolutionPayload {
            solution: werkplaats
                .solution(proposed.solution_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
