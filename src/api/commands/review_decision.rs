//! `reviewDecision`: a planner reviews a decision that is due.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, own};
use crate::api::enums::ReviewOutcome;
use crate::api::scalars::Date;
use crate::api::types::{int, Decision};
use crate::domain::{DecisionReviewed, ReviewDecision};

/// A later look at a decision: keep, revise or retire it.
#[derive(InputObject)]
pub struct ReviewDecisionInput {
    /// The werkplaats the decision belongs to.
    pub werkplaats_id: ID,
    /// The decision reviewed.
    pub decision_id: ID,
    /// Keep, revise or retire the decision.
    pub outcome: ReviewOutcome,
    /// Why (a required text).
    pub note: String,
    /// When to look again; not with `RETIRE`.
    pub next_review_on: Option<Date>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The decision after the change.
#[derive(SimpleObject)]
pub struct DecisionPayload {
    /// The decision as it is now.
    pub decision: Decision,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct ReviewDecisionMutation;

#[Object]
impl ReviewDecisionMutation {
    /// Keeps, revises or retires a decision after looking at it again.
    async fn review_decision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The decision and what the review concluded.")] input: ReviewDecisionInput,
    ) -> Result<DecisionPayload> {
        let command = ReviewDecision {
            decision_id: input.decision_id.0,
            outcome: input.outcome.into(),
            note: input.note,
            next_review_on: input.next_review_on.map(|d| d.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let reviewed: &DecisionReviewed = own(&executed)?;
        Ok(DecisionPayload {
            decision: werkplaats
                .decision(reviewed.decision_id)
                .ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
