//! `answerChecklistItem`: a partner answers a checklist statement for its organisation.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, own, ChecklistItemPayload};
use crate::api::enums::ChecklistAnswerValue;
use crate::domain::{AnswerChecklistItem, ChecklistItemAnswered};

/// A partner organisation's answer to a checklist statement.
#[derive(InputObject)]
pub struct AnswerChecklistItemInput {
    /// The werkplaats the checklist belongs to.
    pub werkplaats_id: ID,
    /// The statement answered.
    pub item_id: ID,
    /// The organisation answering; a partner member answers only for its own.
    pub partner_id: ID,
    /// Yes, partly or no.
    pub answer: ChecklistAnswerValue,
    /// A remark with the answer; optional.
    pub note: Option<String>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AnswerChecklistItemMutation;

#[Object]
impl AnswerChecklistItemMutation {
    /// Answers a checklist statement for a partner organisation.
    async fn answer_checklist_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The answer to record.")] input: AnswerChecklistItemInput,
    ) -> Result<ChecklistItemPayload> {
        let command = AnswerChecklistItem {
            item_id: input.item_id.0,
            partner_id: input.partner_id.0,
            answer: input.answer.into(),
            note: input.note,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let answered: &ChecklistItemAnswered = own(&executed)?;
        ChecklistItemPayload::of(&werkplaats, &executed, answered.item_id)
    }
}
