//! `werkplaats`: serve, migrate, print the schema, export, verify, report
//! and rebuild read models.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use werkplaats::config::Config;
use werkplaats::startup::Application;
use werkplaats::store::EventStore;

#[derive(Parser)]
#[command(
    name = "werkplaats",
    version,
    about = "Event-sourced collaboration server for werkplaatsen"
)]
struct Cli {
    /// A TOML file of settings (keys are the long flag names); flags and
    /// the environment override it.
    #[arg(long, global = true, env = "WERKPLAATS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve GraphQL.
    Serve(Config),
    /// Run pending migrations and exit.
    Migrate(Config),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Write a werkplaats's trail as JSON Lines (header, then one event a line).
    Export(werkplaats::trail::cli::ExportArgs),
    /// Check an export offline: hashes, links, versions, head and checkpoints.
    Verify(werkplaats::trail::cli::VerifyArgs),
    /// Write the evaluation report of a werkplaats as one self-contained HTML file.
    Report(werkplaats::report::cli::ReportArgs),
    /// Rebuild a read model from the events.
    Rebuild {
        #[command(subcommand)]
        model: ReadModel,
    },
}

#[derive(Subcommand)]
enum ReadModel {
    /// The library (wat werkt): every lesson of every werkplaats that shares.
    Library {
        /// PostgreSQL holding the event store.
        #[arg(long, env = "DATABASE_URL", default_value = werkplaats::config::DEFAULT_DATABASE_URL)]
        database_url: String,
    },
}

/// Starts a private PostgreSQL when no `DATABASE_URL` is given and the
/// default cannot be reached; see [`werkplaats::ops::postgres`].
/// `WERKPLAATS_DEFAULT_DATABASE_URL` names another default, for tests.
async fn private_cluster(
    config: &mut Config,
) -> anyhow::Result<Option<werkplaats::ops::postgres::Cluster>> {
    use werkplaats::ops::postgres;
    let given = std::env::var_os("DATABASE_URL").is_some()
        || config.database_url != werkplaats::config::DEFAULT_DATABASE_URL;
    if given {
        return Ok(None);
    }
    let default = std::env::var("WERKPLAATS_DEFAULT_DATABASE_URL")
        .unwrap_or_else(|_| werkplaats::config::DEFAULT_DATABASE_URL.to_owned());
    // Reached and taking writes; a standby there would fail the migrations.
    if werkplaats::store::find_primary(std::slice::from_ref(&default))
        .await
        .is_some()
    {
        config.database_url = default;
        return Ok(None);
    }
    let data_dir = config.data_dir.clone();
    let (cluster, url) =
        tokio::task::spawn_blocking(move || postgres::Cluster::start(data_dir)).await??;
    tracing::info!(
        data_dir = %cluster.data_dir().display(),
        "no PostgreSQL at {default}: started a private one on a Unix socket in its data directory"
    );
    config.database_url = url;
    Ok(Some(cluster))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    werkplaats::ops::logging::init()?;
    let (cli, settings) = werkplaats::ops::settings::parse(|cli: &Cli| cli.config.as_deref());
    match cli.command {
        Command::Schema => print!("{}", werkplaats::api::sdl()),
        Command::Export(args) => werkplaats::trail::cli::run_export(args).await?,
        Command::Verify(args) => werkplaats::trail::cli::run_verify(args)?,
        Command::Report(args) => werkplaats::report::cli::run_report(args).await?,
        Command::Rebuild {
            model: ReadModel::Library { database_url },
        } => {
            // One connection holds the rebuild's transaction, one listens,
            // the others read the streams.
            let store = EventStore::connect(&database_url, 4).await?;
            store.migrate().await?;
            let notifier = werkplaats::store::Notifier::start(&store);
            let (admin_token, _) = werkplaats::app::generate_token();
            let app = werkplaats::app::App::new(store, notifier, &admin_token);
            let bar = werkplaats::progress::bar(0, "bibliotheek");
            let lessons = app
                .rebuild_library(|done, total| {
                    bar.set_length(total as u64);
                    bar.set_position(done as u64);
                })
                .await?;
            bar.finish_and_clear();
            println!("library rebuilt: {lessons} lessons");
        }
        Command::Migrate(config) => {
            settings.log();
            let store = EventStore::connect(&config.database_url, 2).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
        }
        Command::Serve(mut config) => {
            settings.log();
            let _cluster = private_cluster(&mut config).await?;
            let app = Application::build(config).await?;
            if let Some(token) = &app.generated_admin_token {
                // Printed once, on purpose: there is no other way to learn it.
                println!("admin token (shown once): {token}");
            }
            tracing::info!(address = %app.local_addr()?, "serving GraphQL on /graphql");
            app.run().await?;
        }
    }
    Ok(())
}
