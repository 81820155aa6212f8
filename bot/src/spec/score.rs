//! The readiness score (0–100) by transparent rules, with what lowers it.

use super::{Section, Spec};

/// One thing that lowers the score; each has a reason and a suggestion in i18n.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lack {
    /// A required section is empty or was answered "unsure".
    Missing(Section),
    /// A recommended section is empty.
    Thin(Section),
    /// Only one acceptance criterion: "done" is still arguable.
    OneCriterion,
    /// Criterion `n` (1-based) names no observable result.
    Vague { n: usize, text: String },
    /// A kind-specific question answered "unsure" (its section is otherwise filled).
    Open(String),
}

impl Lack {
    /// Points this lack costs.
    pub fn cost(&self) -> u32 {
        match self {
            Lack::Missing(Section::Acceptance) => 20,
            Lack::Missing(_) => 15,
            Lack::Thin(_) => 5,
            Lack::OneCriterion => 10,
            Lack::Vague { .. } => 5,
            Lack::Open(_) => 5,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub score: u32,
    pub lacks: Vec<Lack>,
}

/// The rules, in order: required sections (−15, acceptance −20), recommended sections
/// (−5), fewer than two criteria (−10), each criterion that is not checkable (−5), each
/// open point not already counted as a missing section (−5). Never below 0.
pub fn readiness(spec: &Spec) -> Readiness {
    let mut lacks = Vec::new();
    for s in Section::REQUIRED {
        if !spec.filled(s) {
            lacks.push(Lack::Missing(s));
        }
    }
    for s in Section::RECOMMENDED {
        if !spec.filled(s) {
            lacks.push(Lack::Thin(s));
        }
    }
    if spec.acceptance.len() == 1 {
        lacks.push(Lack::OneCriterion);
    }
    for (i, c) in spec.acceptance.iter().enumerate() {
        if !checkable(c) {
            lacks.push(Lack::Vague {
                n: i + 1,
                text: c.clone(),
            });
        }
    }
    for p in &spec.open {
        // An unsure section is already counted as missing or thin.
        if Section::parse(&p.key).is_none() {
            lacks.push(Lack::Open(p.key.clone()));
        }
    }
    let cost: u32 = lacks.iter().map(Lack::cost).sum();
    Readiness {
        score: 100u32.saturating_sub(cost),
        lacks,
    }
}

/// Words that name something one can observe: a platform, an action, a document.
const OBSERVABLE: &[&str] = &[
    // platforms and places
    "ios",
    "android",
    "windows",
    "linux",
    "macos",
    "mac",
    "chrome",
    "safari",
    "firefox",
    "edge",
    "微信",
    "支付宝",
    "抖音",
    "小程序",
    "浏览器",
    "手机",
    "电脑",
    "pc",
    "h5",
    "app store",
    "应用商店",
    "服务器",
    "docker",
    "excel",
    "csv",
    "pdf",
    "json",
    "api",
    // actions
    "登录",
    "注册",
    "下单",
    "支付",
    "付款",
    "退款",
    "导出",
    "导入",
    "上传",
    "下载",
    "搜索",
    "发送",
    "收到",
    "推送",
    "显示",
    "生成",
    "部署",
    "上线",
    "打开",
    "点击",
    "提交",
    "创建",
    "删除",
    "修改",
    "查询",
    "审核",
    "通知",
    "打印",
    "同步",
    "抓取",
    "备份",
    "恢复",
    "回复",
    "log in",
    "login",
    "sign up",
    "register",
    "order",
    "pay",
    "refund",
    "export",
    "import",
    "upload",
    "download",
    "search",
    "send",
    "receive",
    "notify",
    "show",
    "display",
    "generate",
    "deploy",
    "open",
    "click",
    "submit",
    "create",
    "delete",
    "edit",
    "query",
    "print",
    "sync",
    "scrape",
    "backup",
    "restore",
    "reply",
    "return",
    "run",
    "install",
    // documents and proof
    "文档",
    "说明",
    "手册",
    "报告",
    "源码",
    "源代码",
    "测试",
    "用例",
    "截图",
    "录屏",
    "视频",
    "readme",
    "docs",
    "document",
    "manual",
    "report",
    "source",
    "test",
    "screenshot",
    "recording",
    "video",
];

/// A criterion is checkable when it names an observable result: a number, a platform,
/// an action or a document. "好用" / "works well" alone is not.
pub fn checkable(criterion: &str) -> bool {
    if criterion.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    let lower = criterion.to_lowercase();
    OBSERVABLE.iter().any(|w| {
        if w.is_ascii() {
            // Whole words in English: "app" must not match "happy".
            lower
                .split(|c: char| !c.is_ascii_alphanumeric() && c != ' ')
                .any(|part| contains_word(part, w))
        } else {
            lower.contains(w)
        }
    })
}

fn contains_word(hay: &str, w: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(w) {
        let start = from + i;
        let end = start + w.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphabetic());
        // A plural or past tense ("exports", "opened") still names the action.
        let after_ok = edge(after)
            || matches!(&hay[end..], s if s.starts_with('s') || s.starts_with("ed") || s.starts_with("ing"));
        if edge(before) && after_ok {
            return true;
        }
        from = start + 1;
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}
