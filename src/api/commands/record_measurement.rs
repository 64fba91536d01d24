//! `recordMeasurement`: a planner records a measurement of an indicator.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, own};
use crate::api::scalars::Date;
use crate::api::types::{int, Indicator};
use crate::domain::{MeasurementRecorded, RecordMeasurement};

/// A measured value of an indicator.
#[derive(InputObject)]
pub struct RecordMeasurementInput {
    /// The werkplaats the indicator belongs to.
    pub werkplaats_id: ID,
    /// The indicator measured.
    pub indicator_id: ID,
    /// The value measured, in the indicator's unit.
    pub value: f64,
    /// The day it was measured.
    pub measured_on: Date,
    /// A remark with the measurement; optional.
    pub note: Option<String>,
    /// Send the same id again after a timeout and the command is not applied
    /// twice.
    pub command_id: Option<ID>,
}

/// The indicator with its new measurement.
#[derive(SimpleObject)]
pub struct RecordMeasurementPayload {
    /// The indicator as it is now.
    pub indicator: Indicator,
    /// The werkplaats version after this change.
    pub version: i32,
}

#[derive(Default)]
pub struct RecordMeasurementMutation;

#[Object]
impl RecordMeasurementMutation {
    /// Records a measurement of an indicator.
    async fn record_measurement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The measurement to record.")] input: RecordMeasurementInput,
    ) -> Result<RecordMeasurementPayload> {
        let command = RecordMeasurement {
            indicator_id: input.indicator_id.0,
            value: input.value,
            measured_on: input.measured_on.0,
            note: input.note,
        };
        let (werkplaats, executed) =
            execute(ctx, &input.werkplaats_id, command, input.command_id).await?;
        let recorded: &MeasurementRecorded = own(&executed)?;
        Ok(RecordMeasurementPayload {
            indicator: Indicator::at(&werkplaats.0, &recorded.indicator_id).ok_or_else(missing)?,
            version: int(executed.version),
        })
    }
}
