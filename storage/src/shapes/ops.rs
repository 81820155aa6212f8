//! What `ops.rs` returns, shared by both backends.

use chrono::{DateTime, Utc};

/// Pending messages of one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    pub platform: String,
    pub pending: i64,
    /// Pending and due now (not waiting for a retry time or quiet hours).
    pub due: i64,
    /// The due time of the longest-waiting due message.
    pub oldest_due: Option<DateTime<Utc>>,
}

/// What one retention pass removed or masked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub outbox: u64,
    pub inbound: u64,
    /// Delivered messages whose contact details were masked…
    pub redacted: u64,
    /// …of this many looked at (more may follow while it is a full batch).
    pub scanned: u64,
}
