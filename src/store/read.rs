//! Reading streams.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EventStore, StoreError, StoredEvent};

const COLUMNS: &str = "position, stream_id, version, event_id, event_type, schema_version, \
    payload, actor_id, command_id, correlation_id, recorded_at, hash, prev_hash";

impl EventStore {
    /// Events of `stream` with `after < version <= up_to`, in version order,
    /// at most `limit` of them.
    pub async fn read_stream(
        &self,
        stream: Uuid,
        after: i64,
        up_to: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!(
            "select {COLUMNS} from events where stream_id = $1 and version > $2 and version <= $3 \
             order by version limit $4"
        );
        Ok(sqlx::query_as::<_, StoredEvent>(&sql)
            .bind(stream)
            .bind(after)
            .bind(up_to)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The stream's current version; `None` when it does not exist.
    pub async fn stream_version(&self, stream: Uuid) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "select version from streams where id = $1 and version > 0",
        )
        .bind(stream)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The version of the last event recorded at or before `at`; `None`
    /// when the stream has no event that early.
    pub async fn version_at(
        &self,
        stream: Uuid,
        at: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "select max(version) from events where stream_id = $1 and recorded_at <= $2",
        )
        .bind(stream)
        .bind(at)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Every stream, in the order they were created.
    pub async fn streams(&self) -> Result<Vec<Uuid>, StoreError> {
        Ok(
            sqlx::query_scalar::<_, Uuid>("select id from streams where version > 0 order by seq")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Member names of a werkplaats, by member id (`None` once erased).
    pub async fn member_names(
        &self,
        stream: Uuid,
    ) -> Result<HashMap<Uuid, Option<String>>, StoreError> {
        let rows = sqlx::query_as::<_, (Uuid, Option<String>)>(
            "select member_id, name from member_profiles where werkplaats_id = $1",
        )
        .bind(stream)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }
}
