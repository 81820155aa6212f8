//! Per command: the arguments in its usage line and its one-line help, in both languages.
//! `/help` is built from these and the command table.

use super::Locale;
use crate::command::{Name, Roles};

/// (arguments zh, arguments en, help zh, help en)
fn texts(n: Name) -> (&'static str, &'static str, &'static str, &'static str) {
    const SALON: (&str, &str) = (" <沙龙编号>", " <salon id>");
    const JOB: (&str, &str) = (" <需求编号>", " <job id>");
    match n {
        Name::Help => ("", "", "查看命令", "this list"),
        Name::Lang => (" zh|en", " zh|en", "切换语言", "language"),
        Name::Salons => ("", "", "近期沙龙", "upcoming salons"),
        Name::Salon => (SALON.0, SALON.1, "沙龙详情", "salon details"),
        Name::Register => (
            " <沙龙编号> [姓名=… 手机=… 职位=… 年限=…]",
            " <salon id> [name=… phone=… position=… years=…]",
            "报名",
            "register",
        ),
        Name::Cancel => (SALON.0, SALON.1, "取消报名", "cancel a registration"),
        Name::Confirm => (SALON.0, SALON.1, "领取候补名额", "claim an offered seat"),
        Name::Ticket => (SALON.0, SALON.1, "我的门票（票码与二维码）", "your ticket (code and QR code)"),
        Name::CheckIn => (" <签到码|票码>", " <code|ticket>", "现场签到（组织者输入或扫描票码）", "check in at the venue (organizers: a ticket code)"),
        Name::Profile => (
            " [姓名=… 手机=… 职位=… 年限=…]",
            " [name=… phone=… position=… years=…]",
            "我的资料",
            "your profile",
        ),
        Name::Link => (" [绑定码 | 确认 <口令>]", " [code | confirm <token>]", "关联其他平台账号", "link an account on another platform"),
        Name::Whoami => ("", "", "我的账号和角色", "your ids and roles"),
        Name::Pending => (SALON.0, SALON.1, "待审核报名", "pending registrations"),
        Name::Approve => (" <沙龙编号> <用户…|all>", " <salon id> <user…|all>", "批准报名", "approve"),
        Name::Reject => (" <沙龙编号> <用户> <原因>", " <salon id> <user> <reason>", "拒绝报名", "decline"),
        Name::CheckinCode => (SALON.0, SALON.1, "现场签到码", "the venue's check-in code"),
        Name::Attendees => (SALON.0, SALON.1, "参会名单", "attendees"),
        Name::Post => (
            " [标题=\"…\" 描述=\"…\" 标签=rust,cli 预算=5000-8000 截止=2027-01-31 验收=\"…\"]",
            " [title=\"…\" description=\"…\" tags=rust,cli budget=5000-8000 deadline=2027-01-31 acceptance=\"…\"]",
            "发布需求",
            "post a job",
        ),
        Name::MyJobs => ("", "", "我发布的需求", "your jobs"),
        Name::Applicants => (JOB.0, JOB.1, "申请人", "applicants"),
        Name::Assign => (" <需求编号> <用户>", " <job id> <user>", "指派", "assign"),
        Name::Accept => (" <需求编号> [项|all]", " <job id> [item|all]", "验收交付", "accept the delivery"),
        Name::Close => (JOB.0, JOB.1, "关闭需求", "close a job"),
        Name::Jobs => (" [标签]", " [tag]", "需求列表", "open jobs"),
        Name::Job => (JOB.0, JOB.1, "需求详情", "job details"),
        Name::Subscribe => (" <标签…>", " <tag…>", "订阅标签", "follow tags"),
        Name::Unsubscribe => (" <标签…|all>", " <tag…|all>", "退订标签", "stop following tags"),
        Name::Digest => (" instant|daily", " instant|daily", "推送方式", "how new jobs reach you"),
        Name::Quiet => (" 22:00-08:00|off", " 22:00-08:00|off", "免打扰时段", "quiet hours"),
        Name::Apply => (" <需求编号> <一句话介绍自己>", " <job id> <pitch>", "申请需求", "apply"),
        Name::Deliver => (" <需求编号> [项 证据]", " <job id> [item evidence]", "提交交付", "deliver"),
        Name::Moderate => ("", "", "待审核需求", "jobs to moderate"),
        Name::Publish => (JOB.0, JOB.1, "上线需求", "publish a job"),
        Name::Decline => (" <需求编号> <原因>", " <job id> <reason>", "驳回需求", "decline a job"),
        Name::Ask => (
            " <需求编号> [私密] <问题>",
            " <job id> [private] <question>",
            "向需求方提问",
            "ask the client",
        ),
        Name::Answer => (" <问题编号> <回答>", " <question id> <answer>", "回答问题", "answer a question"),
        Name::Faq => (JOB.0, JOB.1, "需求问答", "a job's questions and answers"),
        Name::Spec => (" <需求编号> [版本]", " <job id> [version]", "需求规格", "a job's spec"),
        Name::Questions => ("", "", "待我回答的问题", "questions waiting for you"),
        Name::Follow => (JOB.0, JOB.1, "关注需求", "follow a job"),
        Name::Unfollow => (JOB.0, JOB.1, "取消关注", "stop following a job"),
        Name::RejectItem => (" <需求编号> <项> <原因>", " <job id> <item> <reason>", "退回验收项", "send an item back"),
        Name::Dispute => (" <需求编号> <原因>", " <job id> <reason>", "申请运营介入", "ask operators to step in"),
        Name::Resolve => (" <需求编号> accepted|reopened <说明>", " <job id> accepted|reopened <note>", "裁决争议", "settle a dispute"),
        Name::SpecEdit => (" <需求编号> 字段=\"…\"", " <job id> field=\"…\"", "改规格", "edit a spec"),
        Name::Dashboard => ("", "", "网页后台登录链接（私信）", "a sign-in link to the web console (private)"),
        Name::NewSalon => (" [复制=<编号>] [字段=值…]", " [copy=<id>] [field=value…]", "创建沙龙", "create a salon"),
        Name::EditSalon => (" <编号> 字段=值…", " <id> field=value…", "修改沙龙", "edit a salon"),
        Name::CancelSalon => (" <编号> <原因>", " <id> <reason>", "取消沙龙", "cancel a salon"),
        Name::CloseSalon => (SALON.0, SALON.1, "截止报名", "close registration"),
        Name::OpenSalon => (SALON.0, SALON.1, "开放报名", "reopen registration"),
        Name::Announce => (" <编号> [all] <内容>", " <id> [all] <text>", "通知参会者", "message attendees"),
        Name::Mine => ("", "", "我的报名和需求", "my registrations and jobs"),
        Name::Grant => (" <角色> <用户>", " <role> <user>", "授予 organizer/operator/client", "grant organizer/operator/client"),
        Name::Revoke => (" <角色> <用户>", " <role> <user>", "撤销角色", "revoke a role"),
        Name::Feedback => (" <沙龙编号> [1-5]", " <salon id> [1-5]", "活动反馈（组织者：查看汇总）", "feedback (organizers: the summary)"),
        Name::Stats => (SALON.0, SALON.1, "报名与签到统计及图表", "registration and attendance stats with a chart"),
    }
}

