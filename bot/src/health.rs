//! Whether the writer can write: `/healthz` answers from it.

use crate::ports::StoreError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Longest failure reason kept (it is shown by `/healthz`).
const REASON_MAX: usize = 160;

/// The outcome of the writer's last write: failing from a failed write until a later one
/// commits (an event, or the writer's probe while failing).
#[derive(Default)]
pub struct WriteHealth {
    failing: AtomicBool,
    reason: Mutex<String>,
}

impl WriteHealth {
    pub fn ok(&self) {
        // The success path: one atomic load.
        if self.failing.load(Ordering::Acquire) {
            self.failing.store(false, Ordering::Release);
        }
    }

    pub fn failed(&self, e: &StoreError) {
        let reason: String = e.to_string().chars().take(REASON_MAX).collect();
        if let Ok(mut r) = self.reason.lock() {
            *r = reason;
        }
        self.failing.store(true, Ordering::Release);
    }

    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }

    /// `Err(reason)` while writes fail.
    pub fn status(&self) -> Result<(), String> {
        if !self.is_failing() {
            return Ok(());
        }
        Err(self.reason.lock().map(|r| r.clone()).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_makes_it_fail_until_a_later_write_succeeds() {
        let h = WriteHealth::default();
        assert_eq!(h.status(), Ok(()));
        h.failed(&StoreError::Backend("database or disk is full".into()));
        let reason = h.status().unwrap_err();
        assert!(reason.contains("disk is full"), "{reason}");
        h.ok();
        assert_eq!(h.status(), Ok(()));
    }
}
