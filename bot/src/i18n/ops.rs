//! Texts of operations: the organizers' daily note about messages that could not be
//! delivered.

use super::Locale;
use crate::ports::{DeliveryKind, FailedDelivery};

/// Failures listed one per line; the rest counted.
const LISTED: usize = 20;
/// Longest reason shown.
const REASON_MAX: usize = 80;

pub enum OpsMsg<'a> {
    /// Approvals (with their group invitations) that failed since the last note.
    DeliveryFailures(&'a [FailedDelivery]),
}

impl OpsMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match self {
            OpsMsg::DeliveryFailures(failed) => failures(failed, l),
        }
    }
}

fn kind(k: DeliveryKind, l: Locale) -> &'static str {
    match (k, l) {
        (DeliveryKind::Approval, Locale::Zh) => "审核通过通知与入群邀请",
        (DeliveryKind::Approval, Locale::En) => "approval with group invitation",
        (DeliveryKind::File, Locale::Zh) => "附件",
        (DeliveryKind::File, Locale::En) => "file",
        (DeliveryKind::Buttons, Locale::Zh) => "带按钮的消息",
        (DeliveryKind::Buttons, Locale::En) => "message with buttons",
        (DeliveryKind::Text, Locale::Zh) => "消息",
        (DeliveryKind::Text, Locale::En) => "message",
    }
}

fn failures(failed: &[FailedDelivery], l: Locale) -> String {
    let mut lines: Vec<String> = failed
        .iter()
        .take(LISTED)
        .map(|f| {
            let reason: String = f.reason.chars().take(REASON_MAX).collect();
            format!("#{} {} · {} · {reason}", f.id.0, f.to.user, kind(f.kind, l))
        })
        .collect();
    let more = failed.len().saturating_sub(LISTED);
    let n = failed.len();
    let (head, rest, hint) = match l {
        Locale::Zh => (
            format!("⚠️ 有 {n} 条审核通过通知或入群邀请未能送达："),
            format!("……另有 {more} 条"),
            "请换个方式联系他们；运维可用 `yunqi outbox failed` 查看、`yunqi outbox retry <编号|all>` 重发。",
        ),
        Locale::En => (
            format!("⚠️ {n} approval or invitation message(s) could not be delivered:"),
            format!("…and {more} more"),
            "Please reach these people another way; an operator can list them with `yunqi outbox failed` and resend with `yunqi outbox retry <id|all>`.",
        ),
    };
    if more > 0 {
        lines.push(rest);
    }
    format!("{head}\n{}\n{hint}", lines.join("\n"))
}
