//! Texts of the spec interview, the readiness score and the spec view, zh and en.

use super::Locale;
use crate::spec::interview::{Refusal, Q};
use crate::spec::score::{Lack, Readiness};
use crate::spec::{Kind, Section};

mod questions;
mod view;
use questions::detail;
pub use view::*;

pub fn kind_name(k: Kind, l: Locale) -> &'static str {
    match (l, k) {
        (Locale::Zh, Kind::Web) => "网站 / Web 应用",
        (Locale::Zh, Kind::Miniprogram) => "小程序",
        (Locale::Zh, Kind::Mobile) => "手机 App",
        (Locale::Zh, Kind::Backend) => "后端 / API",
        (Locale::Zh, Kind::Data) => "数据（爬取、ETL、报表）",
        (Locale::Zh, Kind::Bot) => "机器人 / 自动化",
        (Locale::Zh, Kind::Other) => "其他",
        (Locale::En, Kind::Web) => "web site / app",
        (Locale::En, Kind::Miniprogram) => "mini program",
        (Locale::En, Kind::Mobile) => "mobile app",
        (Locale::En, Kind::Backend) => "backend / API",
        (Locale::En, Kind::Data) => "data (scraping, ETL, reports)",
        (Locale::En, Kind::Bot) => "bot / automation",
        (Locale::En, Kind::Other) => "other",
    }
}

pub fn section_name(s: Section, l: Locale) -> &'static str {
    use Section::*;
    match (l, s) {
        (Locale::Zh, Goal) => "目标",
        (Locale::Zh, Users) => "用户",
        (Locale::Zh, ScopeIn) => "范围（要做）",
        (Locale::Zh, ScopeOut) => "范围外（不做）",
        (Locale::Zh, Data) => "数据与输入",
        (Locale::Zh, Integrations) => "对接集成",
        (Locale::Zh, Nonfunctional) => "非功能（性能、安全、设备）",
        (Locale::Zh, Deliverables) => "交付物",
        (Locale::Zh, Acceptance) => "验收标准",
        (Locale::Zh, Timeline) => "工期",
        (Locale::Zh, Budget) => "预算",
        (Locale::En, Goal) => "Goal",
        (Locale::En, Users) => "Users",
        (Locale::En, ScopeIn) => "Scope (in)",
        (Locale::En, ScopeOut) => "Out of scope",
        (Locale::En, Data) => "Data and inputs",
        (Locale::En, Integrations) => "Integrations",
        (Locale::En, Nonfunctional) => "Non-functional (performance, security, devices)",
        (Locale::En, Deliverables) => "Deliverables",
        (Locale::En, Acceptance) => "Acceptance criteria",
        (Locale::En, Timeline) => "Timeline",
        (Locale::En, Budget) => "Budget",
    }
}

fn section_question(s: Section, l: Locale) -> &'static str {
    use Section::*;
    match (l, s) {
        (Locale::Zh, Goal) => "目标：一句话说明要解决什么问题（例如：让顾客在微信里预约到店）。",
        (Locale::Zh, Users) => "用户：谁会用它？大概多少人？",
        (Locale::Zh, ScopeIn) => "范围：必须做的功能有哪些？",
        (Locale::Zh, ScopeOut) => "范围外：明确不做的是什么（例如：不做支付、不做安卓）？",
        (Locale::Zh, Data) => "数据与输入：需要哪些数据，从哪里来，谁提供？",
        (Locale::Zh, Integrations) => "对接集成：要接哪些现有系统或第三方服务（支付、短信、ERP…）？没有就回复“无”。",
        (Locale::Zh, Nonfunctional) => "非功能要求：性能、安全、要支持的设备或浏览器？",
        (Locale::Zh, Deliverables) => "交付物：要交付什么（源码归属、部署、文档、培训）？",
        (Locale::Zh, Acceptance) => "验收标准：怎样算做完？列出可检查的几条，用分号分隔（例如：手机上 3 秒内打开首页；店员收到微信通知；交付部署文档）。",
        (Locale::Zh, Timeline) => "工期：有哪些时间节点？",
        (Locale::Zh, Budget) => "预算：预算说明？",
        (Locale::En, Goal) => "Goal: in one line, what problem should this solve (e.g. customers book a visit from WeChat)?",
        (Locale::En, Users) => "Users: who will use it, and roughly how many?",
        (Locale::En, ScopeIn) => "Scope: which features must be built?",
        (Locale::En, ScopeOut) => "Out of scope: what is explicitly not part of it (e.g. no payments, no Android)?",
        (Locale::En, Data) => "Data and inputs: what data is needed, where from, who provides it?",
        (Locale::En, Integrations) => "Integrations: which existing systems or third-party services (payments, SMS, ERP…)? Reply \"none\" if none.",
        (Locale::En, Nonfunctional) => "Non-functional: performance, security, devices or browsers to support?",
        (Locale::En, Deliverables) => "Deliverables: what is handed over (source ownership, deployment, docs, training)?",
        (Locale::En, Acceptance) => "Acceptance criteria: how do we know it is done? A few checkable items separated by semicolons (e.g. home page opens in 3 s on a phone; staff get a WeChat notice; deployment docs delivered).",
        (Locale::En, Timeline) => "Timeline: which milestones?",
        (Locale::En, Budget) => "Budget: any notes on the budget?",
    }
}

