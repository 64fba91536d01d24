//! Reads.

use async_graphql::{Context, Object, Result, ID};

use super::caller;
use super::error::graphql_error;
use super::method::IndicatorTemplate;
use super::scalars::DateTime;
use super::types::{Member, Werkplaats};
use crate::app::{App, AsOf};
use crate::domain::INDICATOR_TEMPLATES;

/// The core contract's reads.
#[derive(Default)]
pub struct CoreQuery;

#[Object]
impl CoreQuery {
    /// A werkplaats now, or exactly as it was after event `asOfVersion` or
    /// at moment `asOfTime` (give at most one). A werkplaats the caller may
    /// not see answers as one that does not exist.
    async fn werkplaats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The werkplaats's id.")] id: ID,
        #[graphql(
            desc = "Show the werkplaats exactly as it was after this event (1 up to the current version); give this or `asOfTime`, not both."
        )]
        as_of_version: Option<i32>,
        #[graphql(
            desc = "Show the werkplaats as it was at this moment: after the last event recorded at or before it."
        )]
        as_of_time: Option<DateTime>,
    ) -> Result<Option<Werkplaats>> {
        let app = ctx.data::<App>()?;
        let as_of = AsOf::from_arguments(as_of_version.map(i64::from), as_of_time.map(|t| t.0));
        let werkplaats = app
            .werkplaats(caller(ctx), &id, as_of)
            .await
            .map_err(graphql_error)?;
        Ok(Some(Werkplaats(werkplaats)))
    }

    /// Every werkplaats the caller may see, oldest first.
    async fn werkplaatsen(&self, ctx: &Context<'_>) -> Result<Vec<Werkplaats>> {
        let app = ctx.data::<App>()?;
        let all = app.werkplaatsen(caller(ctx)).await.map_err(graphql_error)?;
        Ok(all.into_iter().map(Werkplaats).collect())
    }

    /// The caller's own member; `null` for the admin.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<Member>> {
        let app = ctx.data::<App>()?;
        let me = app.me(caller(ctx)).await.map_err(graphql_error)?;
        Ok(me.map(Member::from))
    }

    /// The indicators the server suggests, from the step plans.
    async fn indicator_templates(&self, ctx: &Context<'_>) -> Result<Vec<IndicatorTemplate>> {
        let app = ctx.data::<App>()?;
        // Any valid token will do; this checks there is one.
        app.me(caller(ctx)).await.map_err(graphql_error)?;
        Ok(INDICATOR_TEMPLATES
            .iter()
            .map(IndicatorTemplate::from)
            .collect())
    }
}
