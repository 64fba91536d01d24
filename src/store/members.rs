//! Who may act as a member: bearer tokens (kept as SHA-256 hashes) and
//! identity-provider subjects, both beside the stream. Removing a member
//! revokes both in the transaction that appends the removal; forgetting one
//! also erases their name, so nothing personal about them is left.

use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::{EventStore, StoreError};

/// The PostgreSQL channel that tells every instance a member's access
/// changed, so their open websockets check their credentials again.
pub const ACCESS_CHANNEL: &str = "werkplaats_access";

/// A change to who may act as a member, written with a command's events.
#[derive(Clone, Debug, PartialEq)]
pub enum AccessChange {
    /// Every token and sign-in link of the member stops working.
    Revoke { member_id: Uuid },
    /// As `Revoke`, and the member's name is erased.
    Forget { member_id: Uuid },
    /// The member may sign in as `subject`; a subject signs in as one
    /// member per werkplaats, so linking it again moves it.
    Link { member_id: Uuid, subject: String },
    /// The member's tokens stop working and this one starts; sign-in links
    /// stay.
    Reissue {
        member_id: Uuid,
        token_hash: Vec<u8>,
    },
}

impl AccessChange {
    /// The member whose open connections must check their credentials again.
    pub fn revoked(&self) -> Option<Uuid> {
        match self {
            AccessChange::Revoke { member_id }
            | AccessChange::Forget { member_id }
            | AccessChange::Reissue { member_id, .. } => Some(*member_id),
            AccessChange::Link { .. } => None,
        }
    }
}

pub(super) async fn write_access(
    tx: &mut Transaction<'_, Postgres>,
    stream: Uuid,
    change: &AccessChange,
) -> Result<(), sqlx::Error> {
    match change {
        AccessChange::Revoke { member_id } => revoke(tx, *member_id).await,
        AccessChange::Forget { member_id } => {
            revoke(tx, *member_id).await?;
            sqlx::query(
                "update member_profiles set name = null, forgotten_at = now() \
                 where member_id = $1",
            )
            .bind(member_id)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
        AccessChange::Reissue {
            member_id,
            token_hash,
        } => {
            revoke_tokens(tx, *member_id).await?;
            insert_token(tx, token_hash, *member_id, stream).await
        }
        AccessChange::Link { member_id, subject } => {
            sqlx::query("delete from member_identities where werkplaats_id = $1 and subject = $2")
                .bind(stream)
                .bind(subject)
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "insert into member_identities (member_id, werkplaats_id, subject) \
                 values ($1, $2, $3) \
                 on conflict (member_id) do update set subject = excluded.subject, \
                 linked_at = now()",
            )
            .bind(member_id)
            .bind(stream)
            .bind(subject)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
    }
}

/// Ends every token and sign-in link of the member.
async fn revoke(tx: &mut Transaction<'_, Postgres>, member_id: Uuid) -> Result<(), sqlx::Error> {
    revoke_tokens(tx, member_id).await?;
    sqlx::query("delete from member_identities where member_id = $1")
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

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

async fn revoke_tokens(
    tx: &mut Transaction<'_, Postgres>,
    member_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("update tokens set revoked_at = now() where member_id = $1 and revoked_at is null")
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl EventStore {
    /// The members `subject` signs in as, one per werkplaats at most.
    pub async fn identity_owners(&self, subject: &str) -> Result<Vec<TokenOwner>, StoreError> {
        Ok(sqlx::query_as::<_, TokenOwner>(
            "select member_id, werkplaats_id from member_identities where subject = $1",
        )
        .bind(subject)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Replaces every live token of a member with a new one.
    pub async fn reissue_token(
        &self,
        member_id: Uuid,
        werkplaats_id: Uuid,
        token_hash: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        revoke_tokens(&mut tx, member_id).await?;
        insert_token(&mut tx, token_hash, member_id, werkplaats_id).await?;
        announce(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(super) async fn insert_token(
    tx: &mut Transaction<'_, Postgres>,
    token_hash: &[u8],
    member_id: Uuid,
    werkplaats_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into tokens (token_hash, member_id, werkplaats_id) values ($1, $2, $3)")
        .bind(token_hash)
        .bind(member_id)
        .bind(werkplaats_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Tells every instance that `member_id`'s access changed. Inside the
/// transaction that changed it, so that it cannot get lost after the commit.
pub(super) async fn announce(
    tx: &mut Transaction<'_, Postgres>,
    member_id: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_notify($1, $2)")
        .bind(ACCESS_CHANNEL)
        .bind(member_id.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
