//! Who is asking. A bearer token is either the admin's or one member's;
//! tokens are kept only as SHA-256 hashes.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::oidc::Oidc;
use super::tokens::Cached;
use super::{App, AppError};
use crate::domain::Actor;

/// An authenticated caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The bootstrap administrator: creates werkplaatsen, reads all of them.
    Admin,
    /// A member of exactly one werkplaats.
    Member {
        member_id: Uuid,
        werkplaats_id: Uuid,
    },
}

impl Caller {
    pub fn actor(self) -> Actor {
        match self {
            Caller::Admin => Actor::Admin,
            Caller::Member { member_id, .. } => Actor::Member(member_id),
        }
    }

    /// Whether the caller may see werkplaats `id`.
    pub fn sees(self, id: Uuid) -> bool {
        match self {
            Caller::Admin => true,
            Caller::Member { werkplaats_id, .. } => werkplaats_id == id,
        }
    }
}

pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A new 256-bit random token, and the hash to store.
pub fn generate_token() -> (String, [u8; 32]) {
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let token = format!("wpt_{}", hex::encode(secret));
    let hash = hash_token(&token);
    (token, hash)
}

impl App {
    /// The caller behind `Authorization: Bearer <token>`. No header means
    /// anonymous (`None`); a token nobody holds is refused.
    pub async fn authenticate(
        &self,
        authorization: Option<&str>,
    ) -> Result<Option<Caller>, AppError> {
        self.authenticate_for(authorization, None).await
    }

    /// [`App::authenticate`], for a caller who may be a member of several
    /// werkplaatsen: a person signed in with the identity provider is linked
    /// to one member per werkplaats, and `werkplaats` (the client's
    /// `X-Werkplaats-Id`) says which one they act as.
    pub async fn authenticate_for(
        &self,
        authorization: Option<&str>,
        werkplaats: Option<&str>,
    ) -> Result<Option<Caller>, AppError> {
        let Some(header) = authorization.map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let hash = hash_token(token);
        if bool::from(hash.ct_eq(&self.admin_token_hash)) {
            return Ok(Some(Caller::Admin));
        }
        if let Some(oidc) = self.oidc.as_ref().filter(|_| Oidc::looks_like_jwt(token)) {
            let subject = oidc.subject(token).await.map_err(|error| {
                tracing::info!(%error, "identity-provider token refused");
                AppError::Unauthenticated
            })?;
            return self.signed_in(&subject, werkplaats).await.map(Some);
        }
        let owner = match self.tokens.get(&hash) {
            Cached::Owner(owner) => owner,
            Cached::Unknown(generation) => {
                let owner = self
                    .store
                    .token_owner(&hash)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                self.tokens.keep(hash, owner, generation);
                owner
            }
        };
        Ok(Some(Caller::Member {
            member_id: owner.member_id,
            werkplaats_id: owner.werkplaats_id,
        }))
    }

    /// The member a verified identity-provider subject acts as.
    async fn signed_in(&self, subject: &str, werkplaats: Option<&str>) -> Result<Caller, AppError> {
        let owners = self.store.identity_owners(subject).await?;
        let chosen = match werkplaats {
            Some(id) => owners
                .into_iter()
                .find(|owner| owner.werkplaats_id.to_string() == id.trim()),
            None if owners.len() == 1 => owners.into_iter().next(),
            None => None,
        };
        chosen
            .map(|owner| Caller::Member {
                member_id: owner.member_id,
                werkplaats_id: owner.werkplaats_id,
            })
            .ok_or(AppError::Unauthenticated)
    }

    /// Replaces the caller's own token; the old one stops working at once,
    /// on every instance.
    pub async fn rotate_token(&self, caller: Option<Caller>) -> Result<String, AppError> {
        match caller.ok_or(AppError::Unauthenticated)? {
            Caller::Admin => Err(AppError::Forbidden),
            Caller::Member {
                member_id,
                werkplaats_id,
            } => {
                let (token, hash) = generate_token();
                self.store
                    .reissue_token(member_id, werkplaats_id, &hash)
                    .await?;
                self.tokens.forget(member_id);
                Ok(token)
            }
        }
    }
}
