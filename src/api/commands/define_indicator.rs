//! `defineIndicator`: a facilitator defines an indicator with its baseline
//! and norm.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::{Direction, IndicatorKind};
use crate::api::types::{int, Indicator};
use crate::domain::{DefineIndicator, IndicatorDefined};

/// A new indicator: what to measure, where it starts and what to reach.
#[derive(InputObject)]
pub struct DefineIndicatorInput {
    /// The werkplaats that will measure it.
    pub werkplaats_id: ID,
    /// What is measured.
    pub name: String,
    /// The unit it is measured in, e.g. `%` or `dagen`.
    pub unit: String,
    /// The value before the werkplaats started.
    pub baseline: f64,
    /// The value to reach; above the baseline when higher is better, below it
    /// when lower is better.
    pub norm: f64,
    /// Whether a higher or a lower value is better.
    pub direction: Direction,
    /// What it monitors (`OUTCOME` by default).
    pub kind: Option<IndicatorKind>,
    /// The goal it measures.
    pub goal_id: Option<ID>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The indicator that was defined.
#[derive(SimpleObject)]
pub struct DefineIndicatorPayload {
    /// The new indicator.
    pub indicator: Indicator,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct DefineIndicatorMutation;

#[Object]
impl DefineIndicatorMutation {
    /// Defines an indicator with its baseline and norm (facilitator).
    async fn define_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator to define.")] input: DefineIndicatorInput,
    ) -> Result<DefineIndicatorPayload> {
        let command = DefineIndicator {
            indicator_id: new_id(),
            name: input.name,
            unit: input.unit,
            baseline: input.baseline,
            norm: input.norm,
            direction: input.direction.into(),
            kind: input.kind.map(Into::into).unwrap_or_default(),
            goal_id: input.goal_id.map(|id| id.0),
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let defined: &IndicatorDefined = own(&executed)?;
        Ok(DefineIndicatorPayload {
            indicator: Indicator::at(&werkplaats.0, &defined.indicator_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
