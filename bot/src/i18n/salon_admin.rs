//! Texts of the organizer's side of a salon series: create, edit, cancel, close, open,
//! announce, roles, and `/mine`. Chinese (default) and English.

use super::salon_fields::{ask_en, ask_zh, error_en, error_zh, field_zh};
use super::{when, Locale, Msg};
use crate::ids::UserRef;
use crate::model::{RegStatus, Salon, SalonStatus, SeatCounts};
use crate::ports::GrantedRole;
use crate::salon_form::{FormError, SalonField};

pub enum SalonAdminMsg<'a> {
    Ask(SalonField),
    Invalid(&'a FormError),
    /// A dialogue answer refused: the reason, then the question again.
    InvalidAnswer(&'a FormError, SalonField),
    Intro,
    Created(&'a Salon),
    Edited {
        salon: &'a Salon,
        changes: &'a [String],
        notified: usize,
        offered: usize,
    },
    Unchanged(&'a Salon),
    CancelledDone {
        salon: &'a Salon,
        notified: usize,
    },
    AlreadyCancelled(&'a Salon),
    ClosedDone(&'a Salon),
    OpenedDone(&'a Salon),
    AlreadyClosed(&'a Salon),
    AlreadyOpen(&'a Salon),
    /// To a registrant: the time or place moved.
    ChangedNotice {
        salon: &'a Salon,
        changes: &'a [String],
    },
    /// To a registrant: the salon is cancelled, and why.
    CancelledNotice {
        salon: &'a Salon,
        reason: &'a str,
    },
    /// `/register` on a cancelled salon.
    RegisterCancelled(&'a Salon),
    /// `/register` while registration is closed.
    RegisterClosed(&'a Salon),
    Announcement {
        salon: &'a Salon,
        text: &'a str,
    },
    AnnounceQueued {
        salon: &'a Salon,
        count: usize,
    },
    AllHeader,
    AllLine {
        salon: &'a Salon,
        counts: &'a SeatCounts,
    },
    AllNone,
    /// A new salon, posted to a community channel.
    ChannelPost(&'a Salon),
    MineRegs,
    MineNone,
    MineReg {
        salon: &'a Salon,
        status: RegStatus,
        position: Option<u32>,
    },
    MineApplied,
    MinePosted,
    /// Granting `organizer` takes an organizer listed in config.
    GrantNeedsConfig,
    RoleFromConfig {
        role: GrantedRole,
        user: &'a UserRef,
    },
    RoleSet {
        role: GrantedRole,
        user: &'a UserRef,
        grant: bool,
        /// `false`: it already was so.
        changed: bool,
    },
}

impl SalonAdminMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

fn title(s: &Salon, l: Locale) -> String {
    format!("#{} {}", s.id, s.info.title.get(l))
}

pub fn status_name(s: SalonStatus, l: Locale) -> &'static str {
    match (l, s) {
        (Locale::Zh, SalonStatus::Open) => "报名中",
        (Locale::Zh, SalonStatus::Closed) => "已截止报名",
        (Locale::Zh, SalonStatus::Cancelled) => "已取消",
        (Locale::En, SalonStatus::Open) => "open",
        (Locale::En, SalonStatus::Closed) => "closed",
        (Locale::En, SalonStatus::Cancelled) => "cancelled",
    }
}

fn zh(m: &SalonAdminMsg) -> String {
    use SalonAdminMsg::*;
    let l = Locale::Zh;
    match m {
        Ask(f) => ask_zh(*f).into(),
        Invalid(e) => error_zh(e),
        InvalidAnswer(e, f) => format!("{}\n{}", error_zh(e), ask_zh(*f)),
        Intro => "创建新沙龙。随时发送 /取消 可退出。".into(),
        Created(s) => format!(
            "沙龙 #{} 已创建：{}\n时间：{}\n地点：{}\n名额：{}\n报名：/报名 {}",
            s.id,
            s.info.title.get(l),
            when(s, l),
            s.info.venue.get(l),
            s.info.capacity,
            s.id
        ),
        Edited {
            salon,
            changes,
            notified,
            offered,
        } => {
            let mut t = format!("{} 已修改：\n{}", title(salon, l), changes.join("\n"));
            if *notified > 0 {
                t += &format!("\n已通知 {notified} 位报名者（附更新的日历邀请）。");
            }
            if *offered > 0 {
                t += &format!("\n新增名额已按顺序提供给候补名单中的 {offered} 人。");
            }
            t
        }
        Unchanged(s) => format!("{} 没有任何变化。", title(s, l)),
        CancelledDone { salon, notified } => {
            format!("{} 已取消，已通知 {notified} 位报名者。", title(salon, l))
        }
        AlreadyCancelled(s) => format!("{} 已经取消了。", title(s, l)),
        ClosedDone(s) => format!("{} 已截止报名。重新开放：/开放报名 {}", title(s, l), s.id),
        OpenedDone(s) => format!("{} 已开放报名。", title(s, l)),
        AlreadyClosed(s) => format!("{} 已经截止报名。", title(s, l)),
        AlreadyOpen(s) => format!("{} 正在报名中。", title(s, l)),
        ChangedNotice { salon, changes } => format!(
            "您报名的 {} 有变更：\n{}\n附件是更新后的日历邀请。不能参加请发送 /取消 {}。",
            title(salon, l),
            changes.join("\n"),
            salon.id
        ),
        CancelledNotice { salon, reason } => format!(
            "很抱歉，{}（{}）已取消。原因：{reason}\n附件会从日历中移除该活动。",
            title(salon, l),
            when(salon, l)
        ),
        RegisterCancelled(s) => format!(
            "{} 已取消，不再接受报名。发送 /沙龙 查看其他活动。",
            title(s, l)
        ),
        RegisterClosed(s) => format!("{} 已截止报名。发送 /沙龙 查看其他活动。", title(s, l)),
        Announcement { salon, text } => format!("📢 {} 通知：\n{text}", title(salon, l)),
        AnnounceQueued { salon, count } => {
            format!("已向 {} 的 {count} 人发出通知。", title(salon, l))
        }
        AllHeader => "全部沙龙：".into(),
        AllLine { salon, counts } => format!(
            "{} — {} [{}] 已占 {}/{}，待审 {}，候补 {}",
            title(salon, l),
            when(salon, l),
            status_name(salon.status, l),
            counts.held,
            salon.info.capacity,
            counts.pending,
            counts.waitlisted
        ),
        AllNone => "还没有任何沙龙。创建：/新沙龙".into(),
        ChannelPost(s) => format!(
            "📣 新沙龙 {}\n时间：{}\n地点：{}\n名额：{} 人\n报名：/报名 {}",
            title(s, l),
            when(s, l),
            s.info.venue.get(l),
            s.info.capacity,
            s.id
        ),
        MineRegs => "我的报名：".into(),
        MineNone => "（暂无，发送 /沙龙 查看近期活动）".into(),
        MineReg {
            salon,
            status,
            position,
        } => {
            let mut t = format!(
                "{} — {} [{}]",
                title(salon, l),
                when(salon, l),
                reg_status(*status, l)
            );
            if let Some(p) = position {
                t += &format!("，候补第 {p} 位");
            }
            if salon.status == SalonStatus::Cancelled {
                t += "（活动已取消）";
            }
            t
        }
        MineApplied => "我申请的需求：".into(),
        MinePosted => "我发布的需求：".into(),
        GrantNeedsConfig => "只有配置文件 [roles] 里的组织者才能授予组织者角色。".into(),
        RoleFromConfig { role, user } => format!(
            "{user} 的{}角色来自配置文件 [roles]，不能在聊天中撤销。",
            role_zh(*role)
        ),
        RoleSet {
            role,
            user,
            grant,
            changed,
        } => match (grant, changed) {
            (true, true) => format!("已授予 {user} {}角色。", role_zh(*role)),
            (true, false) => format!("{user} 已经有{}角色。", role_zh(*role)),
            (false, true) => format!("已撤销 {user} 的{}角色。", role_zh(*role)),
            (false, false) => format!("{user} 没有在聊天中获授的{}角色。", role_zh(*role)),
        },
    }
}

fn en(m: &SalonAdminMsg) -> String {
    use SalonAdminMsg::*;
    let l = Locale::En;
    match m {
        Ask(f) => ask_en(*f).into(),
        Invalid(e) => error_en(e),
        InvalidAnswer(e, f) => format!("{}\n{}", error_en(e), ask_en(*f)),
        Intro => "Creating a new salon. Send /cancel at any time to stop.".into(),
        Created(s) => format!(
            "Salon #{} created: {}\nWhen: {}\nWhere: {}\nCapacity: {}\nRegister: /register {}",
            s.id, s.info.title.get(l), when(s, l), s.info.venue.get(l), s.info.capacity, s.id
        ),
        Edited { salon, changes, notified, offered } => {
            let mut t = format!("{} changed:\n{}", title(salon, l), changes.join("\n"));
            if *notified > 0 {
                t += &format!("\n{notified} registrants were told (with an updated calendar invite).");
            }
            if *offered > 0 {
                t += &format!("\nThe new seats were offered to {offered} people on the waitlist, in order.");
            }
            t
        }
        Unchanged(s) => format!("{}: nothing changed.", title(s, l)),
        CancelledDone { salon, notified } => format!("{} is cancelled; {notified} registrants were told.", title(salon, l)),
        AlreadyCancelled(s) => format!("{} is already cancelled.", title(s, l)),
        ClosedDone(s) => format!("{}: registration is closed. Reopen: /opensalon {}", title(s, l), s.id),
        OpenedDone(s) => format!("{}: registration is open.", title(s, l)),
        AlreadyClosed(s) => format!("{}: registration is already closed.", title(s, l)),
        AlreadyOpen(s) => format!("{}: registration is already open.", title(s, l)),
        ChangedNotice { salon, changes } => format!(
            "{} you registered for has changed:\n{}\nThe updated calendar invite is attached. Can't come? Send /cancel {}.",
            title(salon, l), changes.join("\n"), salon.id
        ),
        CancelledNotice { salon, reason } => format!(
            "Sorry, {} ({}) is cancelled. Reason: {reason}\nThe attachment removes it from your calendar.",
            title(salon, l), when(salon, l)
        ),
        RegisterCancelled(s) => format!("{} is cancelled; registration is closed. Send /salons for other events.", title(s, l)),
        RegisterClosed(s) => format!("Registration for {} is closed. Send /salons for other events.", title(s, l)),
        Announcement { salon, text } => format!("📢 {}:\n{text}", title(salon, l)),
        AnnounceQueued { salon, count } => format!("Announcement to {count} people of {} queued.", title(salon, l)),
        AllHeader => "All salons:".into(),
        AllLine { salon, counts } => format!(
            "{} — {} [{}] held {}/{}, pending {}, waitlist {}",
            title(salon, l), when(salon, l), status_name(salon.status, l),
            counts.held, salon.info.capacity, counts.pending, counts.waitlisted
        ),
        AllNone => "No salons yet. Create one: /newsalon".into(),
        ChannelPost(s) => format!(
            "📣 New salon {}\nWhen: {}\nWhere: {}\nSeats: {}\nRegister: /register {}",
            title(s, l), when(s, l), s.info.venue.get(l), s.info.capacity, s.id
        ),
        MineRegs => "My registrations:".into(),
        MineNone => "(none yet; send /salons for upcoming events)".into(),
        MineReg { salon, status, position } => {
            let mut t = format!("{} — {} [{}]", title(salon, l), when(salon, l), reg_status(*status, l));
            if let Some(p) = position {
                t += &format!(", waitlist position {p}");
            }
            if salon.status == SalonStatus::Cancelled {
                t += " (salon cancelled)";
            }
            t
        }
        MineApplied => "Jobs I applied to:".into(),
        MinePosted => "Jobs I posted:".into(),
        GrantNeedsConfig => "Only an organizer listed in the config's [roles] can grant the organizer role.".into(),
        RoleFromConfig { role, user } => format!("{user} has the {} role from the config's [roles]; it cannot be revoked in chat.", role.as_str()),
        RoleSet { role, user, grant, changed } => match (grant, changed) {
            (true, true) => format!("{user} is now {}.", role.as_str()),
            (true, false) => format!("{user} already is {}.", role.as_str()),
            (false, true) => format!("{user} is no longer {}.", role.as_str()),
            (false, false) => format!("{user} holds no {} role granted in chat.", role.as_str()),
        },
    }
}

/// A salon field's name as a form label: `开始时间` / `start`.
pub fn field_name(f: SalonField, l: Locale) -> String {
    match l {
        Locale::Zh => field_zh(f).to_string(),
        Locale::En => f.key().replace('_', " "),
    }
}

/// `开始时间：旧 → 新` / `start: old → new`, in the reader's language.
pub fn change_line(f: SalonField, old: &str, new: &str, l: Locale) -> String {
    // The start line shows start and end together.
    match (l, f) {
        (Locale::Zh, SalonField::Start) => format!("时间：{old} → {new}"),
        (Locale::En, SalonField::Start) => format!("when: {old} → {new}"),
        (Locale::Zh, _) => format!("{}：{old} → {new}", field_zh(f)),
        (Locale::En, _) => format!("{}: {old} → {new}", f.key().replace('_', " ")),
    }
}

/// A registration status, as `/mine` shows it.
pub fn reg_status(s: crate::model::RegStatus, l: Locale) -> String {
    Msg::StatusName(s).render(l)
}

fn role_zh(r: GrantedRole) -> &'static str {
    match r {
        GrantedRole::Organizer => "组织者",
        GrantedRole::Operator => "运营",
        GrantedRole::Client => "需求方",
    }
}
