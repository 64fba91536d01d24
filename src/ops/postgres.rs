//! A private PostgreSQL cluster for `werkplaats serve` on a machine where no
//! database was set up.
//!
//! When no `DATABASE_URL` is given and the default one cannot be reached
//! (nothing listens there, or it refuses us: a stock Debian has peer and
//! password authentication), the server starts a cluster of its own from
//! the installed server binaries (`initdb`, `pg_ctl`, on the `PATH` or under
//! `/usr/lib/postgresql/*/bin`). It listens on a Unix socket in its data
//! directory only, with the socket open to its own OS user alone, so trust
//! authentication admits nobody else. PostgreSQL refuses to run as root, so
//! under root the cluster runs as the `postgres` user. It is stopped when
//! the server stops.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};

/// The cluster's bootstrap superuser and the database the server uses.
const USER: &str = "werkplaats";

/// A running private cluster; dropping it stops the cluster.
pub struct Cluster {
    data_dir: PathBuf,
    pg_ctl: PathBuf,
    as_postgres: bool,
}

impl Cluster {
    /// Starts the cluster in `data_dir` (initialising it the first time)
    /// and returns it with the URL to reach it by.
    pub fn start(data_dir: Option<PathBuf>) -> anyhow::Result<(Cluster, String)> {
        let bin = server_binaries().context(
            "no PostgreSQL reachable at the default address, and no PostgreSQL server \
             binaries to start one: install them with `apt-get install postgresql`, \
             or set DATABASE_URL",
        )?;
        let as_postgres = running_as_root();
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => default_data_dir(as_postgres)?,
        };
        let cluster = Cluster {
            data_dir: absolute(&data_dir)?,
            pg_ctl: bin.join("pg_ctl"),
            as_postgres,
        };
        if !cluster.data_dir.join("PG_VERSION").exists() {
            cluster.init(&bin.join("initdb"))?;
        }
        if !cluster.is_running() {
            let dir = cluster.dir_str()?;
            let options = format!(
                "-c listen_addresses='' -c unix_socket_directories='{dir}' \
                 -c unix_socket_permissions=0700"
            );
            let log = cluster.data_dir.join("server.log");
            cluster.run(
                &cluster.pg_ctl,
                &[
                    "-D",
                    dir,
                    "-l",
                    log.to_str().context("a UTF-8 path")?,
                    "-o",
                    &options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            )?;
        }
        let url = format!(
            "postgres://{USER}@localhost/werkplaats?host={}",
            cluster.dir_str()?
        );
        Ok((cluster, url))
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn dir_str(&self) -> anyhow::Result<&str> {
        self.data_dir
            .to_str()
            .context("the data directory must be a UTF-8 path")
    }

    fn init(&self, initdb: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        if self.as_postgres {
            let status = Command::new("chown")
                .args(["postgres:", self.dir_str()?])
                .status()?;
            if !status.success() {
                bail!(
                    "cannot hand {} to the postgres user",
                    self.data_dir.display()
                );
            }
        }
        self.run(
            initdb,
            &[
                "-D",
                self.dir_str()?,
                "-U",
                USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
        )
    }

    fn is_running(&self) -> bool {
        let Ok(dir) = self.dir_str() else {
            return false;
        };
        self.command(&self.pg_ctl, &["-D", dir, "status"])
            .output()
            .is_ok_and(|out| out.status.success())
    }

    fn command(&self, program: &Path, args: &[&str]) -> Command {
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command
                .args(["-u", "postgres", "--"])
                .arg(program)
                .args(args);
            command
        } else {
            let mut command = Command::new(program);
            command.args(args);
            command
        }
    }

    fn run(&self, program: &Path, args: &[&str]) -> anyhow::Result<()> {
        let output = self
            .command(program, args)
            .output()
            .with_context(|| format!("running {}", program.display()))?;
        if !output.status.success() {
            bail!(
                "{} failed: {}",
                program.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(dir) = self.dir_str() {
            let stopped = self
                .command(&self.pg_ctl, &["-D", dir, "-m", "fast", "-w", "stop"])
                .output();
            match stopped {
                Ok(out) if out.status.success() => {
                    tracing::info!(data_dir = %self.data_dir.display(), "private PostgreSQL stopped")
                }
                _ => {
                    tracing::warn!(data_dir = %self.data_dir.display(), "could not stop the private PostgreSQL")
                }
            }
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`: the `PATH`'s, else the
/// newest of Debian's versioned installs.
fn server_binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse().ok()?;
                let bin = entry.path().join("bin");
                bin.join("initdb").is_file().then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Under the user's data directory; as root, where the postgres user may
/// enter (root's home is closed to it).
fn default_data_dir(as_postgres: bool) -> anyhow::Result<PathBuf> {
    if as_postgres {
        return Ok(PathBuf::from("/var/lib/werkplaats/postgres"));
    }
    let base = match std::env::var_os("XDG_DATA_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => {
            PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".local/share")
        }
    };
    Ok(base.join("werkplaats/postgres"))
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    Ok(if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()?.join(path)
    })
}
