//! Process figures from `/proc` (Linux): CPU time and resident memory of
//! the service, and CPU time of this client, so that a report shows who
//! used the machine's two cores.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Clock ticks per second of `utime`/`stime` in `/proc/<pid>/stat`
/// (`CLK_TCK`, 100 on every mainstream Linux architecture).
const TICKS_PER_SECOND: f64 = 100.0;

/// How often the service's memory is sampled during a scenario.
const RSS_INTERVAL: Duration = Duration::from_secs(1);

/// The service's resident memory at some point of a scenario.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RssSample {
    /// Seconds since the scenario started.
    pub at_s: f64,
    pub rss_kib: u64,
}

/// `VmRSS` of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU seconds of a process, its finished threads
/// included.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    stat_cpu(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// [`cpu_seconds`] of this process.
pub fn own_cpu_seconds() -> Option<f64> {
    stat_cpu(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

fn stat_cpu(stat: &str) -> Option<f64> {
    // The command name, field 2, may hold spaces; fields after it are plain.
    let after_name = &stat[stat.rfind(')')? + 2..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / TICKS_PER_SECOND)
}

/// Samples the RSS of `pid` every second while `running` is set; the first
/// sample is taken at once and the last when sampling stops.
pub fn sample_rss(pid: Option<u32>, start: Instant, running: &AtomicBool) -> Vec<RssSample> {
    let Some(pid) = pid else { return Vec::new() };
    let sample = || {
        rss_kib(pid).map(|rss_kib| RssSample {
            at_s: start.elapsed().as_secs_f64(),
            rss_kib,
        })
    };
    let mut samples: Vec<RssSample> = sample().into_iter().collect();
    let mut next = Instant::now() + RSS_INTERVAL;
    while running.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(50));
        if Instant::now() >= next {
            samples.extend(sample());
            next += RSS_INTERVAL;
        }
    }
    samples.extend(sample());
    samples
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_is_read_after_a_command_name_with_spaces() {
        let stat = "42 (my (odd) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1";

        assert_eq!(stat_cpu(stat), Some(3.0));
    }

    #[test]
    fn this_process_has_a_resident_size() {
        assert!(rss_kib(std::process::id()).is_some_and(|kib| kib > 0));
    }
}
