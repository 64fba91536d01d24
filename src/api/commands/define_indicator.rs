//! `defineIndicator`: a facilitator defines an indicator with its baseline
//! and norm.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, new_id, own};
use crate::api::enums::{Direction, IndicatorKind};
use crate::api::types::{int, Indicator};
use crate::domain::{DefineIndicator, IndicatorDefined};

#[derive(InputObject)]
pub struct DefineIndicatorInput {
    pub werkplaats_id: ID,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub norm: f64,
    pub direction: Direction,
    /// What it monitors (`OUTCOME` by default).
    pub kind: Option<IndicatorKind>,
    /// The goal it measures.
    pub goal_id: Option<ID>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct DefineIndicatorPayload {
    pub indicator: Indicator,
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
        input: DefineIndicatorInput,
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
