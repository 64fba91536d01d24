//! The trust contract (`trust.graphql`): rotating one's own token. Its
//! other mutations (removing members, changing their roles, erasing their
//! personal data and, our addition, linking a member to the identity
//! provider's subject) run domain commands and live in `commands/`.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::caller;
use super::error::graphql_error;
use crate::app::App;

#[derive(SimpleObject)]
pub struct RotateTokenPayload {
    pub token: String,
}

#[derive(Default)]
pub struct TrustMutation;

#[Object]
impl TrustMutation {
    /// Any member: replaces the caller's own token; the old one stops working.
    async fn rotate_token(&self, ctx: &Context<'_>) -> Result<RotateTokenPayload> {
        let app = ctx.data::<App>()?;
        let token = app.rotate_token(caller(ctx)).await.map_err(graphql_error)?;
        Ok(RotateTokenPayload { token })
    }
}
