//! Texts of personal tickets and check-in by ticket. Chinese (default) and English.

use super::{status_zh, Locale};
use crate::model::{RegStatus, Salon};
use chrono::{DateTime, Utc};

pub enum TicketMsg<'a> {
    /// The ticket itself (with its QR code attached where images can be shown).
    Ticket {
        salon: &'a Salon,
        code: &'a str,
    },
    /// One line added to the approval message.
    ApprovalLine {
        code: &'a str,
    },
    /// `/ticket` without an approved registration.
    NoTicket(&'a Salon),
    /// A member sent a ticket code to `/checkin`: organizers scan tickets.
    ShowAtDoor,
    /// To the organizer: checked in.
    Done {
        salon: &'a Salon,
        name: &'a str,
        phone: &'a str,
        status: RegStatus,
    },
    Unknown,
    Cancelled {
        salon: &'a Salon,
        name: &'a str,
    },
    NotApproved {
        salon: &'a Salon,
        name: &'a str,
        status: RegStatus,
    },
    /// The ticket is for `ticket`, while `here` is the salon checking in now.
    OtherSalon {
        ticket: &'a Salon,
        here: &'a Salon,
    },
    NotOpen {
        salon: &'a Salon,
        opens: DateTime<Utc>,
    },
    Over(&'a Salon),
    Already {
        salon: &'a Salon,
        name: &'a str,
        phone: &'a str,
        /// When and by whom, if recorded (check-ins before tickets were not).
        at: Option<DateTime<Utc>>,
        by: Option<&'a str>,
    },
}

fn title(s: &Salon, l: Locale) -> String {
    format!("#{} {}", s.id, s.info.title.get(l))
}

fn clock(s: &Salon, t: DateTime<Utc>) -> String {
    t.with_timezone(&s.info.timezone)
        .format("%H:%M")
        .to_string()
}

fn day_time(s: &Salon, t: DateTime<Utc>) -> String {
    t.with_timezone(&s.info.timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn status_en(s: RegStatus) -> &'static str {
    s.as_str()
}

impl TicketMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

fn zh(m: &TicketMsg) -> String {
    use TicketMsg::*;
    let l = Locale::Zh;
    match m {
        Ticket { salon, code } => format!("🎫 {} 的门票\n票码：{code}\n入场时请向组织者出示此二维码或票码。需要时可发送 /门票 {} 再次获取。", title(salon, l), salon.id),
        ApprovalLine { code } => format!("您的门票票码：{code}（二维码随后发送）"),
        NoTicket(s) => format!("您没有 {} 已通过的报名，因此没有门票。", title(s, l)),
        ShowAtDoor => "票码由现场组织者扫描签到：入场时请出示您的门票二维码。自助签到请发送现场展示的 6 位签到码。".into(),
        Done { salon, name, phone, status } => format!("✅ 已签到：{name}（{phone}），{}，报名状态：{}", title(salon, l), status_zh(*status)),
        Unknown => "❌ 票码无效：没有这张门票，请核对后重试。".into(),
        Cancelled { salon, name } => format!("❌ 这张门票已失效：{name} 已取消 {} 的报名。", title(salon, l)),
        NotApproved { salon, name, status } => format!("❌ 这张门票不能签到：{name} 在 {} 的报名状态为「{}」。", title(salon, l), status_zh(*status)),
        OtherSalon { ticket, here } => format!("❌ 这是 {} 的门票，不是正在签到的 {}。", title(ticket, l), title(here, l)),
        NotOpen { salon, opens } => format!("❌ {} 的签到从 {} 开始。", title(salon, l), day_time(salon, *opens)),
        Over(s) => format!("❌ {} 已结束，签到已关闭。", title(s, l)),
        Already { salon, name, phone, at, by } => {
            let mut s = format!("⚠️ {name}（{phone}）已签到过 {}", title(salon, l));
            if let Some(at) = at {
                s += &format!("，时间 {}", clock(salon, *at));
            }
            if let Some(by) = by {
                s += &format!("，由 {by} 操作");
            }
            s + "。"
        }
    }
}

fn en(m: &TicketMsg) -> String {
    use TicketMsg::*;
    let l = Locale::En;
    match m {
        Ticket { salon, code } => format!("🎫 Your ticket for {}\nCode: {code}\nShow this QR code or the code to an organizer at the door. Send /ticket {} to get it again.", title(salon, l), salon.id),
        ApprovalLine { code } => format!("Your ticket code: {code} (the QR code follows)"),
        NoTicket(s) => format!("You have no approved registration for {}, so no ticket.", title(s, l)),
        ShowAtDoor => "Tickets are scanned by an organizer at the door: show your ticket's QR code. To check in yourself, send the 6-digit code shown at the venue.".into(),
        Done { salon, name, phone, status } => format!("✅ Checked in: {name} ({phone}), {}, registration: {}", title(salon, l), status_en(*status)),
        Unknown => "❌ Unknown ticket code: no such ticket; please check it and try again.".into(),
        Cancelled { salon, name } => format!("❌ This ticket no longer works: {name} cancelled their registration for {}.", title(salon, l)),
        NotApproved { salon, name, status } => format!("❌ This ticket cannot check in: {name}'s registration for {} is {}.", title(salon, l), status_en(*status)),
        OtherSalon { ticket, here } => format!("❌ This ticket is for {}, not {} (checking in now).", title(ticket, l), title(here, l)),
        NotOpen { salon, opens } => format!("❌ Check-in for {} opens at {}.", title(salon, l), day_time(salon, *opens)),
        Over(s) => format!("❌ {} has ended; check-in is closed.", title(s, l)),
        Already { salon, name, phone, at, by } => {
            let mut s = format!("⚠️ {name} ({phone}) is already checked in to {}", title(salon, l));
            if let Some(at) = at {
                s += &format!(" at {}", clock(salon, *at));
            }
            if let Some(by) = by {
                s += &format!(" by {by}");
            }
            s + "."
        }
    }
}