/// The short label of an open point or a kind-specific answer.
pub fn point_label(key: &str, l: Locale) -> String {
    match Section::parse(key) {
        Some(s) => section_name(s, l).to_string(),
        None => detail(key, l).0.to_string(),
    }
}

fn kind_menu(l: Locale) -> String {
    let mut s = match l {
        Locale::Zh => "先选需求类型（回复编号或名称）：".to_string(),
        Locale::En => "First, what kind of work is it (reply with the number or name)?".to_string(),
    };
    for (i, k) in Kind::ALL.iter().enumerate() {
        s += &format!("\n{}. {}", i + 1, kind_name(*k, l));
    }
    s
}

fn unsure_hint(l: Locale) -> &'static str {
    match l {
        Locale::Zh => "（说不清可回复“不确定”，记为待明确事项）",
        Locale::En => "(Reply \"unsure\" if you do not know yet: it is kept as an open point.)",
    }
}

/// One interview question (with the reason the last answer was refused, if any).
pub fn question(q: &Q, error: Option<Refusal>, l: Locale) -> String {
    let text = match q {
        Q::Kind => kind_menu(l),
        Q::Job(f) => return job_question(*f, error, l),
        Q::Section(s) => format!("{}\n{}", section_question(*s, l), unsure_hint(l)),
        Q::Detail(k) => format!("{}\n{}", detail(k, l).1, unsure_hint(l)),
    };
    match error {
        Some(Refusal::Kind) => format!(
            "{}\n{text}",
            match l {
                Locale::Zh => "没有这个类型。",
                Locale::En => "That is not one of the kinds.",
            }
        ),
        Some(Refusal::Required) => format!("{}\n{text}", required(l)),
        Some(Refusal::Job(why)) => {
            let field = crate::dialogue::JobField::Description;
            let both = super::JobMsg::Invalid { field, why }.render(l);
            // The reason is the first line; the question is ours.
            format!("{}\n{text}", both.lines().next().unwrap_or_default())
        }
        None => text,
    }
}

fn job_question(f: crate::dialogue::JobField, error: Option<Refusal>, l: Locale) -> String {
    match error {
        Some(Refusal::Job(why)) => super::JobMsg::Invalid { field: f, why }.render(l),
        Some(Refusal::Required) => format!("{}\n{}", required(l), super::JobMsg::Ask(f).render(l)),
        _ => super::JobMsg::Ask(f).render(l),
    }
}

fn required(l: Locale) -> &'static str {
    match l {
        Locale::Zh => "发布需求必须填写这一项，可以先写一个大概的值，之后用 /改规格 调整。",
        Locale::En => "A job cannot be listed without this; give a rough value now and adjust it later with /spec-edit.",
    }
}

/// Why a lack lowers the score.
pub fn lack_reason(x: &Lack, l: Locale) -> String {
    match (l, x) {
        (Locale::Zh, Lack::Missing(s)) => format!("缺少「{}」", section_name(*s, l)),
        (Locale::Zh, Lack::Thin(s)) => format!("未写「{}」", section_name(*s, l)),
        (Locale::Zh, Lack::OneCriterion) => "只有 1 条验收标准".into(),
        (Locale::Zh, Lack::Vague { n, text }) => format!("验收标准 {n}「{text}」无法检查"),
        (Locale::Zh, Lack::Open(k)) => format!("待明确：{}", point_label(k, l)),
        (Locale::En, Lack::Missing(s)) => format!("{} is missing", section_name(*s, l)),
        (Locale::En, Lack::Thin(s)) => format!("{} is not given", section_name(*s, l)),
        (Locale::En, Lack::OneCriterion) => "only one acceptance criterion".into(),
        (Locale::En, Lack::Vague { n, text }) => {
            format!("acceptance criterion {n} \"{text}\" cannot be checked")
        }
        (Locale::En, Lack::Open(k)) => format!("open point: {}", point_label(k, l)),
    }
}

