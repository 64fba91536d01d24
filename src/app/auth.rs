//! Who is asking. A bearer token is either the admin's or one member's;
//! tokens are kept only as SHA-256 hashes.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

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
        match self.store.token_owner(&hash).await? {
            Some(owner) => Ok(Some(Caller::Member {
                member_id: owner.member_id,
                werkplaats_id: owner.werkplaats_id,
            })),
            None => Err(AppError::Unauthenticated),
        }
    }
}
