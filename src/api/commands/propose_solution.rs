//! `proposeSolution`: a contributor proposes a solution for known problems.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::enums::{EmpowermentCapital, EvidenceBasis, RecognitionLevel};
use crate::api::types::{int, Solution};
use crate::domain::{ProposeSolution, SolutionProposed};

#[derive(InputObject)]
pub struct ProposeSolutionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub description: String,
    pub basis: Vec<EvidenceBasis>,
    pub addresses_problem_ids: Vec<ID>,
    /// The empowerment capitals it invests in (none by default; no repeats).
    pub capitals: Option<Vec<EmpowermentCapital>>,
    /// How far it is recognised (`NOT_ASSESSED` by default).
    pub recognition: Option<RecognitionLevel>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ProposeSolutionPayload {
    pub solution: Solution,
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
        input: ProposeSolutionInput,
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