/// One concrete suggestion for a lack.
pub fn suggestion(x: &Lack, l: Locale) -> String {
    use Section::*;
    let zh = l == Locale::Zh;
    match x {
        Lack::Missing(Goal) if zh => "补一句目标，例如：goal=\"让顾客在微信里预约到店\"".into(),
        Lack::Missing(Goal) => "Add one line of goal, e.g. goal=\"customers book a visit from WeChat\"".into(),
        Lack::Missing(Users) if zh => "写清谁用、是否登录，例如：users=\"顾客免登录；5 个店员用账号登录\"".into(),
        Lack::Missing(Users) => "Say who uses it and whether they log in, e.g. users=\"customers anonymous; 5 staff with accounts\"".into(),
        Lack::Missing(ScopeIn) if zh => "列出必须做的功能，例如：scope_in=\"预约页；店员后台；导出 Excel\"".into(),
        Lack::Missing(ScopeIn) => "List the must-have features, e.g. scope_in=\"booking page; staff admin; Excel export\"".into(),
        Lack::Missing(Deliverables) if zh => "说明交付什么，例如：deliverables=\"源码归我方；部署到我方服务器；部署文档\"".into(),
        Lack::Missing(Deliverables) => "Say what is handed over, e.g. deliverables=\"source owned by us; deployed to our server; deployment docs\"".into(),
        Lack::Missing(Acceptance) if zh => "写至少两条可检查的验收标准，例如：acceptance=\"手机上 3 秒内打开首页；店员收到预约通知\"".into(),
        Lack::Missing(Acceptance) => "Write at least two checkable criteria, e.g. acceptance=\"home page opens in 3 s on a phone; staff receive the booking notice\"".into(),
        Lack::Missing(s) | Lack::Thin(s) if zh => format!("补充「{}」：{}=\"…\"", section_name(*s, l), s.key()),
        Lack::Missing(s) | Lack::Thin(s) => format!("Add {}: {}=\"…\"", section_name(*s, l), s.key()),
        Lack::OneCriterion if zh => "再加一条验收标准，例如交付的文档或要支持的设备".into(),
        Lack::OneCriterion => "Add another criterion, e.g. the documents delivered or the devices supported".into(),
        Lack::Vague { n, .. } if zh => format!("把第 {n} 条改成可观察的结果：一个数字、一个平台、一个动作或一份文档，例如“订单能导出为 Excel”"),
        Lack::Vague { n, .. } => format!("Rewrite criterion {n} as an observable result: a number, a platform, an action or a document, e.g. \"orders can be exported to Excel\""),
        Lack::Open(k) if zh => format!("回答「{}」：{}", point_label(k, l), detail(k, l).1),
        Lack::Open(k) => format!("Answer \"{}\": {}", point_label(k, l), detail(k, l).1),
    }
}

/// The score, what lowers it and a suggestion per lack.
pub fn report(r: &Readiness, l: Locale) -> String {
    let mut s = match l {
        Locale::Zh => format!("📋 需求就绪度：{}/100", r.score),
        Locale::En => format!("📋 Spec readiness: {}/100", r.score),
    };
    for x in &r.lacks {
        s += &format!("\n− {}（-{}）", lack_reason(x, l), x.cost());
        s += &format!("\n  → {}", suggestion(x, l));
    }
    s
}

/// The one line developers see in listings and notifications.
pub fn score_line(r: &Readiness, open: usize, l: Locale) -> String {
    match l {
        Locale::Zh => format!("就绪度 {}/100 · 待明确 {open} 项", r.score),
        Locale::En => format!("Readiness {}/100 · {open} open point(s)", r.score),
    }
}

/// What the client may do at the review.
pub fn review_prompt(unclear: bool, l: Locale) -> String {
    let head = match (l, unclear) {
        (Locale::Zh, true) => "没看懂这条回复。\n",
        (Locale::En, true) => "I did not understand that reply.\n",
        _ => "",
    };
    let body = match l {
        Locale::Zh => "回复“确定发布”立即发布；或回复 字段=\"内容\" 修改（例如 scope_out=\"不做支付\"），回复一个字段名（例如 验收）重新回答；/cancel 放弃。",
        Locale::En => "Reply \"ok\" to publish now; or reply field=\"text\" to improve it (e.g. scope_out=\"no payments\"), or a field name (e.g. acceptance) to answer it again; /cancel to drop it.",
    };
    format!("{head}{body}")
}
