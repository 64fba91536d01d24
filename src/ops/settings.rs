//! The configuration file, and the configuration as printed at start.
//!
//! Every setting stays one declaration in [`crate::config::Config`] (a flag
//! and an environment variable); the file adds a third source below both.
//! `--config FILE` (or `WERKPLAATS_CONFIG`) names a TOML file whose keys are
//! the long flag names (`bind = "0.0.0.0:8080"`, `db-pool-size = 32`;
//! `db_pool_size` works too). A value from the file is used only for a
//! setting that neither a flag nor the environment gave: the file's values
//! are handed to clap as flags and the command line is parsed again, so
//! they are checked exactly like flags and no setting needs code here. A
//! key no command knows is an error (a typo should not pass silently).
//!
//! At start `serve` and `migrate` log every setting with where it came from;
//! secrets are masked: settings declared with `hide_env_values` (the admin
//! token) entirely, and the password of any URL (the database's).

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::Path;

use anyhow::Context;
use clap::parser::ValueSource;
use clap::{ArgMatches, Parser};

/// Where a setting's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Flag,
    Environment,
    File,
    Default,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::Environment => "environment",
            Source::File => "file",
            Source::Default => "default",
        }
    }
}

/// One setting as printed at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The long flag name, which is also the file's key.
    pub name: String,
    /// The value, secrets masked; `None` when unset.
    pub value: Option<String>,
    pub source: Source,
}

/// The settings of the command that runs.
#[derive(Clone, Debug, Default)]
pub struct Settings(pub Vec<Setting>);

impl Settings {
    /// Logs each setting on a line of its own.
    pub fn log(&self) {
        for setting in &self.0 {
            tracing::info!(
                setting = %setting.name,
                value = setting.value.as_deref().unwrap_or("(unset)"),
                source = setting.source.as_str(),
                "configuration"
            );
        }
    }
}

/// Parses the process's command line, the environment and the file named
/// by the option `config_file` reads from the first parse. Like
/// [`Parser::parse`] it exits with clap's message on bad input.
pub fn parse<P: Parser>(config_file: impl Fn(&P) -> Option<&Path>) -> (P, Settings) {
    let args: Vec<OsString> = std::env::args_os().collect();
    match parse_from(args, config_file) {
        Ok(parsed) => parsed,
        Err(error) => match error.downcast::<clap::Error>() {
            Ok(error) => error.exit(),
            Err(error) => {
                eprintln!("error: {error:#}");
                std::process::exit(2);
            }
        },
    }
}

/// [`parse`] from given arguments (the first is the program's name).
pub fn parse_from<P: Parser>(
    args: Vec<OsString>,
    config_file: impl Fn(&P) -> Option<&Path>,
) -> anyhow::Result<(P, Settings)> {
    let matches = P::command().try_get_matches_from(&args)?;
    let parsed = P::from_arg_matches(&matches)?;
    let Some(path) = config_file(&parsed) else {
        return Ok((parsed, settings::<P>(&matches, &HashSet::new())));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not TOML", path.display()))?;
    let (flags, from_file) = file_flags::<P>(&matches, &table)
        .with_context(|| format!("in the configuration file {}", path.display()))?;
    let mut args = args;
    args.extend(flags);
    let matches = P::command()
        .try_get_matches_from(&args)
        .with_context(|| format!("in the configuration file {}", path.display()))?;
    let parsed = P::from_arg_matches(&matches)?;
    Ok((parsed, settings::<P>(&matches, &from_file)))
}

/// The running subcommand's definition and matches (the top level when
/// there is no subcommand).
fn running<'m>(
    command: &clap::Command,
    matches: &'m ArgMatches,
) -> (clap::Command, &'m ArgMatches) {
    match matches.subcommand() {
        Some((name, sub)) => (
            command
                .find_subcommand(name)
                .cloned()
                .unwrap_or_else(|| command.clone()),
            sub,
        ),
        None => (command.clone(), matches),
    }
}

