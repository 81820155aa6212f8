//! Texts of the acceptance checklist and disputes, zh and en.

use super::Locale;
use crate::job::Job;
use crate::spec::checklist::{Item, ItemStatus, Resolution};

pub enum CheckMsg<'a> {
    AskEvidence {
        job: &'a Job,
        item: &'a Item,
        total: usize,
    },
    NoSuchItem {
        job: &'a Job,
        n: u32,
    },
    AlreadyAccepted {
        job: &'a Job,
        n: u32,
    },
    NotSubmitted {
        job: &'a Job,
        n: u32,
    },
    /// To the developer: item in, these still to submit.
    Submitted {
        job: &'a Job,
        n: u32,
        left: &'a [u32],
    },
    AllSubmitted(&'a Job),
    /// To the client: the checklist to check.
    ToClient {
        job: &'a Job,
        who: &'a str,
        items: &'a [Item],
    },
    ItemAccepted {
        job: &'a Job,
        n: u32,
        left: usize,
    },
    ItemAcceptedDev {
        job: &'a Job,
        n: u32,
    },
    ItemRejected {
        job: &'a Job,
        n: u32,
    },
    ItemRejectedDev {
        job: &'a Job,
        item: &'a Item,
    },
    NotParty,
    DisputeOpened(&'a Job),
    DisputeOpen(&'a Job),
    ToOperators {
        job: &'a Job,
        who: &'a str,
        reason: &'a str,
        items: &'a [Item],
    },
    ToOtherSide {
        job: &'a Job,
        reason: &'a str,
    },
    NoDispute(&'a Job),
    Resolved {
        job: &'a Job,
        how: Resolution,
        note: &'a str,
    },
    OnTime {
        accepted: u32,
        on_time: u32,
    },
    AcceptAllButton,
}

impl CheckMsg<'_> {
    pub fn status(s: ItemStatus, l: Locale) -> &'static str {
        status_name(s, l)
    }

    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

pub fn status_name(s: ItemStatus, l: Locale) -> &'static str {
    match (l, s) {
        (Locale::Zh, ItemStatus::Open) => "⬜ 待提交",
        (Locale::Zh, ItemStatus::Submitted) => "🟡 待验收",
        (Locale::Zh, ItemStatus::Accepted) => "✅ 已验收",
        (Locale::Zh, ItemStatus::Rejected) => "❌ 已退回",
        (Locale::En, ItemStatus::Open) => "⬜ to submit",
        (Locale::En, ItemStatus::Submitted) => "🟡 to check",
        (Locale::En, ItemStatus::Accepted) => "✅ accepted",
        (Locale::En, ItemStatus::Rejected) => "❌ sent back",
    }
}

/// The checklist, one line per item with its status, evidence and reason.
pub fn checklist(items: &[Item], l: Locale) -> String {
    let (ev, why) = match l {
        Locale::Zh => ("证据", "退回原因"),
        Locale::En => ("evidence", "reason"),
    };
    let mut s = String::new();
    for i in items {
        if !s.is_empty() {
            s.push('\n');
        }
        s += &format!("{}. [{}] {}", i.n, status_name(i.status, l), i.text);
        if let Some(e) = &i.evidence {
            s += &format!("\n   {ev}: {e}");
        }
        if let (ItemStatus::Rejected, Some(r)) = (i.status, &i.reason) {
            s += &format!("\n   {why}: {r}");
        }
    }
    s
}

fn list(ns: &[u32]) -> String {
    ns.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")
}

fn zh(m: &CheckMsg) -> String {
    use CheckMsg::*;
    let l = Locale::Zh;
    match m {
        AskEvidence { job, item, total } => format!("交付需求 #{}，验收项 {}/{total}：{}\n请发送证据（一句说明或一个链接）：", job.id, item.n, item.text),
        NoSuchItem { job, n } => format!("需求 #{} 没有验收项 {n}。", job.id),
        AlreadyAccepted { job, n } => format!("需求 #{} 的验收项 {n} 已验收。", job.id),
        NotSubmitted { job, n } => format!("需求 #{} 的验收项 {n} 还没有提交证据，不能验收或退回。", job.id),
        Submitted { job, n, left } => format!("已提交需求 #{} 的验收项 {n}。还需提交：{}（/交付 {} <项> <证据>）", job.id, list(left), job.id),
        AllSubmitted(job) => format!("需求 #{} 的验收项已全部提交，等待客户逐项验收。", job.id),
        ToClient { job, who, items } => format!("📦 需求 #{}「{}」已由 {who} 提交验收：\n{}\n验收：/验收 {} all 或 /验收 {} <项>；退回：/退回 {} <项> <原因>", job.id, job.draft.title, checklist(items, l), job.id, job.id, job.id),
        ItemAccepted { job, n, left } if *left == 0 => format!("已验收需求 #{} 的验收项 {n}。", job.id),
        ItemAccepted { job, n, left } => format!("已验收需求 #{} 的验收项 {n}，还有 {left} 项未验收。", job.id),
        ItemAcceptedDev { job, n } => format!("客户已验收需求 #{} 的验收项 {n}。", job.id),
        ItemRejected { job, n } => format!("已退回需求 #{} 的验收项 {n}，开发者会重新提交。", job.id),
        ItemRejectedDev { job, item } => format!("❌ 客户退回了需求 #{} 的验收项 {}：{}\n原因：{}\n重新提交：/交付 {} {} <证据>", job.id, item.n, item.text, item.reason.as_deref().unwrap_or(""), job.id, item.n),
        NotParty => "只有需求的客户或被指派的开发者可以这样做。".into(),
        DisputeOpened(job) => format!("已就需求 #{} 申请运营介入，运营会联系双方。", job.id),
        DisputeOpen(job) => format!("需求 #{} 已有待处理的争议。", job.id),
        ToOperators { job, who, reason, items } => format!("⚖️ 需求 #{}「{}」有争议（{who}）：{reason}\n验收清单：\n{}\n裁决：/裁决 {} accepted|reopened <说明>", job.id, job.draft.title, checklist(items, l), job.id),
        ToOtherSide { job, reason } => format!("⚖️ 需求 #{} 已申请运营介入：{reason}", job.id),
        NoDispute(job) => format!("需求 #{} 没有待处理的争议。", job.id),
        Resolved { job, how: Resolution::Accepted, note } => format!("⚖️ 运营裁决：需求 #{} 视为验收通过。说明：{note}", job.id),
        Resolved { job, how: Resolution::Reopened, note } => format!("⚖️ 运营裁决：需求 #{} 退回开发者继续完成。说明：{note}", job.id),
        OnTime { accepted, on_time } => format!("按期验收：{on_time}/{accepted}（{}%）", on_time * 100 / (*accepted).max(1)),
        AcceptAllButton => "全部验收".into(),
    }
}

fn en(m: &CheckMsg) -> String {
    use CheckMsg::*;
    let l = Locale::En;
    match m {
        AskEvidence { job, item, total } => format!("Delivering job #{}, item {}/{total}: {}\nSend the evidence (a line of text or a link):", job.id, item.n, item.text),
        NoSuchItem { job, n } => format!("Job #{} has no acceptance item {n}.", job.id),
        AlreadyAccepted { job, n } => format!("Item {n} of job #{} is accepted already.", job.id),
        NotSubmitted { job, n } => format!("Item {n} of job #{} has no evidence yet: it cannot be accepted or sent back.", job.id),
        Submitted { job, n, left } => format!("Item {n} of job #{} submitted. Still to submit: {} (/deliver {} <item> <evidence>)", job.id, list(left), job.id),
        AllSubmitted(job) => format!("Every item of job #{} is submitted; the client checks them one by one.", job.id),
        ToClient { job, who, items } => format!("📦 Job #{} \"{}\" was delivered by {who}:\n{}\nAccept: /accept {} all or /accept {} <item>; send back: /reject-item {} <item> <reason>", job.id, job.draft.title, checklist(items, l), job.id, job.id, job.id),
        ItemAccepted { job, n, left } if *left == 0 => format!("Item {n} of job #{} accepted.", job.id),
        ItemAccepted { job, n, left } => format!("Item {n} of job #{} accepted; {left} still to accept.", job.id),
        ItemAcceptedDev { job, n } => format!("The client accepted item {n} of job #{}.", job.id),
        ItemRejected { job, n } => format!("Item {n} of job #{} sent back; the developer will submit it again.", job.id),
        ItemRejectedDev { job, item } => format!("❌ The client sent back item {} of job #{}: {}\nReason: {}\nSubmit again: /deliver {} {} <evidence>", item.n, job.id, item.text, item.reason.as_deref().unwrap_or(""), job.id, item.n),
        NotParty => "Only the job's client or its assigned developer may do that.".into(),
        DisputeOpened(job) => format!("Operators are asked to step in on job #{}; they will contact both sides.", job.id),
        DisputeOpen(job) => format!("Job #{} already has an open dispute.", job.id),
        ToOperators { job, who, reason, items } => format!("⚖️ Dispute on job #{} \"{}\" ({who}): {reason}\nChecklist:\n{}\nSettle: /resolve {} accepted|reopened <note>", job.id, job.draft.title, checklist(items, l), job.id),
        ToOtherSide { job, reason } => format!("⚖️ Operators were asked to step in on job #{}: {reason}", job.id),
        NoDispute(job) => format!("Job #{} has no open dispute.", job.id),
        Resolved { job, how: Resolution::Accepted, note } => format!("⚖️ Operators' decision: job #{} counts as accepted. Note: {note}", job.id),
        Resolved { job, how: Resolution::Reopened, note } => format!("⚖️ Operators' decision: job #{} goes back to the developer. Note: {note}", job.id),
        OnTime { accepted, on_time } => format!("Accepted on time: {on_time}/{accepted} ({}%)", on_time * 100 / (*accepted).max(1)),
        AcceptAllButton => "Accept all".into(),
    }
}
