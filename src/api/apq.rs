//! Automatic persisted queries, as Apollo's `PersistedQueryLink` speaks
//! them over HTTP: a request whose `extensions.persistedQuery.sha256Hash`
//! names a query this instance has seen runs that query; one it has not
//! seen is answered `PersistedQueryNotFound` (`extensions.code`
//! `PERSISTED_QUERY_NOT_FOUND`), after which the client sends the hash with
//! the query, which is checked against the hash and remembered. Each
//! instance keeps at most so many queries, the least recently used going
//! first; a cache of 0 answers `PersistedQueryNotSupported`, and clients
//! then send whole queries.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_graphql::{Request, Value};
use sha2::{Digest, Sha256};

use super::error::{code, with_code};

pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
pub const NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";

/// The queries this instance remembers by their SHA-256.
#[derive(Clone)]
pub struct PersistedQueries {
    capacity: usize,
    cache: Arc<Mutex<Cache>>,
}

#[derive(Default)]
struct Cache {
    /// Query by hash, with the tick it was last used at.
    queries: HashMap<String, (Arc<str>, u64)>,
    /// Hash by the tick it was last used at: the oldest first.
    used: BTreeMap<u64, String>,
    tick: u64,
}

impl Cache {
    fn touch(&mut self, hash: &str) -> Option<Arc<str>> {
        self.tick += 1;
        let tick = self.tick;
        let (query, used) = self.queries.get_mut(hash)?;
        self.used.remove(used);
        *used = tick;
        self.used.insert(tick, hash.to_owned());
        Some(query.clone())
    }
}

impl PersistedQueries {
    pub fn new(capacity: usize) -> PersistedQueries {
        PersistedQueries {
            capacity,
            cache: Arc::default(),
        }
    }

    /// Fills in the query of a request that names one by its hash, and
    /// remembers one sent with its hash. An error is the request's answer.
    pub fn resolve(&self, mut request: Request) -> Result<Request, async_graphql::Error> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return Ok(request);
        };
        let hash = match persisted {
            Value::Object(fields) => match fields.get("sha256Hash") {
                Some(Value::String(hash)) => hash.to_ascii_lowercase(),
                _ => {
                    return Err(with_code(
                        "extensions.persistedQuery needs a sha256Hash",
                        code::BAD_USER_INPUT,
                    ))
                }
            },
            _ => {
                return Err(with_code(
                    "extensions.persistedQuery must be an object",
                    code::BAD_USER_INPUT,
                ))
            }
        };
        if self.capacity == 0 {
            return Err(with_code("PersistedQueryNotSupported", NOT_SUPPORTED));
        }
        let mut cache = self.cache.lock().expect("the persisted queries lock");
        if request.query.is_empty() {
            let query = cache
                .touch(&hash)
                .ok_or_else(|| with_code("PersistedQueryNotFound", NOT_FOUND))?;
            request.query = query.to_string();
            return Ok(request);
        }
        if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(with_code(
                "provided sha does not match query",
                code::BAD_USER_INPUT,
            ));
        }
        if cache.touch(&hash).is_none() {
            while cache.queries.len() >= self.capacity {
                let Some((_, oldest)) = cache.used.pop_first() else {
                    break;
                };
                cache.queries.remove(&oldest);
            }
            let tick = cache.tick;
            cache.used.insert(tick, hash.clone());
            cache
                .queries
                .insert(hash, (Arc::from(request.query.as_str()), tick));
        }
        Ok(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_only(hash: &str) -> Request {
        let mut request = Request::new("");
        let extension = serde_json::json!({"version": 1, "sha256Hash": hash});
        request.extensions.insert(
            "persistedQuery".to_owned(),
            Value::from_json(extension).unwrap(),
        );
        request
    }

    fn with_query(query: &str) -> Request {
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        let mut request = hash_only(&hash);
        request.query = query.to_owned();
        request
    }

    #[test]
    fn unknown_then_registered_then_found_and_the_oldest_evicted() {
        let queries = PersistedQueries::new(2);
        let hash = |query: &str| hex::encode(Sha256::digest(query.as_bytes()));
        let error = queries.resolve(hash_only(&hash("{ a }"))).err().unwrap();
        assert_eq!(error.message, "PersistedQueryNotFound");
        queries.resolve(with_query("{ a }")).unwrap();
        queries.resolve(with_query("{ b }")).unwrap();
        // `a` used again, so `b` is the least recently used.
        assert_eq!(
            queries.resolve(hash_only(&hash("{ a }"))).unwrap().query,
            "{ a }"
        );
        queries.resolve(with_query("{ c }")).unwrap();
        assert!(queries.resolve(hash_only(&hash("{ b }"))).is_err());
        assert!(queries.resolve(hash_only(&hash("{ a }"))).is_ok());
        assert!(queries.resolve(hash_only(&hash("{ c }"))).is_ok());
        let mut wrong = with_query("{ a }");
        wrong.query = "{ b }".to_owned();
        assert!(queries.resolve(wrong).is_err());
        assert!(PersistedQueries::new(0)
            .resolve(with_query("{ a }"))
            .is_err());
    }
}
