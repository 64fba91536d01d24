//! The trust contract (`trust.graphql`): rotating one's own token. Its
//! other mutations (removing members, changing their roles, erasing their
//! personal data and, our addition, linking a member to the identity
//! provider's subject) run domain commands and live in `commands/`.

use async_graphql::{Context, Object, Result, SimpleObject};

use super::caller;
use super::error::graphql_error;
use crate::app::App;

/// The caller's new token.
#[derive(SimpleObject)]
pub struct RotateTokenPayload {
    /// The new token, shown once: keep it safe. The old one no longer works.
    pub token: String,
}

#[derive(Default)]
pub struct TrustMutation;

#[Object]
impl TrustMutation {
    /// Gives you a new token in place of your own; the old one stops working at
    /// once (any member).
    async fn rotate_token(&self, ctx: &Context<'_>) -> Result<RotateTokenPayload> {
        let app = ctx.data::<App>()?;
        let token = app.rotate_token(caller(ctx)).await.map_err(graphql_error)?;
        Ok(RotateTokenPayload { token })
    }
}
