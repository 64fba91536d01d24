//! `werkplaats report`: the evaluation report of one werkplaats, read
//! straight from the event store. Whoever holds the database URL sees every
//! werkplaats, as the admin does.

use std::io::Write;
use std::path::PathBuf;

use uuid::Uuid;

use crate::progress;
use crate::store::EventStore;

#[derive(Clone, Debug, clap::Args)]
pub struct ReportArgs {
    /// The werkplaats to report on.
    #[arg(long)]
    pub werkplaats: Uuid,
    /// PostgreSQL holding the event store.
    #[arg(long, env = "DATABASE_URL", default_value = crate::config::DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Where to write the HTML; standard output when left out.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Runs `werkplaats report`, with a progress bar over the events folded
/// (drawn only on a terminal).
pub async fn run_report(args: ReportArgs) -> anyhow::Result<()> {
    let store = EventStore::connect(&args.database_url, 2).await?;
    let bar = progress::bar(0, "rapport");
    let loaded = super::load(
        &store,
        args.werkplaats,
        |total| bar.set_length(total),
        |done| bar.set_position(done),
    )
    .await?;
    bar.finish_and_clear();
    let Some(at) = loaded else {
        anyhow::bail!("werkplaats {} does not exist", args.werkplaats);
    };
    let html = super::render(&at);
    match &args.output {
        Some(path) => std::fs::write(path, html)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(html.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}
