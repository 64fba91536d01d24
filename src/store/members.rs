//! Tokens: who a bearer token belongs to.

use uuid::Uuid;

use super::{EventStore, StoreError};

/// The member a token was issued to, and their werkplaats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenOwner {
    pub member_id: Uuid,
    pub werkplaats_id: Uuid,
}

impl EventStore {
    /// Looks a token up by its SHA-256 hash. Looking up by hash means the
    /// database never compares secrets, so its timing tells nothing about them.
    pub async fn token_owner(&self, token_hash: &[u8]) -> Result<Option<TokenOwner>, StoreError> {
        Ok(sqlx::query_as::<_, TokenOwner>(
            "select member_id, werkplaats_id from tokens \
             where token_hash = $1 and revoked_at is null",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }
}

impl EventStore {
    /// Replaces every live token of a member with a new one.
    pub async fn reissue_token(
        &self,
        member_id: Uuid,
        werkplaats_id: Uuid,
        token_hash: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "update tokens set revoked_at = now() where member_id = $1 and revoked_at is null",
        )
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into tokens (token_hash, member_id, werkplaats_id) values ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(member_id)
        .bind(werkplaats_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
