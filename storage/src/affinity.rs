//! The write chain on one CPU (Linux, SQLite database files). The writer's thread and the
//! worker thread sqlx runs its SQLite connection on hand every statement back and forth:
//! one sends and blocks, the other wakes. On a two-core machine they waited for a CPU,
//! behind the HTTP workers, almost as long as they ran (ARCHITECTURE.md, "The write chain
//! on one CPU"). On one CPU each wakes where the other has just blocked. Only these two
//! threads are pinned; every other thread, the HTTP workers included, may still run on
//! any CPU, that one too.

/// The CPU for a store's write chain: the last one this process may run on, if it may
/// run on two or more (on one there is nothing to choose) and they are its own: not when
/// a CPU quota (a container's `--cpus`) gives it less time than the CPUs it sees, whose
/// other tenants a pinned thread could not move away from. `None` elsewhere than Linux.
pub(crate) fn chain_cpu() -> Option<usize> {
    let cpus = imp::allowed()?;
    let quota = std::thread::available_parallelism().map_or(1, |n| n.get());
    choose(&cpus, quota)
}

fn choose(cpus: &[usize], parallelism: usize) -> Option<usize> {
    (cpus.len() >= 2 && parallelism >= cpus.len())
        .then(|| cpus.last().copied())
        .flatten()
}

/// Keeps the calling thread on `cpu`.
pub(crate) fn pin_current(cpu: usize) -> std::io::Result<()> {
    imp::pin(cpu)
}

/// The CPUs the calling thread may run on.
#[cfg(test)]
pub(crate) fn current_cpus() -> Option<Vec<usize>> {
    imp::allowed()
}

#[cfg(target_os = "linux")]
mod imp {
    use rustix::thread::{sched_getaffinity, sched_setaffinity, CpuSet};

    pub(super) fn allowed() -> Option<Vec<usize>> {
        let set = sched_getaffinity(None).ok()?;
        Some((0..CpuSet::MAX_CPU).filter(|&c| set.is_set(c)).collect())
    }

    pub(super) fn pin(cpu: usize) -> std::io::Result<()> {
        if cpu >= CpuSet::MAX_CPU {
            return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
        }
        let mut set = CpuSet::new();
        set.set(cpu);
        sched_setaffinity(None, &set).map_err(std::io::Error::from)
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    pub(super) fn allowed() -> Option<Vec<usize>> {
        None
    }

    pub(super) fn pin(_cpu: usize) -> std::io::Result<()> {
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

#[cfg(test)]
mod choosing {
    use super::choose;

    #[test]
    fn the_last_cpu_when_there_are_two_or_more_and_no_smaller_quota() {
        assert_eq!(choose(&[0, 1], 2), Some(1));
        assert_eq!(choose(&[2, 5, 7], 3), Some(7));
        assert_eq!(choose(&[0], 1), None, "one CPU");
        assert_eq!(choose(&[], 1), None);
        assert_eq!(
            choose(&(0..64).collect::<Vec<_>>(), 2),
            None,
            "2 CPUs' time of 64"
        );
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_thread_runs_only_on_its_cpu_and_others_keep_theirs() {
        let all = current_cpus().expect("Linux reports the allowed CPUs");
        let cpu = *all.last().unwrap();
        let pinned = std::thread::spawn(move || {
            pin_current(cpu).unwrap();
            current_cpus().unwrap()
        })
        .join()
        .unwrap();
        assert_eq!(pinned, vec![cpu]);
        assert_eq!(current_cpus().unwrap(), all, "only the thread that asked");
        let quota = std::thread::available_parallelism().unwrap().get();
        assert_eq!(
            chain_cpu(),
            (all.len() >= 2 && quota >= all.len()).then_some(cpu)
        );
    }

    #[test]
    fn a_cpu_outside_the_set_is_an_error() {
        assert!(pin_current(usize::MAX).is_err());
    }
}
