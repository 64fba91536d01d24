//! Building and running a server instance: the same code serves `serve`
//! and the tests, which start it in-process on port 0.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::api::http::{router, ServerState, WebsocketSettings};
use crate::api::{build_schema, Limits};
use crate::app::{generate_token, App};
use crate::config::Config;
use crate::ops;
use crate::store::{EventStore, Notifier};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// Set when the configuration had no admin token and one was generated.
    pub generated_admin_token: Option<String>,
}

impl Application {
    /// Connects (creating the database when missing), migrates and binds.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let store = EventStore::connect(&config.database_url, config.db_pool_size)
            .await?
            .notifying_in_transaction(config.notify_in_transaction);
        store.migrate().await?;
        Self::build_with_store(config, store).await
    }

    /// Binds a server on an existing store (already migrated).
    pub async fn build_with_store(
        config: Config,
        store: EventStore,
    ) -> anyhow::Result<Application> {
        let (admin_token, generated_admin_token) = match config.admin_token {
            Some(token) if !token.trim().is_empty() => (token, None),
            _ => {
                let (token, _) = generate_token();
                (token.clone(), Some(token))
            }
        };
        let pool = store.pool().clone();
        let notifier = Notifier::start(&store);
        let app = App::new(store, notifier, &admin_token)
            .with_snapshots(config.snapshot_every, config.snapshot_cache);
        let schema = build_schema(
            Some(app.clone()),
            Limits {
                max_depth: config.max_query_depth,
                max_complexity: config.max_query_complexity,
            },
        );
        let api = router(ServerState {
            app,
            schema,
            max_body_bytes: config.max_body_bytes,
            websocket: WebsocketSettings {
                init_timeout: Duration::from_secs(config.ws_init_timeout_secs),
                ping_interval: Duration::from_secs(config.ws_ping_interval_secs),
                send_timeout: Duration::from_secs(config.ws_send_timeout_secs),
            },
        });
        let router = ops::logging::requests(api.merge(ops::metrics::routes(pool)));
        let listener = TcpListener::bind(config.bind).await?;
        Ok(Application {
            listener,
            router,
            generated_admin_token,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM).
    pub async fn run(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
