//! Acceptance as a checklist: each criterion is an item the developer submits evidence
//! for and the client accepts or rejects on its own.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Waiting for the developer's evidence.
    Open,
    /// Evidence in, waiting for the client.
    Submitted,
    Accepted,
    /// Sent back with a reason; the developer re-submits.
    Rejected,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::Submitted => "submitted",
            ItemStatus::Accepted => "accepted",
            ItemStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ItemStatus> {
        [
            ItemStatus::Open,
            ItemStatus::Submitted,
            ItemStatus::Accepted,
            ItemStatus::Rejected,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// 1-based, as shown and typed (`/accept 2 1`).
    pub n: u32,
    pub text: String,
    pub status: ItemStatus,
    pub evidence: Option<String>,
    pub reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Every item accepted (and there is at least one).
pub fn all_accepted(items: &[Item]) -> bool {
    !items.is_empty() && items.iter().all(|i| i.status == ItemStatus::Accepted)
}

/// Items still waiting for evidence from the developer, in order.
pub fn to_submit(items: &[Item]) -> Vec<u32> {
    items
        .iter()
        .filter(|i| matches!(i.status, ItemStatus::Open | ItemStatus::Rejected))
        .map(|i| i.n)
        .collect()
}

/// How an operator closed a dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The work is taken as accepted: every item is accepted.
    Accepted,
    /// Back to the developer: the job is assigned again, open items stay open.
    Reopened,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Accepted => "accepted",
            Resolution::Reopened => "reopened",
        }
    }
    pub fn parse(s: &str) -> Option<Resolution> {
        match s.trim().to_lowercase().as_str() {
            "accepted" | "accept" | "验收" | "通过" => Some(Resolution::Accepted),
            "reopened" | "reopen" | "重开" | "退回" => Some(Resolution::Reopened),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute {
    pub id: i64,
    pub job: crate::job::JobId,
    pub by: crate::ids::MemberId,
    pub reason: String,
    pub opened_at: DateTime<Utc>,
    pub resolution: Option<(Resolution, String)>,
}
