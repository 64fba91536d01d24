//! `addChecklistItem`: a facilitator adds the werkplaats's own checklist statement.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, ChecklistItemPayload};
use crate::api::enums::Competence;
use crate::domain::{AddChecklistItem, ChecklistItemAdded};

/// A statement of the werkplaats's own to add to the checklist.
#[derive(InputObject)]
pub struct AddChecklistItemInput {
    /// The werkplaats whose checklist it joins.
    pub werkplaats_id: ID,
    /// Whether the statement is about knowledge, attitude or skills.
    pub competence: Competence,
    /// The statement partners answer yes, partly or no.
    pub statement: String,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct AddChecklistItemMutation;

#[Object]
impl AddChecklistItemMutation {
    /// Adds a statement of the werkplaats's own to the checklist (facilitator).
    async fn add_checklist_item(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The statement to add.")] input: AddChecklistItemInput,
    ) -> Result<ChecklistItemPayload> {
        let command = AddChecklistItem {
            item_id: new_id(),
            competence: input.competence.into(),
            statement: input.statement,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let added: &ChecklistItemAdded = own(&executed)?;
        ChecklistItemPayload::of(&werkplaats, &executed, added.item_id)
    }
}
