//! `defineIndicatorFromTemplate`: a facilitator defines an indicator from one of the server's templates.

use async_graphql::{Context, InputObject, Object, Result, ID};

use super::{execute, new_id, own, IndicatorPayload};
use crate::domain::{DefineIndicatorFromTemplate, IndicatorDefined};

/// A new indicator from one of the server's templates, with the werkplaats's
/// own baseline and norm.
#[derive(InputObject)]
pub struct DefineIndicatorFromTemplateInput {
    /// The werkplaats that will measure it.
    pub werkplaats_id: ID,
    /// The template's key, from `indicatorTemplates`.
    pub template_key: String,
    /// The value before the werkplaats started.
    pub baseline: f64,
    /// The value to reach, beyond the baseline in the template's direction.
    pub norm: f64,
    /// The goal it measures.
    pub goal_id: Option<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

#[derive(Default)]
pub struct DefineIndicatorFromTemplateMutation;

#[Object]
impl DefineIndicatorFromTemplateMutation {
    /// Defines an indicator from a template (facilitator).
    async fn define_indicator_from_template(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The template and the values to start from and to reach.")]
        input: DefineIndicatorFromTemplateInput,
    ) -> Result<IndicatorPayload> {
        let command = DefineIndicatorFromTemplate {
            indicator_id: new_id(),
            template_key: input.template_key,
            baseline: input.baseline,
            norm: input.norm,
            goal_id: input.goal_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let defined: &IndicatorDefined = own(&executed)?;
        IndicatorPayload::of(&werkplaats, &executed, defined.indicator_id)
    }
}
