//! Building and running a server instance: the same code serves `serve`
//! and the tests, which start it in-process on port 0.

use std::net::SocketAddr;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::api::http::{router, ServerState};
use crate::api::LiveCounts;
use crate::app::{generate_token, App, OidcSettings};
use crate::config::Config;
use crate::ops;
use crate::store::{EventStore, Notifier};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// Tells open websockets that the server is stopping.
    shutdown: watch::Sender<bool>,
    /// Set when the configuration had no admin token and one was generated.
    pub generated_admin_token: Option<String>,
    /// How widely this server shares its live results.
    pub live: LiveCounts,
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
        let oidc = oidc_settings(&config);
        let (admin_token, generated_admin_token) = match &config.admin_token {
            Some(token) if !token.trim().is_empty() => (token.clone(), None),
            _ => {
                let (token, _) = generate_token();
                (token.clone(), Some(token))
            }
        };
        let pool = store.pool().clone();
        let notifier = Notifier::start(&store);
        let app = App::new(store, notifier, &admin_token)
            .with_snapshots(config.snapshot_every, config.snapshot_cache)
            .with_oidc(oidc);
        let (shutdown, stopping) = watch::channel(false);
        let state = ServerState::new(app, &config, stopping);
        let live = state.groups.counts();
        let api = router(state);
        let router = ops::logging::requests(api.merge(ops::metrics::routes(pool)));
        let listener = TcpListener::bind(config.bind).await?;
        Ok(Application {
            listener,
            router,
            shutdown,
            generated_admin_token,
            live,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process is asked to stop (Ctrl-C or SIGTERM).
    pub async fn run(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `stop` completes, then shuts down gracefully: no new
    /// connections, requests in flight finish, websockets are closed with
    /// 1012 so that their clients reconnect (to another instance).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let shutdown = self.shutdown;
        let stopping = async move {
            stop.await;
            tracing::info!("shutting down: closing websockets, finishing requests");
            let _ = shutdown.send(true);
        };
        // Live results are small frames that must go out at once: Nagle's
        // algorithm would hold one back until the client acknowledged the
        // last, up to its delayed-ACK timer (40 ms on Linux).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        });
        axum::serve(listener, self.router)
            .with_graceful_shutdown(stopping)
            .await
    }
}

/// Sign-in with the identity provider needs all three of issuer, audience
/// and JWKS URL (clap insists on them together).
fn oidc_settings(config: &Config) -> Option<OidcSettings> {
    Some(OidcSettings {
        issuer: config.oidc_issuer.clone()?,
        audience: config.oidc_audience.clone()?,
        jwks_url: config.oidc_jwks_url.clone()?,
        claim: config.oidc_claim.clone(),
    })
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