/// `/报名 <沙龙编号> […]` or `/register <salon id> […]`.
pub fn usage(n: Name, l: Locale) -> String {
    let (zh, en, _, _) = texts(n);
    match l {
        Locale::Zh => format!("/{}{zh}", n.chinese()),
        Locale::En => format!("/{}{en}", n.english()),
    }
}

/// The one-line help of a command.
pub fn help_line(n: Name, l: Locale) -> &'static str {
    let (_, _, zh, en) = texts(n);
    match l {
        Locale::Zh => zh,
        Locale::En => en,
    }
}

/// Every command the asker may run, one per line.
pub fn help(roles: Roles, l: Locale) -> String {
    let mut s = match l {
        Locale::Zh => "云栖开发者基地助手。命令（中英文均可，不带 / 也行）：".to_string(),
        Locale::En => "Yunqi developer base assistant. Commands (the / is optional):".to_string(),
    };
    for n in Name::all().filter(|n| roles.may(n.role())) {
        s.push('\n');
        s.push_str(&usage(n, l));
        s.push(' ');
        s.push_str(help_line(n, l));
    }
    s
}

/// `help` as messages: everyone's commands, then (for organizers and operators) the
/// role-gated ones, so each part fits one WeCom message (2048 bytes).
pub fn help_parts(roles: Roles, l: Locale) -> Vec<String> {
    let all = help(roles, l);
    let gated = |line: &str| {
        Name::all()
            .filter(|n| !Roles::default().may(n.role()))
            .any(|n| line.starts_with(&format!("{} ", usage(n, l))))
    };
    let (mut open, mut staff) = (String::new(), String::new());
    for line in all.lines() {
        let part = if gated(line) { &mut staff } else { &mut open };
        if !part.is_empty() {
            part.push('\n');
        }
        part.push_str(line);
    }
    [open, staff]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(roles: Roles, l: Locale) -> Vec<String> {
        help(roles, l).lines().skip(1).map(str::to_string).collect()
    }

    #[test]
    fn help_lists_every_command_the_asker_may_run_and_no_other() {
        let member = Roles::default();
        let organizer = Roles {
            organizer: true,
            operator: true,
        };
        for l in [Locale::Zh, Locale::En] {
            let all = listed(organizer, l);
            assert_eq!(all.len(), Name::all().count(), "{all:#?}");
            for n in Name::all() {
                let line = format!("{} {}", usage(n, l), help_line(n, l));
                assert!(all.contains(&line), "{line}");
                assert_eq!(
                    listed(member, l).contains(&line),
                    n.role() == crate::command::Role::Everyone
                        || n.role() == crate::command::Role::Client,
                    "{line}"
                );
            }
        }
        let en = help(member, Locale::En);
        for w in [
            "/ask ",
            "/answer ",
            "/faq ",
            "/spec ",
            "/follow ",
            "/questions ",
        ] {
            assert!(en.contains(w), "{w}: {en}");
        }
        assert!(!en.contains("/approve") && !en.contains("/publish"), "{en}");
        let operator = Roles {
            organizer: false,
            operator: true,
        };
        let ops = help(operator, Locale::Zh);
        assert!(ops.contains("/上线") && !ops.contains("/批准"), "{ops}");
    }

    #[test]
    fn help_fits_one_wecom_message() {
        let all = Roles {
            organizer: true,
            operator: true,
        };
        // Organizers get their commands as a second message (`help_parts`).
        let parts = help_parts(all, Locale::Zh);
        let sorted = |t: String| {
            let mut v: Vec<String> = t.lines().map(str::to_string).collect();
            v.sort();
            v
        };
        assert_eq!(sorted(parts.join("\n")), sorted(help(all, Locale::Zh)));
        assert_eq!(parts.len(), 2);
        for p in parts {
            assert!(p.len() <= 2048, "{}", p.len());
        }
        assert_eq!(help_parts(Roles::default(), Locale::Zh).len(), 1);
    }
}
