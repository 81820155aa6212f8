//! Every user-facing text, in Chinese (default) and English. Exhaustive matches make a
//! text missing in one language a compile error.

use crate::command::{Name, Roles};
use crate::dialogue::Field;
use crate::ids::UserRef;
use crate::model::{Member, RegStatus, Salon};
use crate::validate::Invalid;
use chrono::{DateTime, Datelike, Utc};

/// Storage names the language through here; the type lives with the other ids.
pub use crate::ids::Locale;

pub enum Msg<'a> {
    /// Every command the asker may run.
    Help(Roles),
    Whoami {
        /// The asker's id, as `[roles]` wants it.
        you: &'a UserRef,
        accounts: &'a [UserRef],
        roles: Roles,
    },
    Unknown(&'a str),
    Usage(Name),
    Chatter,
    LangSet,
    OrganizerOnly,
    OperatorOnly,
    InternalError,
    SalonsNone,
    SalonLine {
        salon: &'a Salon,
        seats_left: u32,
    },
    SalonsHeader,
    SalonDetail {
        salon: &'a Salon,
        seats_left: u32,
    },
    SalonNotFound(i64),
    SalonClosed(&'a Salon),
    RegisterIntro(&'a Salon),
    Ask(Field),
    InvalidAnswer {
        field: Field,
        why: Invalid,
    },
    DialogueCancelled,
    NoDialogue,
    AlreadyRegistered {
        salon: &'a Salon,
        status: RegStatus,
    },
    Ineligible {
        salon: &'a Salon,
        min: u32,
        years: u32,
    },
    Pending(&'a Salon),
    Waitlisted {
        salon: &'a Salon,
        position: u32,
    },
    Approved {
        salon: &'a Salon,
    },
    GroupLink(&'a str),
    Rejected {
        salon: &'a Salon,
        reason: &'a str,
    },
    Offered {
        salon: &'a Salon,
        until: DateTime<Utc>,
    },
    OfferExpired(&'a Salon),
    NoOffer(&'a Salon),
    CancelledOk(&'a Salon),
    NothingToCancel(&'a Salon),
    Reminder {
        salon: &'a Salon,
        hours: i64,
    },
    CheckedIn(&'a Salon),
    CheckinBadCode,
    CheckinNotApproved(&'a Salon),
    /// The shared code works from an hour before the start to the end.
    CheckinNotOpen {
        salon: &'a Salon,
        opens: DateTime<Utc>,
    },
    CheckinOver(&'a Salon),
    CheckinCode {
        salon: &'a Salon,
        code: &'a str,
    },
    Profile(&'a Member),
    ProfileUpdated,
    LinkCode {
        code: &'a str,
        minutes: i64,
    },
    Linked,
    LinkBadCode,
    LinkSame,
    /// Too many wrong codes or tokens: refused, even a right one, until the window ends.
    LinkTryLater {
        minutes: i64,
    },
    /// The link would hand over a role: it waits for the role holder's confirmation.
    LinkAwaiting {
        minutes: i64,
    },
    /// To the role holder's accounts: who would join, and the command that confirms.
    LinkConfirmAsk {
        other: &'a UserRef,
        command: &'a str,
        minutes: i64,
    },
    NewPending {
        salon: &'a Salon,
        who: &'a str,
        member: &'a Member,
        no_shows: u32,
        status: RegStatus,
    },
    PendingHeader {
        salon: &'a Salon,
        count: usize,
    },
    PendingNone(&'a Salon),
    ApproveResult {
        approved: usize,
        waitlisted: usize,
        full: bool,
    },
    ApproveFull(&'a str),
    UserUnknown(&'a str),
    NotApprovable {
        who: &'a str,
        status: RegStatus,
    },
    RejectAskReason(&'a str),
    RejectDone(&'a str),
    CheckInUserDone(&'a str),
    AttendeesHeader {
        salon: &'a Salon,
        held: u32,
    },
    Approve,
    ApproveAll,
    Reject,
    /// The button that claims an offered seat.
    ConfirmSeat,
    StatusName(RegStatus),
}

impl Msg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

/// `2026年12月5日 周六 14:00–17:00`
pub fn when(salon: &Salon, l: Locale) -> String {
    let tz = salon.info.timezone;
    let s = salon.info.starts_at.with_timezone(&tz);
    let e = salon.info.ends_at.with_timezone(&tz);
    match l {
        Locale::Zh => {
            let wd = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
                [s.weekday().num_days_from_monday() as usize];
            format!(
                "{}年{}月{}日 {wd} {}–{}",
                s.year(),
                s.month(),
                s.day(),
                s.format("%H:%M"),
                e.format("%H:%M")
            )
        }
        Locale::En => format!(
            "{} {}–{} ({})",
            s.format("%a %-d %b %Y,"),
            s.format("%H:%M"),
            e.format("%H:%M"),
            tz.name()
        ),
    }
}

fn local_time(salon: &Salon, t: DateTime<Utc>) -> String {
    t.with_timezone(&salon.info.timezone)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn title(s: &Salon, l: Locale) -> String {
    format!("#{} {}", s.id, s.info.title.get(l))
}

fn detail(s: &Salon, seats_left: u32, l: Locale) -> String {
    let mut out = format!("{}\n", title(s, l));
    match l {
        Locale::Zh => {
            out += &format!("时间：{}\n地点：{}\n", when(s, l), s.info.venue.get(l));
            out += &format!(
                "名额：{} 人，剩余 {}；要求至少 {} 年工作经验\n",
                s.info.capacity, seats_left, s.info.min_years
            );
            out += &format!("议程：\n{}\n报名：/报名 {}", s.info.agenda.get(l), s.id);
        }
        Locale::En => {
            out += &format!("When: {}\nWhere: {}\n", when(s, l), s.info.venue.get(l));
            out += &format!(
                "Seats: {} ({} left); at least {} years of experience\n",
                s.info.capacity, seats_left, s.info.min_years
            );
            out += &format!(
                "Agenda:\n{}\nRegister: /register {}",
                s.info.agenda.get(l),
                s.id
            );
        }
    }
    out
}

fn profile(m: &Member, l: Locale) -> String {
    let dash = "—".to_string();
    let name = m
        .name
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or(dash.clone());
    let phone = m.phone.as_ref().map(|p| p.masked()).unwrap_or(dash.clone());
    let pos = m
        .position
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or(dash.clone());
    let years = m.years.map(|y| y.to_string()).unwrap_or(dash.clone());
    let skills = if m.skills.is_empty() {
        dash
    } else {
        m.skills
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match l {
        Locale::Zh => format!("姓名：{name}\n手机：{phone}\n职位：{pos}\n工作年限：{years}\n技能：{skills}"),
        Locale::En => format!("Name: {name}\nPhone: {phone}\nPosition: {pos}\nYears of experience: {years}\nSkills: {skills}"),
    }
}

fn zh(m: &Msg) -> String {
    use Msg::*;
    let l = Locale::Zh;
    match m {
        Help(roles) => commands::help(*roles, l),
        Whoami { you, accounts, roles } => format!(
            "你的账号：{you}（配置 [roles] 里写这个）\n关联的账号：{}\n角色：{}",
            join(accounts, "、"),
            match (roles.organizer, roles.operator) {
                (true, _) => "组织者（兼运营）",
                (false, true) => "运营",
                (false, false) => "普通成员",
            }
        ),
        Unknown(w) => format!("没有 /{w} 这个命令。发送 /帮助 查看全部命令。"),
        Usage(n) => format!("用法：{}", usage(*n, l)),
        Chatter => "我没有听懂。发送 /帮助 查看命令，或 /沙龙 查看近期活动。".into(),
        LangSet => "已切换为中文。".into(),
        OrganizerOnly => "这个命令只有组织者可以使用。".into(),
        OperatorOnly => "这个命令只有运营可以使用。".into(),
        InternalError => "抱歉，出了点问题，请稍后再试。".into(),
        SalonsNone => "目前没有即将举行的沙龙。".into(),
        SalonsHeader => "近期沙龙：".into(),
        SalonLine { salon, seats_left } => format!("{} — {}，剩余名额 {}（/详情 {}）", title(salon, l), when(salon, l), seats_left, salon.id),
        SalonDetail { salon, seats_left } => detail(salon, *seats_left, l),
        SalonNotFound(id) => format!("没有编号为 {id} 的沙龙。发送 /沙龙 查看近期活动。"),
        SalonClosed(s) => format!("{} 已经开始或结束，不再接受报名。", title(s, l)),
        RegisterIntro(s) => format!("报名 {}。随时发送 /取消 可退出。", title(s, l)),
        Ask(f) => match f {
            Field::Name => "请输入您的姓名：",
            Field::Phone => "请输入您的手机号（中国大陆手机号，或 +国家码 的国际号码）：",
            Field::Position => "请输入您的职位（例如：后端工程师）：",
            Field::Years => "请输入您的工作年限（整数，例如 5 或 5年）：",
        }
        .into(),
        InvalidAnswer { field, why } => format!("{}\n{}", invalid(*why, l), zh(&Ask(*field))),
        DialogueCancelled => "已退出，未做任何更改。".into(),
        NoDialogue => "当前没有进行中的对话。取消报名请用 /取消 <沙龙编号>。".into(),
        AlreadyRegistered { salon, status } => format!("您已报名 {}，当前状态：{}。", title(salon, l), status_zh(*status)),
        Ineligible { salon, min, years } => format!(
            "抱歉，{} 要求至少 {min} 年工作经验，您填写的是 {years} 年，暂不符合条件。感谢关注，欢迎参加以后的活动！",
            title(salon, l)
        ),
        Pending(s) => format!("已收到您对 {} 的报名，正在等待组织者审核，结果会通知您。", title(s, l)),
        Waitlisted { salon, position } => format!("{} 名额已满，您已进入候补名单，当前排第 {position} 位。有空位时会通知您。", title(salon, l)),
        Approved { salon } => format!(
            "🎉 您报名的 {} 已通过！\n时间：{}\n地点：{}\n议程：\n{}\n附件是日历邀请。不能参加请发送 /取消 {}。",
            title(salon, l), when(salon, l), salon.info.venue.get(l), salon.info.agenda.get(l), salon.id
        ),
        GroupLink(link) => format!("加入活动群：{link}"),
        Rejected { salon, reason } => format!("抱歉，您对 {} 的报名未通过。原因：{reason}", title(salon, l)),
        Offered { salon, until } => format!(
            "{} 有空位了！请在 {} 前发送 /确认 {} 领取名额，逾期将顺延给下一位。",
            title(salon, l), local_time(salon, *until), salon.id
        ),
        OfferExpired(s) => format!("{} 的候补名额已过领取时间，已顺延给下一位。", title(s, l)),
        NoOffer(s) => format!("您在 {} 没有待领取的名额。", title(s, l)),
        CancelledOk(s) => format!("已取消您对 {} 的报名。", title(s, l)),
        NothingToCancel(s) => format!("您没有 {} 的有效报名。", title(s, l)),
        Reminder { salon, hours } => format!(
            "提醒：{} 将在约 {hours} 小时后开始。\n时间：{}\n地点：{}",
            title(salon, l), when(salon, l), salon.info.venue.get(l)
        ),
        CheckedIn(s) => format!("签到成功，欢迎来到 {}！", title(s, l)),
        CheckinBadCode => "签到码不正确，请核对现场展示的签到码。".into(),
        CheckinNotApproved(s) => format!("您没有 {} 已通过的报名，无法签到。请联系现场组织者。", title(s, l)),
        CheckinNotOpen { salon, opens } => format!("{} 的签到从 {} 开始（活动开始前 1 小时）。", title(salon, l), local_time(salon, *opens)),
        CheckinOver(s) => format!("{} 已结束，签到已关闭。如有疑问请联系组织者。", title(s, l)),
        CheckinCode { salon, code } => format!("{} 的签到码：{code}\n请参会者发送 /签到 {code}", title(salon, l)),
        Profile(member) => format!("我的资料：\n{}\n修改：/资料 姓名=… 手机=… 职位=… 年限=… 技能=rust,go", profile(member, l)),
        ProfileUpdated => "资料已更新。".into(),
        LinkCode { code, minutes } => format!("您的绑定码：{code}（{minutes} 分钟内有效）。请在另一个平台上向我发送 /绑定 {code}"),
        Linked => "账号已关联，资料和报名记录现在共享。".into(),
        LinkBadCode => "绑定码无效或已过期。请重新发送 /绑定 获取新码。".into(),
        LinkSame => "这两个账号已经是同一个人了。".into(),
        LinkTryLater { minutes } => format!("输入错误次数过多，请稍后再试（约 {minutes} 分钟后）。"),
        LinkAwaiting { minutes } => format!("这次关联会让一方获得组织者或运营者角色，需由拥有该角色的账号在 {minutes} 分钟内确认后才会生效。已发出确认请求，请等待。"),
        LinkConfirmAsk { other, command, minutes } => format!("有人请求把 {other} 关联到您的账号：关联后它将共享您的资料、报名和角色（组织者/运营者）。如果是您本人操作，请在 {minutes} 分钟内发送：{command}\n如果不是您，请忽略本消息，也不要转发给任何人。"),
        NewPending { salon, who, member, no_shows, status } => {
            let mut s = format!("{} 有新报名（{}）：\n{}\n用户：{who}", title(salon, l), status_zh(*status), organizer_profile(member, l));
            if *no_shows > 0 {
                s += &format!("\n⚠️ 以往爽约 {no_shows} 次");
            }
            s
        }
        PendingHeader { salon, count } => format!("{} 待审核 {count} 人：", title(salon, l)),
        PendingNone(s) => format!("{} 没有待审核的报名。", title(s, l)),
        ApproveResult { approved, waitlisted, full } => {
            let mut s = format!("已批准 {approved} 人。");
            if *waitlisted > 0 {
                s += &format!("名额已满，{waitlisted} 人转入候补名单。");
            } else if *full {
                s += "名额已满。";
            }
            s
        }
        ApproveFull(who) => format!("名额已满，无法批准 {who}。"),
        UserUnknown(who) => format!("找不到用户 {who} 在该沙龙的报名。"),
        NotApprovable { who, status } => format!("{who} 的报名状态是「{}」，无需处理。", status_zh(*status)),
        RejectAskReason(who) => format!("请输入拒绝 {who} 的原因（会告知对方）："),
        RejectDone(who) => format!("已拒绝 {who}，并已通知对方。"),
        CheckInUserDone(who) => format!("已为 {who} 签到。"),
        AttendeesHeader { salon, held } => format!("{} 名单（已占 {held}/{} 个名额）：", title(salon, l), salon.info.capacity),
        Approve => "批准".into(),
        ApproveAll => "全部批准".into(),
        Reject => "拒绝".into(),
        ConfirmSeat => "确认参加".into(),
        StatusName(s) => status_zh(*s).into(),
    }
}

fn en(m: &Msg) -> String {
    use Msg::*;
    let l = Locale::En;
    match m {
        Help(roles) => commands::help(*roles, l),
        Whoami { you, accounts, roles } => format!(
            "Your id: {you} (the form [roles] in the config takes)\nLinked accounts: {}\nRoles: {}",
            join(accounts, ", "),
            match (roles.organizer, roles.operator) {
                (true, _) => "organizer (operator too)",
                (false, true) => "operator",
                (false, false) => "member",
            }
        ),
        Unknown(w) => format!("There is no /{w} command. Send /help for the list."),
        Usage(n) => format!("Usage: {}", usage(*n, l)),
        Chatter => "Sorry, I did not understand. Send /help for commands or /salons for upcoming events.".into(),
        LangSet => "Language set to English.".into(),
        OrganizerOnly => "Only organizers can use this command.".into(),
        OperatorOnly => "Only operators can use this command.".into(),
        InternalError => "Sorry, something went wrong. Please try again later.".into(),
        SalonsNone => "There are no upcoming salons.".into(),
        SalonsHeader => "Upcoming salons:".into(),
        SalonLine { salon, seats_left } => format!("{} — {}, {} seats left (/salon {})", title(salon, l), when(salon, l), seats_left, salon.id),
        SalonDetail { salon, seats_left } => detail(salon, *seats_left, l),
        SalonNotFound(id) => format!("There is no salon {id}. Send /salons to see upcoming ones."),
        SalonClosed(s) => format!("{} has started or ended; registration is closed.", title(s, l)),
        RegisterIntro(s) => format!("Registering for {}. Send /cancel at any time to stop.", title(s, l)),
        Ask(f) => match f {
            Field::Name => "What is your name?",
            Field::Phone => "Your mobile number (a Chinese mobile number, or international with +country code)?",
            Field::Position => "Your position (for example: backend engineer)?",
            Field::Years => "Years of professional experience (a whole number, e.g. 5)?",
        }
        .into(),
        InvalidAnswer { field, why } => format!("{}\n{}", invalid(*why, l), en(&Ask(*field))),
        DialogueCancelled => "Stopped; nothing was changed.".into(),
        NoDialogue => "Nothing to stop. To cancel a registration send /cancel <salon id>.".into(),
        AlreadyRegistered { salon, status } => format!("You are already registered for {} (status: {}).", title(salon, l), status.as_str()),
        Ineligible { salon, min, years } => format!(
            "Sorry, {} asks for at least {min} years of experience and you gave {years}, so you are not eligible this time. Thank you for your interest; we hope to see you at a later event!",
            title(salon, l)
        ),
        Pending(s) => format!("Thanks, your registration for {} is waiting for an organizer's approval. We will let you know.", title(s, l)),
        Waitlisted { salon, position } => format!("{} is full. You are on the waitlist at position {position}; we will tell you when a seat frees up.", title(salon, l)),
        Approved { salon } => format!(
            "🎉 You are in: {}!\nWhen: {}\nWhere: {}\nAgenda:\n{}\nThe calendar invite is attached. Can't come? Send /cancel {}.",
            title(salon, l), when(salon, l), salon.info.venue.get(l), salon.info.agenda.get(l), salon.id
        ),
        GroupLink(link) => format!("Join the event group: {link}"),
        Rejected { salon, reason } => format!("Sorry, your registration for {} was declined. Reason: {reason}", title(salon, l)),
        Offered { salon, until } => format!(
            "A seat at {} is free! Send /confirm {} before {} to take it; after that it goes to the next person.",
            title(salon, l), salon.id, local_time(salon, *until)
        ),
        OfferExpired(s) => format!("The offered seat at {} was not claimed in time and went to the next person.", title(s, l)),
        NoOffer(s) => format!("You have no seat waiting to be claimed at {}.", title(s, l)),
        CancelledOk(s) => format!("Your registration for {} is cancelled.", title(s, l)),
        NothingToCancel(s) => format!("You have no active registration for {}.", title(s, l)),
        Reminder { salon, hours } => format!(
            "Reminder: {} starts in about {hours} h.\nWhen: {}\nWhere: {}",
            title(salon, l), when(salon, l), salon.info.venue.get(l)
        ),
        CheckedIn(s) => format!("Checked in. Welcome to {}!", title(s, l)),
        CheckinBadCode => "That check-in code is not right; please check the code shown at the venue.".into(),
        CheckinNotApproved(s) => format!("You have no approved registration for {}; please talk to an organizer at the venue.", title(s, l)),
        CheckinNotOpen { salon, opens } => format!("Check-in for {} opens at {} (an hour before the start).", title(salon, l), local_time(salon, *opens)),
        CheckinOver(s) => format!("{} has ended and check-in is closed; please talk to an organizer.", title(s, l)),
        CheckinCode { salon, code } => format!("Check-in code for {}: {code}\nAttendees send /checkin {code}", title(salon, l)),
        Profile(member) => format!("Your profile:\n{}\nChange it: /profile name=… phone=… position=… years=… skills=rust,go", profile(member, l)),
        ProfileUpdated => "Profile updated.".into(),
        LinkCode { code, minutes } => format!("Your link code: {code} (valid {minutes} minutes). On the other platform send me /link {code}"),
        Linked => "Accounts linked: profile and registrations are now shared.".into(),
        LinkBadCode => "That link code is invalid or expired. Send /link for a new one.".into(),
        LinkSame => "These accounts are already the same person.".into(),
        LinkTryLater { minutes } => format!("Too many wrong codes: please try again later (in about {minutes} minutes)."),
        LinkAwaiting { minutes } => format!("This link would give one side an organizer or operator role: it takes effect only once the role holder's account confirms, within {minutes} minutes. A confirmation request was sent; please wait."),
        LinkConfirmAsk { other, command, minutes } => format!("Someone asked to link {other} to your account: it would share your profile, registrations and roles (organizer/operator). If this is you, send within {minutes} minutes: {command}\nIf not, ignore this message and forward it to no one."),
        NewPending { salon, who, member, no_shows, status } => {
            let mut s = format!("New registration for {} ({}):\n{}\nUser: {who}", title(salon, l), status.as_str(), organizer_profile(member, l));
            if *no_shows > 0 {
                s += &format!("\n⚠️ no-shows before: {no_shows}");
            }
            s
        }
        PendingHeader { salon, count } => format!("{}: {count} pending:", title(salon, l)),
        PendingNone(s) => format!("{} has no pending registrations.", title(s, l)),
        ApproveResult { approved, waitlisted, full } => {
            let mut s = format!("Approved {approved}.");
            if *waitlisted > 0 {
                s += &format!(" The salon is full; {waitlisted} moved to the waitlist.");
            } else if *full {
                s += " The salon is full.";
            }
            s
        }
        ApproveFull(who) => format!("The salon is full; {who} cannot be approved."),
        UserUnknown(who) => format!("No registration of {who} for this salon."),
        NotApprovable { who, status } => format!("{who} is {}; nothing to do.", status.as_str()),
        RejectAskReason(who) => format!("Why is {who} declined? (They will be told.)"),
        RejectDone(who) => format!("Declined {who}; they have been told."),
        CheckInUserDone(who) => format!("Checked in {who}."),
        AttendeesHeader { salon, held } => format!("{} attendees ({held}/{} seats taken):", title(salon, l), salon.info.capacity),
        Approve => "Approve".into(),
        ApproveAll => "Approve all".into(),
        Reject => "Reject".into(),
        ConfirmSeat => "Confirm".into(),
        StatusName(s) => s.as_str().into(),
    }
}

/// The profile with the phone unmasked: only ever sent to organizers.
pub fn organizer_profile(m: &Member, l: Locale) -> String {
    let name = m.name.as_ref().map(|n| n.as_str()).unwrap_or("—");
    let phone = m.phone.as_ref().map(|p| p.as_str()).unwrap_or("—");
    let pos = m.position.as_ref().map(|p| p.as_str()).unwrap_or("—");
    let years = m.years.map(|y| y.get()).unwrap_or(0);
    match l {
        Locale::Zh => format!("{name}，{phone}，{pos}，{years} 年"),
        Locale::En => format!("{name}, {phone}, {pos}, {years} years"),
    }
}

fn status_zh(s: RegStatus) -> &'static str {
    match s {
        RegStatus::Pending => "待审核",
        RegStatus::Approved => "已通过",
        RegStatus::Waitlisted => "候补",
        RegStatus::Offered => "待领取名额",
        RegStatus::Rejected => "未通过",
        RegStatus::Cancelled => "已取消",
        RegStatus::CheckedIn => "已签到",
        RegStatus::NoShow => "爽约",
    }
}

fn invalid(why: Invalid, l: Locale) -> String {
    match (l, why) {
        (Locale::Zh, Invalid::Empty) => "这一项不能为空。".into(),
        (Locale::Zh, Invalid::TooLong { max }) => format!("太长了，最多 {max} 个字。"),
        (l, Invalid::ControlChars) => InputMsg::ControlChars.render(l),
        (Locale::Zh, Invalid::PhoneFormat) => "这不像是手机号：请输入 11 位中国大陆手机号（如 13800000000），或带 + 和国家码的国际号码（如 +4915112345678）。".into(),
        (Locale::Zh, Invalid::YearsNotWhole) => "请输入整数年限，例如 5、5年 或 5 years。".into(),
        (Locale::Zh, Invalid::YearsRange { max }) => format!("年限应在 0 到 {max} 之间。"),
        (Locale::En, Invalid::Empty) => "This cannot be empty.".into(),
        (Locale::En, Invalid::TooLong { max }) => format!("That is too long: at most {max} characters."),
        (Locale::En, Invalid::PhoneFormat) => "That does not look like a mobile number: give an 11-digit Chinese mobile number (e.g. 13800000000) or an international one with + and country code (e.g. +4915112345678).".into(),
        (Locale::En, Invalid::YearsNotWhole) => "Please give a whole number of years, e.g. 5, 5年 or 5 years.".into(),
        (Locale::En, Invalid::YearsRange { max }) => format!("Years must be between 0 and {max}."),
    }
}

fn join(accounts: &[UserRef], sep: &str) -> String {
    let v: Vec<String> = accounts.iter().map(ToString::to_string).collect();
    v.join(sep)
}

mod checklist;
mod commands;
mod feedback;
pub use feedback::FeedbackMsg;
// Refused input (control characters, unreadable lines).
mod input;
pub use input::InputMsg;
mod jobs;
mod ops;
mod platform;
pub mod spec;
mod threads;
pub use checklist::{checklist as checklist_text, CheckMsg};
mod salon_admin;
mod salon_fields;
mod stats;
pub use stats::StatsMsg;
mod web;
pub use commands::{help_line, help_parts, usage};
pub use jobs::{status_name as job_status_name, JobButton, JobMsg};
pub use ops::OpsMsg;
pub use platform::PlatformMsg;
pub use salon_admin::{
    change_line, field_name as salon_field_name, status_name as salon_status_name, SalonAdminMsg,
};
pub use threads::{ThreadMsg, MASK};
mod tickets;
pub use tickets::TicketMsg;
pub use web::{WebMsg, WebText};