/// Flags for the file's values that neither a flag nor the environment
/// set, and the ids of the settings they give.
fn file_flags<P: Parser>(
    matches: &ArgMatches,
    table: &toml::Table,
) -> anyhow::Result<(Vec<OsString>, HashSet<String>)> {
    let command = P::command();
    let (running, sub) = running(&command, matches);
    let mut flags = Vec::new();
    let mut from_file = HashSet::new();
    for (key, value) in table {
        let long = key.replace('_', "-");
        let Some(arg) = running
            .get_arguments()
            .find(|arg| arg.get_long() == Some(long.as_str()))
        else {
            let known_elsewhere = command
                .get_subcommands()
                .flat_map(|sub| sub.get_arguments())
                .chain(command.get_arguments())
                .any(|arg| arg.get_long() == Some(long.as_str()));
            anyhow::ensure!(known_elsewhere, "unknown setting `{key}`");
            // A setting of another command (one file serves them all).
            continue;
        };
        let id = arg.get_id().as_str();
        if long == "config"
            || !matches!(sub.value_source(id), None | Some(ValueSource::DefaultValue))
        {
            continue;
        }
        let values = match value {
            toml::Value::Array(values) => values.iter().map(scalar).collect::<Result<_, _>>(),
            value => scalar(value).map(|value| vec![value]),
        }
        .with_context(|| format!("setting `{key}`"))?;
        if arg.get_action().takes_values() {
            flags.extend(
                values
                    .iter()
                    .map(|value| format!("--{long}={value}").into()),
            );
        } else if values.iter().any(|value| value == "true") {
            flags.push(format!("--{long}").into());
        }
        from_file.insert(id.to_owned());
    }
    Ok((flags, from_file))
}

fn scalar(value: &toml::Value) -> anyhow::Result<String> {
    Ok(match value {
        toml::Value::String(value) => value.clone(),
        toml::Value::Integer(value) => value.to_string(),
        toml::Value::Float(value) => value.to_string(),
        toml::Value::Boolean(value) => value.to_string(),
        other => anyhow::bail!("a {} is no setting's value", other.type_str()),
    })
}

/// Every setting of the running command, as it will be printed.
fn settings<P: Parser>(matches: &ArgMatches, from_file: &HashSet<String>) -> Settings {
    let command = P::command();
    let (running, sub) = running(&command, matches);
    let settings = running
        .get_arguments()
        .filter(|arg| !arg.is_global_set() && arg.get_long().is_some())
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .map(|arg| {
            let id = arg.get_id().as_str();
            let value = sub.get_raw(id).map(|values| {
                let value = values
                    .map(|value| value.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(",");
                if arg.is_hide_env_values_set() {
                    "***".to_owned()
                } else {
                    mask_url_password(&value)
                }
            });
            let source = if from_file.contains(id) {
                Source::File
            } else {
                match sub.value_source(id) {
                    Some(ValueSource::CommandLine) => Source::Flag,
                    Some(ValueSource::EnvVariable) => Source::Environment,
                    _ => Source::Default,
                }
            };
            Setting {
                name: arg.get_long().unwrap_or(id).to_owned(),
                value,
                source,
            }
        })
        .collect();
    Settings(settings)
}

/// `scheme://user:secret@host/...` becomes `scheme://user:***@host/...`,
/// and a `password=` parameter (libpq's other spelling) becomes
/// `password=***`; anything else stays as it is.
pub fn mask_url_password(value: &str) -> String {
    let Some(scheme_end) = value.find("://") else {
        return value.to_owned();
    };
    let (scheme, rest) = value.split_at(scheme_end + 3);
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => match authority[..at].find(':') {
            Some(colon) => format!("{}:***{}", &authority[..colon], &authority[at..]),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let path = match path.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => path.to_owned(),
    };
    format!("{scheme}{authority}{path}")
}

#[cfg(test)]
mod tests;
