//! Texts of job announcements, in Chinese (default) and English.

use super::Locale;
use crate::dialogue::JobField;
use crate::job::{Applicant, DigestMode, Job, JobId, JobInvalid, JobStatus, Quiet};
use crate::validate::Invalid;

pub enum JobMsg<'a> {
    PostIntro,
    Ask(JobField),
    Invalid {
        field: JobField,
        why: JobInvalid,
    },
    Posted {
        job: &'a Job,
    },
    AwaitingReview {
        job: &'a Job,
    },
    Published {
        job: &'a Job,
    },
    Declined {
        job: &'a Job,
        reason: &'a str,
    },
    NeedsReview {
        job: &'a Job,
        client: &'a str,
    },
    ReviewNone,
    ReviewHeader(usize),
    Line(&'a Job),
    ListHeader(Option<&'a str>),
    ListNone,
    MyHeader,
    MyNone,
    Detail {
        job: &'a Job,
        client: &'a str,
        applicants: usize,
    },
    NotFound(i64),
    Subscribed(&'a [String]),
    NoTagsGiven,
    DigestSet(DigestMode),
    QuietSet(Option<Quiet>),
    Notify {
        job: &'a Job,
    },
    Digest {
        jobs: &'a [Job],
    },
    Applied(&'a Job),
    ApplyOwn,
    NotOpen {
        job: &'a Job,
    },
    NewApplicant {
        job: &'a Job,
        who: &'a str,
        pitch: &'a str,
    },
    ApplicantsHeader {
        job: &'a Job,
        count: usize,
    },
    ApplicantLine {
        n: usize,
        a: &'a Applicant,
        job: JobId,
    },
    ApplicantsNone(&'a Job),
    Assigned {
        job: &'a Job,
        who: &'a str,
    },
    AssignedToYou(&'a Job),
    NotApplicant(&'a str),
    Delivered {
        job: &'a Job,
        who: &'a str,
    },
    DeliveredAck(&'a Job),
    AcceptedDev(&'a Job),
    AcceptedClient(&'a Job),
    Closed(&'a Job),
    NotOwner,
    NotAssignee,
    Illegal {
        job: &'a Job,
        to: JobStatus,
    },
    Record(&'a [(String, u32)]),
    Button(JobButton),
    /// An applicant's assign button.
    AssignTo(&'a str),
}

#[derive(Clone, Copy)]
pub enum JobButton {
    Apply,
    Publish,
    Decline,
    Accept,
    Applicants,
    Details,
}

impl JobMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

pub fn status_name(s: JobStatus, l: Locale) -> &'static str {
    match (l, s) {
        (Locale::Zh, JobStatus::Draft) => "待审核",
        (Locale::Zh, JobStatus::Open) => "招募中",
        (Locale::Zh, JobStatus::Assigned) => "已指派",
        (Locale::Zh, JobStatus::Delivered) => "已交付",
        (Locale::Zh, JobStatus::Accepted) => "已验收",
        (Locale::Zh, JobStatus::Closed) => "已关闭",
        (Locale::En, s) => s.as_str(),
    }
}

fn tags(j: &Job) -> String {
    j.draft
        .tags
        .iter()
        .map(|t| format!("#{t}"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn line(j: &Job, l: Locale) -> String {
    match l {
        Locale::Zh => format!(
            "#{} {} — {}，截止 {}，{}（/需求详情 {}）",
            j.id,
            j.draft.title,
            j.draft.budget,
            j.draft.deadline,
            tags(j),
            j.id
        ),
        Locale::En => format!(
            "#{} {} — {}, due {}, {} (/job {})",
            j.id,
            j.draft.title,
            j.draft.budget,
            j.draft.deadline,
            tags(j),
            j.id
        ),
    }
}

fn invalid(why: JobInvalid, l: Locale) -> String {
    let zh = l == Locale::Zh;
    match why {
        JobInvalid::Text(Invalid::Empty) => if zh {
            "这一项不能为空。"
        } else {
            "This cannot be empty."
        }
        .into(),
        JobInvalid::Text(Invalid::TooLong { max }) => {
            if zh {
                format!("太长了，最多 {max} 个字。")
            } else {
                format!("Too long: at most {max} characters.")
            }
        }
        JobInvalid::Text(Invalid::ControlChars) => super::InputMsg::ControlChars.render(l),
        JobInvalid::Text(_) => if zh {
            "内容格式不对，请重新输入。"
        } else {
            "That text is not valid; please type it again."
        }
        .into(),
        JobInvalid::NoTags => if zh {
            "至少需要一个技能标签，例如 rust, react。"
        } else {
            "Give at least one skill tag, e.g. rust, react."
        }
        .into(),
        JobInvalid::TooManyTags { max } => {
            if zh {
                format!("标签最多 {max} 个。")
            } else {
                format!("At most {max} tags.")
            }
        }
        JobInvalid::TagChars => if zh {
            "标签只能包含字母、数字、中文和 + # . - _，多个标签用逗号或空格分隔。"
        } else {
            "Tags may contain letters, digits and + # . - _; separate tags with commas or spaces."
        }
        .into(),
        JobInvalid::BudgetFormat => if zh {
            "预算格式：5000-8000（人民币），也可以写 5k-8k 或 1万-2万。"
        } else {
            "Budget format: 5000-8000 (CNY); 5k-8k or 1万-2万 work too."
        }
        .into(),
        JobInvalid::BudgetOrder => if zh {
            "预算下限不能高于上限。"
        } else {
            "The lower bound of the budget cannot be above the upper bound."
        }
        .into(),
        JobInvalid::DeadlineFormat => if zh {
            "截止日期格式：2027-01-31，或工期如 30天、6周。"
        } else {
            "Deadline format: 2027-01-31, or a duration such as 30d or 6w."
        }
        .into(),
        JobInvalid::DeadlinePast => if zh {
            "截止日期必须在今天之后。"
        } else {
            "The deadline must be after today."
        }
        .into(),
        // Refused input (issue 14): kept together.
        JobInvalid::BudgetZero => if zh {
            "预算至少 1 元，例如 5000 或 0.5万。"
        } else {
            "A budget is at least ¥1, e.g. 5000 or 0.5w."
        }
        .into(),
        JobInvalid::DeadlineTooFar { max_days } => {
            if zh {
                format!(
                    "截止日期太远了：最多 {} 年（{max_days} 天）以内。",
                    max_days / 365
                )
            } else {
                format!(
                    "That deadline is too far away: at most {} years ({max_days} days) ahead.",
                    max_days / 365
                )
            }
        }
    }
}

fn ask(f: JobField, l: Locale) -> &'static str {
    match (l, f) {
        (Locale::Zh, JobField::Title) => "需求标题（一句话，例如：Rust 命令行工具）：",
        (Locale::Zh, JobField::Description) => "需求描述：要做什么、给谁用、现在有什么？说不清也没关系，开发者可以用 /ask 向您提问。",
        (Locale::Zh, JobField::Tags) => "技能标签（用逗号分隔，例如：rust, cli）：",
        (Locale::Zh, JobField::Budget) => "预算范围（人民币，例如 5000-8000）：",
        (Locale::Zh, JobField::Deadline) => "截止日期（例如 2027-01-31，或工期 30天）：",
        (Locale::Zh, JobField::Acceptance) => "验收标准（怎样算做完，例如：能在 Linux 上运行并通过示例数据测试）：",
        (Locale::En, JobField::Title) => "Title of the job (one line, e.g. Rust CLI tool):",
        (Locale::En, JobField::Description) => "Description: what should be built, for whom, what exists today? Rough is fine: developers can ask you with /ask.",
        (Locale::En, JobField::Tags) => "Skill tags, comma separated (e.g. rust, cli):",
        (Locale::En, JobField::Budget) => "Budget range in CNY (e.g. 5000-8000):",
        (Locale::En, JobField::Deadline) => "Deadline (e.g. 2027-01-31, or a duration like 30d):",
        (Locale::En, JobField::Acceptance) => "Acceptance criteria (how we know it is done):",
    }
}

fn zh(m: &JobMsg) -> String {
    use JobMsg::*;
    let l = Locale::Zh;
    match m {
        PostIntro => "发布需求。随时发送 /取消 可退出。".into(),
        Ask(f) => ask(*f, l).into(),
        Invalid { field, why } => format!("{}\n{}", invalid(*why, l), ask(*field, l)),
        Posted { job } => format!("需求 #{} 已发布：{}。订阅了相关标签的开发者会收到通知。", job.id, job.draft.title),
        AwaitingReview { job } => format!("需求 #{} 已提交，运营审核通过后发布。", job.id),
        Published { job } => format!("您的需求 #{}「{}」已审核通过并发布。", job.id, job.draft.title),
        Declined { job, reason } => format!("您的需求 #{}「{}」未通过审核。原因：{reason}", job.id, job.draft.title),
        NeedsReview { job, client } => format!("新需求待审核 #{}（{client}）：\n{}\n{}\n预算 {}，截止 {}\n{}", job.id, job.draft.title, tags(job), job.draft.budget, job.draft.deadline, job.draft.description),
        ReviewNone => "没有待审核的需求。".into(),
        ReviewHeader(n) => format!("待审核需求 {n} 个："),
        Line(j) => line(j, l),
        ListHeader(Some(t)) => format!("招募中的需求（#{t}）："),
        ListHeader(None) => "招募中的需求：".into(),
        ListNone => "暂时没有招募中的需求。可以用 /订阅 <标签> 订阅新需求。".into(),
        MyHeader => "我发布的需求：".into(),
        MyNone => "您还没有发布过需求。发送 /发需求 开始。".into(),
        Detail { job, client, applicants } => format!(
            "#{} {}（{}）\n需求方：{client}\n预算：{}\n截止：{}\n标签：{}\n描述：\n{}\n验收标准：\n{}\n申请人数：{applicants}",
            job.id, job.draft.title, status_name(job.status, l), job.draft.budget, job.draft.deadline, tags(job), job.draft.description, job.draft.acceptance
        ),
        NotFound(id) => format!("没有编号为 {id} 的需求。发送 /需求 查看招募中的需求。"),
        Subscribed([]) => "您目前没有订阅任何标签。".into(),
        Subscribed(t) => format!("已订阅：{}。发送 /摘要 daily 可改为每日摘要，/免打扰 22:00-08:00 设置免打扰时段。", t.iter().map(|x| format!("#{x}")).collect::<Vec<_>>().join(" ")),
        NoTagsGiven => "请给出标签，例如：/订阅 rust react".into(),
        DigestSet(DigestMode::Instant) => "新需求将即时通知您。".into(),
        DigestSet(DigestMode::Daily) => "新需求将每天汇总成一条摘要发给您。".into(),
        QuietSet(Some(q)) => format!("免打扰时段：{q}（北京时间），期间的通知会在结束后送达。"),
        QuietSet(None) => "已关闭免打扰。".into(),
        Notify { job } => format!("📢 新需求 {}\n{}\n申请：/申请 {} <一句话介绍自己>", line(job, l), job.draft.description.chars().take(200).collect::<String>(), job.id),
        Digest { jobs } => {
            let mut s = format!("今日新需求 {} 个：", jobs.len());
            for j in jobs.iter() {
                s += &format!("\n{}", line(j, l));
            }
            s
        }
        Applied(j) => format!("已申请需求 #{}，需求方会看到您的申请。", j.id),
        ApplyOwn => "不能申请自己发布的需求。".into(),
        NotOpen { job } => format!("需求 #{} 当前状态为「{}」，不能进行这个操作。", job.id, status_name(job.status, l)),
        NewApplicant { job, who, pitch } => format!("需求 #{} 有新申请：{who}\n「{pitch}」\n查看全部：/申请人 {}", job.id, job.id),
        ApplicantsHeader { job, count } => format!("需求 #{} 的申请人（{count} 位，按相关交付数、工作年限、申请时间排序）：", job.id),
        ApplicantLine { n, a, job } => format!(
            "{n}. {} — 相关交付 {} 个，{} 年经验，{}\n   「{}」 指派：/指派 {} {}",
            a.member.name.as_ref().map(|x| x.as_str()).unwrap_or("—"),
            a.matching_deliveries,
            a.member.years.map(|y| y.get()).unwrap_or(0),
            a.member.position.as_ref().map(|x| x.as_str()).unwrap_or("—"),
            a.pitch,
            job,
            a.account
        ),
        ApplicantsNone(j) => format!("需求 #{} 还没有人申请。", j.id),
        Assigned { job, who } => format!("需求 #{} 已指派给 {who}。", job.id),
        AssignedToYou(j) => format!("🎉 需求 #{}「{}」已指派给您！完成后发送 /交付 {}。", j.id, j.draft.title, j.id),
        NotApplicant(who) => format!("{who} 没有申请这个需求。"),
        Delivered { job, who } => format!("{who} 已交付需求 #{}「{}」。请按验收标准检查，通过后发送 /验收 {}。", job.id, job.draft.title, job.id),
        DeliveredAck(j) => format!("已通知需求方验收需求 #{}。", j.id),
        AcceptedDev(j) => format!("需求 #{}「{}」已验收通过，已计入您的交付记录。", j.id, j.draft.title),
        AcceptedClient(j) => format!("已验收需求 #{}。", j.id),
        Closed(j) => format!("需求 #{} 已关闭。", j.id),
        NotOwner => "只有需求方（或运营）可以这样做。".into(),
        NotAssignee => "只有被指派的开发者可以交付。".into(),
        Illegal { job, to } => format!("需求 #{} 当前是「{}」，不能变为「{}」。", job.id, status_name(job.status, l), status_name(*to, l)),
        Record([]) => "交付记录：暂无".into(),
        Record(r) => format!("交付记录：{}", r.iter().map(|(t, n)| format!("#{t} ×{n}")).collect::<Vec<_>>().join(" ")),
        Button(b) => match b {
            JobButton::Apply => "申请",
            JobButton::Publish => "通过发布",
            JobButton::Decline => "驳回",
            JobButton::Accept => "验收通过",
            JobButton::Applicants => "查看申请人",
            JobButton::Details => "查看详情",
        }
        .into(),
        AssignTo(name) => format!("指派 → {name}"),
    }
}

fn en(m: &JobMsg) -> String {
    use JobMsg::*;
    let l = Locale::En;
    match m {
        PostIntro => "Posting a job. Send /cancel at any time to stop.".into(),
        Ask(f) => ask(*f, l).into(),
        Invalid { field, why } => format!("{}\n{}", invalid(*why, l), ask(*field, l)),
        Posted { job } => format!("Job #{} is published: {}. Developers subscribed to its tags are notified.", job.id, job.draft.title),
        AwaitingReview { job } => format!("Job #{} is submitted and will be published once an operator approves it.", job.id),
        Published { job } => format!("Your job #{} \"{}\" was approved and published.", job.id, job.draft.title),
        Declined { job, reason } => format!("Your job #{} \"{}\" was declined. Reason: {reason}", job.id, job.draft.title),
        NeedsReview { job, client } => format!("New job to review #{} ({client}):\n{}\n{}\nBudget {}, due {}\n{}", job.id, job.draft.title, tags(job), job.draft.budget, job.draft.deadline, job.draft.description),
        ReviewNone => "No jobs waiting for review.".into(),
        ReviewHeader(n) => format!("{n} jobs waiting for review:"),
        Line(j) => line(j, l),
        ListHeader(Some(t)) => format!("Open jobs (#{t}):"),
        ListHeader(None) => "Open jobs:".into(),
        ListNone => "No open jobs right now. /subscribe <tags> to hear about new ones.".into(),
        MyHeader => "Your jobs:".into(),
        MyNone => "You have not posted a job yet. Send /post to start.".into(),
        Detail { job, client, applicants } => format!(
            "#{} {} ({})\nClient: {client}\nBudget: {}\nDue: {}\nTags: {}\nDescription:\n{}\nAcceptance criteria:\n{}\nApplicants: {applicants}",
            job.id, job.draft.title, status_name(job.status, l), job.draft.budget, job.draft.deadline, tags(job), job.draft.description, job.draft.acceptance
        ),
        NotFound(id) => format!("There is no job {id}. Send /jobs to see open ones."),
        Subscribed([]) => "You are not subscribed to any tag.".into(),
        Subscribed(t) => format!("Subscribed to: {}. /digest daily for one summary a day, /quiet 22:00-08:00 for quiet hours.", t.iter().map(|x| format!("#{x}")).collect::<Vec<_>>().join(" ")),
        NoTagsGiven => "Give tags, e.g. /subscribe rust react".into(),
        DigestSet(DigestMode::Instant) => "You will hear about new jobs at once.".into(),
        DigestSet(DigestMode::Daily) => "You will get one summary of new jobs a day.".into(),
        QuietSet(Some(q)) => format!("Quiet hours: {q} (Beijing time); notifications wait until they end."),
        QuietSet(None) => "Quiet hours off.".into(),
        Notify { job } => format!("📢 New job {}\n{}\nApply: /apply {} <a line about you>", line(job, l), job.draft.description.chars().take(200).collect::<String>(), job.id),
        Digest { jobs } => {
            let mut s = format!("{} new jobs today:", jobs.len());
            for j in jobs.iter() {
                s += &format!("\n{}", line(j, l));
            }
            s
        }
        Applied(j) => format!("You applied for job #{}; the client will see it.", j.id),
        ApplyOwn => "You cannot apply for your own job.".into(),
        NotOpen { job } => format!("Job #{} is {}; that is not possible now.", job.id, job.status.as_str()),
        NewApplicant { job, who, pitch } => format!("New applicant for job #{}: {who}\n\"{pitch}\"\nAll applicants: /applicants {}", job.id, job.id),
        ApplicantsHeader { job, count } => format!("Applicants for job #{} ({count}, ranked by matching deliveries, years, then who applied first):", job.id),
        ApplicantLine { n, a, job } => format!(
            "{n}. {} — {} matching deliveries, {} years, {}\n   \"{}\" assign: /assign {} {}",
            a.member.name.as_ref().map(|x| x.as_str()).unwrap_or("—"),
            a.matching_deliveries,
            a.member.years.map(|y| y.get()).unwrap_or(0),
            a.member.position.as_ref().map(|x| x.as_str()).unwrap_or("—"),
            a.pitch,
            job,
            a.account
        ),
        ApplicantsNone(j) => format!("No applicants for job #{} yet.", j.id),
        Assigned { job, who } => format!("Job #{} is assigned to {who}.", job.id),
        AssignedToYou(j) => format!("🎉 Job #{} \"{}\" is assigned to you! Send /deliver {} when it is done.", j.id, j.draft.title, j.id),
        NotApplicant(who) => format!("{who} has not applied for this job."),
        Delivered { job, who } => format!("{who} delivered job #{} \"{}\". Check it against the acceptance criteria, then send /accept {}.", job.id, job.draft.title, job.id),
        DeliveredAck(j) => format!("The client is asked to accept job #{}.", j.id),
        AcceptedDev(j) => format!("Job #{} \"{}\" is accepted and added to your delivery record.", j.id, j.draft.title),
        AcceptedClient(j) => format!("Job #{} accepted.", j.id),
        Closed(j) => format!("Job #{} is closed.", j.id),
        NotOwner => "Only the client (or an operator) can do that.".into(),
        NotAssignee => "Only the assigned developer can deliver.".into(),
        Illegal { job, to } => format!("Job #{} is {} and cannot become {}.", job.id, job.status.as_str(), to.as_str()),
        Record([]) => "Delivery record: none yet".into(),
        Record(r) => format!("Delivery record: {}", r.iter().map(|(t, n)| format!("#{t} ×{n}")).collect::<Vec<_>>().join(" ")),
        Button(b) => match b {
            JobButton::Apply => "Apply",
            JobButton::Publish => "Publish",
            JobButton::Decline => "Decline",
            JobButton::Accept => "Accept delivery",
            JobButton::Applicants => "Applicants",
            JobButton::Details => "Details",
        }
        .into(),
        AssignTo(name) => format!("Assign → {name}"),
    }
}
