//! `recordDecision`: a planner records a decision and what it was based on.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, ids, missing, new_id, own};
use crate::api::scalars::Date;
use crate::api::types::{int, Decision};
use crate::domain::{DecisionRecorded, RecordDecision};

/// A decision to record in the decision log.
#[derive(InputObject)]
pub struct RecordDecisionInput {
    /// The werkplaats the decision belongs to.
    pub werkplaats_id: ID,
    /// A short name for the decision.
    pub title: String,
    /// The situation that calls for a decision.
    pub context: String,
    /// The options the partners weighed.
    pub options_considered: Vec<String>,
    /// What was decided.
    pub decision: String,
    /// Why it was decided so.
    pub rationale: String,
    /// Ids of the problems, solutions, actions, reflections, indicators,
    /// decisions and other items the decision rests on.
    pub based_on: Vec<ID>,
    /// The earlier decision this one replaces; optional.
    pub supersedes_decision_id: Option<ID>,
    /// When the partners mean to look at the decision again.
    pub review_on: Option<Date>,
    /// What the decision means for clients and partners (a note).
    pub consequences: Option<String>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The decision that was recorded.
#[derive(SimpleObject)]
pub struct RecordDecisionPayload {
    /// The new decision.
    pub decision: Decision,
    /// The werkplaats version after this change.
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
        #[graphql(desc = "The decision to record.")] input: RecordDecisionInput,
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
