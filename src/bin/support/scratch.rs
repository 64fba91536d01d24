//! The throw-away database a benchmark runs on: created at the start,
//! dropped at the end. Shared by the benchmark binaries through `#[path]`.

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

pub struct BenchDatabase {
    server: String,
    pub name: String,
}

impl BenchDatabase {
    pub async fn create(server: &str) -> anyhow::Result<BenchDatabase> {
        let name = format!("werkplaats_bench_{:016x}", rand::random::<u64>());
        let admin = admin_pool(server).await?;
        sqlx::query(&format!("create database {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(BenchDatabase {
            server: server.to_owned(),
            name,
        })
    }

    pub fn url(&self) -> String {
        format!("{}/{}", self.server, self.name)
    }

    pub async fn drop_now(self) -> anyhow::Result<()> {
        let admin = admin_pool(&self.server).await?;
        // FORCE: servers (killed, or still running in-process) may hold connections.
        sqlx::query(&format!(
            "drop database if exists {} with (force)",
            self.name
        ))
        .execute(&admin)
        .await?;
        admin.close().await;
        Ok(())
    }
}

async fn admin_pool(server: &str) -> anyhow::Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{server}/postgres"))
        .await
        .with_context(|| format!("connecting to {server}"))
}
