//! `recordMeasurement`: a planner records a measurement of an indicator.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::{execute, missing, own};
use crate::api::scalars::Date;
use crate::api::types::{int, Indicator};
use crate::domain::{MeasurementRecorded, RecordMeasurement};

#[derive(InputObject)]
pub struct RecordMeasurementInput {
    pub werkplaats_id: ID,
    pub indicator_id: ID,
    pub value: f64,
    pub measured_on: Date,
    pub note: Option<String>,
    pub command_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct RecordMeasurementPayload {
    pub indicator: Indicator,
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
        input: RecordMeasurementInput,
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
