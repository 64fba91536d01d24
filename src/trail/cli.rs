//! The `export` and `verify` subcommands.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use uuid::Uuid;

use super::{export, verify, Checkpoint};
use crate::store::EventStore;

#[derive(Clone, Debug, clap::Args)]
pub struct ExportArgs {
    /// The werkplaats to export.
    #[arg(long)]
    pub werkplaats: Uuid,
    /// PostgreSQL holding the event store.
    #[arg(long, env = "DATABASE_URL", default_value = crate::config::DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Where to write the JSON Lines; standard output when left out.
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Debug, clap::Args)]
pub struct VerifyArgs {
    /// An export written by `werkplaats export`.
    pub file: PathBuf,
    /// VERSION:HASH that the trail must still hold; may be repeated.
    #[arg(long = "checkpoint", value_name = "V:HASH")]
    pub checkpoints: Vec<Checkpoint>,
}

/// Runs `werkplaats export`.
pub async fn run_export(args: ExportArgs) -> anyhow::Result<()> {
    let store = EventStore::connect(&args.database_url, 2).await?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    export::export(&store, args.werkplaats, BufWriter::new(out)).await?;
    Ok(())
}

/// Runs `werkplaats verify`: prints what it found and fails (exit status 1)
/// naming the first bad line.
pub fn run_verify(args: VerifyArgs) -> anyhow::Result<()> {
    let file = File::open(&args.file)?;
    match verify::verify(BufReader::new(file), &args.checkpoints) {
        Ok(verified) => {
            println!(
                "valid: {} events of werkplaats {}, head version {} hash {}{}",
                verified.events,
                verified.header.werkplaats,
                verified.header.head_version,
                verified.header.head_hash.as_deref().unwrap_or("-"),
                match args.checkpoints.len() {
                    0 => String::new(),
                    n => format!(", {n} checkpoint(s) held"),
                },
            );
            Ok(())
        }
        Err(failure) => {
            // A plain message and status 1, not an error with a backtrace:
            // a bad file is the answer, not a failure of the program.
            eprintln!("invalid: {}: {failure}", args.file.display());
            std::process::exit(1);
        }
    }
}
