//! `recordDecision`: a planner records a decision and what it was based on.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::scalars::Date;
use crate::api::types::{int, Decision};
use crate::domain::{DecisionRecorded, RecordDecision};

#[derive(InputObject)]
pub struct RecordDecisionInput {
    pub werkplaats_id: ID,
    pub title: String,
    pub context: String,
    pub options_considered: Vec<String>,
    pub decision: String,
    pub rationale: String,
    pub based_on: Vec<ID>,
    pub supersedes_decision_id: Option<ID>,
    /// When the partners mean to look at the decision again.
    pub review_on: Option<Date>,
    /// What the decision means for clients and partners (a note).
    pub consequences: Option<String>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordDecisionPayload {
    pub decision: Decision,
    pub version: i32,
}

#[derive(Default)]
pub struct RecordDecisionMutation;

#[Object]
impl RecordDecisionMutation {
    /// Records a decision, optionally superseding an earlier one.
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        input: RecordDecisionInput,
    ) -> Result<RecordDecisionPayload> {
        let command = RecordDecision {
            decision_id: new_id(),
            title: input.title,
            context: input.context,
            options_considered: input.options_considered,
            decision: input.decision,
            rationale: input.rationale,
            based_on: ids(input.based_on),
            supersedes_decision_id: input.supersedes_decision_id.map(|id| id.0),
            review_on: input.review_on.map(|d| d.0),
            consequences: input.consequences,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &DecisionRecorded = own(&executed)?;
        Ok(RecordDecisionPayload {
            decision: werkplaats
                .decision(recorded.decision_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
