//! Where a benchmark's CPU went: the server's process, PostgreSQL's
//! processes, the benchmark's own process, and how much of the machine
//! stayed idle, read from `/proc` before and after a measured path.
//!
//! Throughput alone cannot tell a path that is short of CPU from one that
//! waits (on a lock, a commit, a round trip in series). With the CPU each
//! command cost every process, it can: the machine's cores divided by
//! that cost is the most the path could do were it never waiting, and the
//! idle share says how far it is from that. Figures are in USER_HZ ticks
//! (1/100 s on Linux). A PostgreSQL backend that exits during the path
//! takes its ticks with it; the benchmarks keep their connections open.

use std::collections::HashMap;

use anyhow::Context as _;

/// Microseconds per USER_HZ tick.
const TICK_MICROS: f64 = 10_000.0;

/// The machine's and the processes' CPU counters at one moment.
pub struct Sample {
    busy: u64,
    idle: u64,
    server: u64,
    bench: u64,
    postgres: HashMap<u32, u64>,
}

/// CPU spent between two samples, per command.
pub struct Spent {
    /// µs per command of the server process, PostgreSQL and this process.
    pub server: f64,
    pub postgres: f64,
    pub bench: f64,
    /// Share of the machine's CPU that nobody used.
    pub idle: f64,
}

impl Spent {
    /// µs of CPU per command, all processes together.
    pub fn total(&self) -> f64 {
        self.server + self.postgres + self.bench
    }

    /// Commands per second the machine's cores would allow at this cost,
    /// were the path never waiting.
    pub fn ceiling(&self) -> f64 {
        let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
        cores * 1_000_000.0 / self.total().max(1.0)
    }
}

impl Sample {
    /// The counters now; `server` is the server's pid, when one runs.
    pub fn now(server: Option<u32>) -> anyhow::Result<Sample> {
        let stat = std::fs::read_to_string("/proc/stat")?;
        let cpu: Vec<u64> = stat
            .lines()
            .next()
            .and_then(|line| line.strip_prefix("cpu "))
            .context("no cpu line in /proc/stat")?
            .split_whitespace()
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        // user nice system idle iowait irq softirq steal: idle and iowait
        // are time nobody computed.
        let idle = cpu.get(3).copied().unwrap_or(0) + cpu.get(4).copied().unwrap_or(0);
        let busy = cpu.iter().take(8).sum::<u64>() - idle;
        let mut postgres = HashMap::new();
        for entry in std::fs::read_dir("/proc")?.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim_end() == "postgres" {
                if let Ok(ticks) = ticks(pid) {
                    postgres.insert(pid, ticks);
                }
            }
        }
        Ok(Sample {
            busy,
            idle,
            server: server.map_or(Ok(0), ticks)?,
            bench: ticks(std::process::id())?,
            postgres,
        })
    }

    /// What was spent from this sample to `later`, over `commands`.
    pub fn until(&self, later: &Sample, commands: u64) -> Spent {
        let per = |ticks: u64| ticks as f64 * TICK_MICROS / commands.max(1) as f64;
        let postgres: u64 = later
            .postgres
            .iter()
            .map(|(pid, t)| t.saturating_sub(self.postgres.get(pid).copied().unwrap_or(0)))
            .sum();
        let busy = later.busy.saturating_sub(self.busy);
        let idle = later.idle.saturating_sub(self.idle);
        Spent {
            server: per(later.server.saturating_sub(self.server)),
            postgres: per(postgres),
            bench: per(later.bench.saturating_sub(self.bench)),
            idle: idle as f64 / (busy + idle).max(1) as f64,
        }
    }
}

/// User plus system ticks of process `pid` (all its threads).
fn ticks(pid: u32) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name is in parentheses and may hold spaces; utime and
    // stime are the 12th and 13th fields after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("no command name in /proc/<pid>/stat")?
        .1
        .split_whitespace()
        .collect();
    let field = |i: usize| -> anyhow::Result<u64> {
        Ok(fields
            .get(i)
            .with_context(|| format!("short /proc/{pid}/stat"))?
            .parse()?)
    };
    Ok(field(11)? + field(12)?)
}
