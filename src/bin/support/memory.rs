//! A process's resident memory, for the benchmarks' figures per
//! subscriber. Shared through `#[path]` by `server.rs` and `bench-fanout`.

use anyhow::Context as _;

/// Resident memory of process `pid` in KiB, from `/proc/<pid>/status`.
pub fn rss_kib(pid: u32) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no VmRSS for process {pid}"))
}
