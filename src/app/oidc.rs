//! Sign-in with the municipality's identity provider: a bearer JWT is
//! accepted when the provider's key signed it (found by `kid` in its JWKS),
//! for our audience, by the configured issuer, and not expired. The value of
//! one claim (`sub`, or `email` where the provider's subjects are opaque)
//! then names the person, and `linkIdentity` says which member they are.
//!
//! Keys are fetched when first needed and again when a token names a key we
//! do not know — that is how providers rotate keys — but at most once per
//! [`REFETCH_AFTER`], so a stream of forged `kid`s cannot make us hammer the
//! provider. Only asymmetric algorithms are accepted: with `HS256` the
//! public key would become a shared secret, and `none` is no signature.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use tokio::sync::Mutex;

/// Least time between two fetches of the JWKS.
const REFETCH_AFTER: Duration = Duration::from_secs(1);

/// Longest wait for the provider's JWKS.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;

/// Where to find the provider and how to read its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcSettings {
    /// The `iss` tokens must carry.
    pub issuer: String,
    /// The `aud` tokens must carry (our client id at the provider).
    pub audience: String,
    /// The provider's JWKS document.
    pub jwks_url: String,
    /// The claim whose value `linkIdentity` links to a member.
    pub claim: String,
}

/// Why a JWT was refused. Reported to the caller only as UNAUTHENTICATED.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("malformed or unverifiable token: {0}")]
    Token(#[from] jsonwebtoken::errors::Error),
    #[error("the token's algorithm {0:?} is not accepted")]
    Algorithm(Algorithm),
    #[error("the token names no key the identity provider publishes")]
    UnknownKey,
    #[error("the token has no string claim {0}")]
    MissingClaim(String),
    #[error("the identity provider's keys could not be fetched: {0}")]
    Jwks(String),
}

pub struct Oidc {
    settings: OidcSettings,
    client: reqwest::Client,
    keys: Mutex<Keys>,
}

#[derive(Default)]
struct Keys {
    by_id: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> Oidc {
        Oidc {
            settings,
            client: reqwest::Client::builder()
                .timeout(FETCH_TIMEOUT)
                .build()
                .unwrap_or_default(),
            keys: Mutex::new(Keys::default()),
        }
    }

    /// Whether `token` looks like a JWT (three base64url parts), so that
    /// member tokens never reach the JWT parser.
    pub fn looks_like_jwt(token: &str) -> bool {
        token.split('.').count() == 3 && token.starts_with("eyJ")
    }

    /// Verifies `token` and returns the configured claim's value.
    pub async fn subject(&self, token: &str) -> Result<String, OidcError> {
        let header = decode_header(token)?;
        if !asymmetric(header.alg) {
            return Err(OidcError::Algorithm(header.alg));
        }
        let kid = header.kid.ok_or(OidcError::UnknownKey)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = LEEWAY_SECS;
        let claims = decode::<HashMap<String, serde_json::Value>>(token, &key, &validation)?.claims;
        claims
            .get(&self.settings.claim)
            .and_then(serde_json::Value::as_str)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| OidcError::MissingClaim(self.settings.claim.clone()))
    }

    async fn key(&self, kid: &str) -> Result<DecodingKey, OidcError> {
        let mut keys = self.keys.lock().await;
        if let Some(key) = keys.by_id.get(kid) {
            return Ok(key.clone());
        }
        if keys.fetched.is_some_and(|at| at.elapsed() < REFETCH_AFTER) {
            return Err(OidcError::UnknownKey);
        }
        keys.fetched = Some(Instant::now());
        keys.by_id = self.fetch().await?;
        keys.by_id.get(kid).cloned().ok_or(OidcError::UnknownKey)
    }

    async fn fetch(&self) -> Result<HashMap<String, DecodingKey>, OidcError> {
        let jwks: JwkSet = self
            .client
            .get(&self.settings.jwks_url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| OidcError::Jwks(e.to_string()))?
            .json()
            .await
            .map_err(|e| OidcError::Jwks(e.to_string()))?;
        // A key the library cannot use (an encryption key, an unknown
        // type) is skipped, not fatal: providers publish several kinds.
        Ok(jwks
            .keys
            .iter()
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                let key = DecodingKey::from_jwk(jwk).ok()?;
                Some((kid, key))
            })
            .collect())
    }
}

fn asymmetric(alg: Algorithm) -> bool {
    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}
