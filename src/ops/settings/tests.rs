//! The file as a third source: below flags and environment, checked like
//! flags, printed with its secrets masked.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use super::{mask_url_password, parse_from, Setting, Source};

#[derive(Parser, Debug)]
struct Cli {
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Serve(Args),
    Other {
        #[arg(long)]
        only_here: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
struct Args {
    #[arg(long, env = "WERKPLAATS_SETTINGS_TEST_PORT", default_value_t = 1)]
    port: u16,
    #[arg(long, env = "WERKPLAATS_SETTINGS_TEST_SECRET", hide_env_values = true)]
    secret: Option<String>,
    #[arg(long, default_value = "postgres://postgres@localhost/werkplaats")]
    database_url: String,
    #[arg(long)]
    quick: bool,
}

fn file(contents: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("werkplaats-settings-{}.toml", uuid::Uuid::new_v4()));
    std::fs::write(&path, contents).unwrap();
    path
}

fn run(args: &[&str]) -> anyhow::Result<(Cli, Vec<Setting>)> {
    let args: Vec<OsString> = args.iter().map(OsString::from).collect();
    parse_from(args, |cli: &Cli| cli.config.as_deref()).map(|(cli, settings)| (cli, settings.0))
}

fn serve(cli: &Cli) -> &Args {
    match &cli.command {
        Command::Serve(args) => args,
        Command::Other { .. } => panic!("serve expected"),
    }
}

fn setting<'s>(settings: &'s [Setting], name: &str) -> &'s Setting {
    settings.iter().find(|s| s.name == name).unwrap()
}

#[test]
fn the_file_fills_what_flags_do_not_give() {
    let path = file("port = 7\ndatabase_url = \"postgres://app:geheim@db:5432/werkplaats\"\nquick = true\nsecret = \"s3cr3t\"\n");
    let path = path.to_str().unwrap();
    let (cli, settings) = run(&["werkplaats", "serve", "--config", path, "--port", "9"]).unwrap();
    let args = serve(&cli);
    assert_eq!(args.port, 9, "a flag beats the file");
    assert_eq!(
        args.database_url,
        "postgres://app:geheim@db:5432/werkplaats"
    );
    assert!(args.quick);
    assert_eq!(args.secret.as_deref(), Some("s3cr3t"));
    assert_eq!(setting(&settings, "port").source, Source::Flag);
    let url = setting(&settings, "database-url");
    assert_eq!(url.source, Source::File);
    assert_eq!(
        url.value.as_deref(),
        Some("postgres://app:***@db:5432/werkplaats")
    );
    assert_eq!(setting(&settings, "secret").value.as_deref(), Some("***"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn the_environment_beats_the_file() {
    std::env::set_var("WERKPLAATS_SETTINGS_TEST_SECRET", "from-env");
    let path = file("secret = \"from-file\"\n");
    let (cli, settings) =
        run(&["werkplaats", "serve", "--config", path.to_str().unwrap()]).unwrap();
    std::env::remove_var("WERKPLAATS_SETTINGS_TEST_SECRET");
    assert_eq!(serve(&cli).secret.as_deref(), Some("from-env"));
    let secret = setting(&settings, "secret");
    assert_eq!(
        (secret.source, secret.value.as_deref()),
        (Source::Environment, Some("***"))
    );
    assert_eq!(setting(&settings, "port").source, Source::Default);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn bad_values_and_unknown_keys_are_errors() {
    let bad = file("port = \"many\"\n");
    let error = run(&["werkplaats", "serve", "--config", bad.to_str().unwrap()]).unwrap_err();
    assert!(
        format!("{error:#}").contains("configuration file"),
        "{error:#}"
    );
    let unknown = file("prot = 7\n");
    let error = run(&["werkplaats", "serve", "--config", unknown.to_str().unwrap()]).unwrap_err();
    assert!(
        format!("{error:#}").contains("unknown setting `prot`"),
        "{error:#}"
    );
    for path in [bad, unknown] {
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn a_setting_of_another_command_is_skipped() {
    let path = file("only-here = \"x\"\nport = 3\n");
    let (cli, _) = run(&["werkplaats", "serve", "--config", path.to_str().unwrap()]).unwrap();
    assert_eq!(serve(&cli).port, 3);
    let (cli, _) = run(&["werkplaats", "other", "--config", path.to_str().unwrap()]).unwrap();
    assert!(matches!(cli.command, Command::Other { only_here: Some(ref x) } if x == "x"));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn url_passwords_are_masked() {
    for (url, masked) in [
        ("postgres://u:p@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("postgres://h/db?user=a@b", "postgres://h/db?user=a@b"),
        (
            "postgres://u@h/db?sslmode=require&password=p&x=1",
            "postgres://u@h/db?sslmode=require&password=***&x=1",
        ),
        ("postgres://u:p@h:5432", "postgres://u:***@h:5432"),
        ("127.0.0.1:8080", "127.0.0.1:8080"),
    ] {
        assert_eq!(mask_url_password(url), masked);
    }
}

#[test]
fn without_a_file_nothing_changes() {
    let (cli, settings) = run(&["werkplaats", "serve", "--port", "4"]).unwrap();
    assert_eq!(serve(&cli).port, 4);
    assert_eq!(setting(&settings, "port").source, Source::Flag);
    assert!(settings.iter().all(|s| s.name != "config"));
}
