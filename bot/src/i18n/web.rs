//! The web console's texts: the `/dashboard` answer and the pages' labels.

use super::Locale;

pub enum WebMsg<'a> {
    /// The one-time sign-in link.
    DashboardLink { url: &'a str, minutes: i64 },
}

impl WebMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match (self, l) {
            (WebMsg::DashboardLink { url, minutes }, Locale::Zh) => format!(
                "网页后台登录链接（{minutes} 分钟内有效，只能使用一次，请勿转发）：\n{url}"
            ),
            (WebMsg::DashboardLink { url, minutes }, Locale::En) => format!(
                "Your sign-in link to the web console (valid {minutes} minutes, once; do not forward it):\n{url}"
            ),
        }
    }
}

/// A label on a console page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebText {
    ConsoleTitle,
    NavOverview,
    NavJobs,
    Logout,
    Upcoming,
    Recent,
    Salon,
    When,
    Held,
    Pending,
    Waitlist,
    JobsToModerate,
    FailedDeliveries,
    Nothing,
    GuestList,
    Name,
    Phone,
    Position,
    Years,
    Status,
    Platform,
    RegisteredAt,
    NoShows,
    Actions,
    All,
    SearchName,
    Filter,
    Approve,
    Reject,
    CheckIn,
    Reason,
    Selected,
    ExportCsv,
    ExportXlsx,
    DoorMode,
    RegistrationsOverTime,
    LinkInvalid,
    AskAgain,
    NotAllowed,
    SignedOut,
    SignInAgain,
    ReasonRequired,
    NothingSelected,
    NewSalon,
    EditSalon,
    Save,
    NewSalonHint,
    EditSalonHint,
    AlreadyDone,
    NoMatch,
    DoorHint,
    Find,
    OpenJobs,
    Applicants,
    Title,
    Budget,
    Deadline,
    Client,
    Publish,
    Decline,
    DeclineReason,
    Back,
    Results,
    FormExpired,
    NotFound,
    ViaWeb,
    ExportJobs,
    Select,
    SignIn,
}

impl WebText {
    pub fn render(self, l: Locale) -> &'static str {
        let (zh, en) = pair(self);
        match l {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }
}

fn pair(t: WebText) -> (&'static str, &'static str) {
    use WebText::*;
    match t {
        ConsoleTitle => ("云栖后台", "Yunqi console"),
        NavOverview => ("概览", "Overview"),
        NavJobs => ("需求", "Jobs"),
        Logout => ("退出登录", "Sign out"),
        Upcoming => ("即将举行的沙龙", "Upcoming salons"),
        Recent => ("最近结束的沙龙", "Recent salons"),
        Salon => ("沙龙", "Salon"),
        When => ("时间", "When"),
        Held => ("已占/名额", "Held/capacity"),
        Pending => ("待审核", "Pending"),
        Waitlist => ("候补", "Waitlist"),
        JobsToModerate => ("待审核的需求", "Jobs waiting for moderation"),
        FailedDeliveries => ("投递失败的消息", "Failed deliveries"),
        Nothing => ("暂无", "None"),
        GuestList => ("报名名单", "Guest list"),
        Name => ("姓名", "Name"),
        Phone => ("手机", "Phone"),
        Position => ("职位", "Position"),
        Years => ("年限", "Years"),
        Status => ("状态", "Status"),
        Platform => ("平台", "Platform"),
        RegisteredAt => ("报名时间", "Registered at"),
        NoShows => ("爽约记录", "Previous no-shows"),
        Actions => ("操作", "Actions"),
        All => ("全部", "All"),
        SearchName => ("按姓名搜索", "Search by name"),
        Filter => ("筛选", "Filter"),
        Approve => ("批准", "Approve"),
        Reject => ("拒绝", "Reject"),
        CheckIn => ("签到", "Check in"),
        Reason => ("拒绝原因", "Reason for rejecting"),
        Selected => ("对勾选的人：", "Selected rows:"),
        ExportCsv => ("导出 CSV", "Export CSV"),
        ExportXlsx => ("导出 Excel", "Export Excel"),
        DoorMode => ("门口签到", "Door check-in"),
        RegistrationsOverTime => ("报名趋势（每日）", "Registrations over time (per day)"),
        LinkInvalid => (
            "登录链接无效、已使用或已过期",
            "This sign-in link is unknown, used or expired",
        ),
        AskAgain => (
            "请在聊天中向机器人发送 /后台 获取新的链接（10 分钟内有效，只能使用一次）。",
            "Ask the bot again: send /dashboard in chat for a new link (valid 10 minutes, once).",
        ),
        NotAllowed => (
            "你没有后台权限（仅组织者和审核员可用）。",
            "You have no access to the console (organizers and operators only).",
        ),
        SignedOut => ("已退出登录。", "You are signed out."),
        SignInAgain => (
            "请先登录：在聊天中向机器人发送 /后台。",
            "Please sign in: send /dashboard to the bot in chat.",
        ),
        ReasonRequired => ("拒绝或驳回需要填写原因。", "Rejecting or declining needs a reason."),
        NothingSelected => ("没有勾选任何人。", "Nobody was selected."),
        NewSalon => ("新建沙龙", "New salon"),
        EditSalon => ("修改沙龙", "Edit salon"),
        Save => ("保存", "Save"),
        NewSalonHint => (
            "时间写成 2026-12-19 14:00（结束时间可只写 17:00），审核填 manual 或 auto，议程每行一项；与聊天中的 /新沙龙 相同的检查。",
            "Times as 2026-12-19 14:00 (the end may be just 17:00), approval manual or auto, one agenda item per line; checked exactly as /newsalon in chat.",
        ),
        EditSalonHint => (
            "只填写要修改的字段，留空的保持不变；时间或地点的变更会通知所有报名者。",
            "Fill in only what changes; empty fields stay as they are. A new time or place is sent to everyone registered.",
        ),
        AlreadyDone => ("这个操作已经处理过了。", "This action was already done."),
        NoMatch => ("没有找到匹配的人。", "Nobody matches."),
        DoorHint => ("输入姓名", "Type a name"),
        Find => ("查找", "Find"),
        OpenJobs => ("进行中的需求", "Open jobs"),
        Applicants => ("申请人数", "Applicants"),
        Title => ("标题", "Title"),
        Budget => ("预算", "Budget"),
        Deadline => ("截止", "Deadline"),
        Client => ("发布人", "Client"),
        Publish => ("上线", "Publish"),
        Decline => ("驳回", "Decline"),
        DeclineReason => ("驳回原因", "Reason for declining"),
        Back => ("返回", "Back"),
        Results => ("处理结果", "Result"),
        FormExpired => (
            "表单已过期或来源无效，请刷新页面后重试。",
            "This form has expired or did not come from the console; reload the page and try again.",
        ),
        NotFound => ("没有这个页面。", "No such page."),
        ViaWeb => ("（网页后台）", "(via web)"),
        ExportJobs => ("导出需求 CSV", "Export jobs CSV"),
        Select => ("选择", "Select"),
        SignIn => ("登录后台", "Sign in"),
    }
}
