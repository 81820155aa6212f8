//! A job's structured spec: its kind, named sections, acceptance criteria as a list and
//! the open points (questions answered "unsure"). Pure; the readiness score is in
//! `score`, the guided interview in `interview`, the delivery checklist in `checklist`.

pub mod checklist;
pub mod flow;
pub mod interview;
pub mod markdown;
pub mod score;
pub mod tagging;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What kind of work a job is; decides the kind-specific interview questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Web,
    Miniprogram,
    Mobile,
    Backend,
    Data,
    Bot,
    Other,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Web,
        Kind::Miniprogram,
        Kind::Mobile,
        Kind::Backend,
        Kind::Data,
        Kind::Bot,
        Kind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Web => "web",
            Kind::Miniprogram => "miniprogram",
            Kind::Mobile => "mobile",
            Kind::Backend => "backend",
            Kind::Data => "data",
            Kind::Bot => "bot",
            Kind::Other => "other",
        }
    }

    /// A number from the menu (1–7), the English key or a Chinese name.
    pub fn parse(input: &str) -> Option<Kind> {
        let s = input.trim().to_lowercase();
        if let Ok(n) = s.parse::<usize>() {
            return n.checked_sub(1).and_then(|i| Kind::ALL.get(i).copied());
        }
        let k = match s.as_str() {
            "web" | "website" | "网站" | "网页" | "web 应用" | "web应用" => Kind::Web,
            "miniprogram" | "mini program" | "mini-program" | "小程序" | "微信小程序" => {
                Kind::Miniprogram
            }
            "mobile" | "app" | "ios" | "android" | "手机" | "移动" | "移动应用" | "手机app" => {
                Kind::Mobile
            }
            "backend" | "api" | "后端" | "接口" | "服务端" => Kind::Backend,
            "data" | "etl" | "scraping" | "数据" | "爬虫" | "报表" => Kind::Data,
            "bot" | "automation" | "机器人" | "自动化" | "脚本" => Kind::Bot,
            "other" | "其他" | "其它" => Kind::Other,
            _ => return None,
        };
        Some(k)
    }
}

/// The named sections of a spec, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Goal,
    Users,
    ScopeIn,
    ScopeOut,
    Data,
    Integrations,
    Nonfunctional,
    Deliverables,
    Acceptance,
    Timeline,
    Budget,
}

impl Section {
    pub const ALL: [Section; 11] = [
        Section::Goal,
        Section::Users,
        Section::ScopeIn,
        Section::ScopeOut,
        Section::Data,
        Section::Integrations,
        Section::Nonfunctional,
        Section::Deliverables,
        Section::Acceptance,
        Section::Timeline,
        Section::Budget,
    ];

    /// Without these a developer cannot price the work.
    pub const REQUIRED: [Section; 5] = [
        Section::Goal,
        Section::Users,
        Section::ScopeIn,
        Section::Deliverables,
        Section::Acceptance,
    ];

    /// These make an estimate safer; missing ones cost less.
    pub const RECOMMENDED: [Section; 4] = [
        Section::ScopeOut,
        Section::Data,
        Section::Integrations,
        Section::Nonfunctional,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Goal => "goal",
            Section::Users => "users",
            Section::ScopeIn => "scope_in",
            Section::ScopeOut => "scope_out",
            Section::Data => "data",
            Section::Integrations => "integrations",
            Section::Nonfunctional => "nonfunctional",
            Section::Deliverables => "deliverables",
            Section::Acceptance => "acceptance",
            Section::Timeline => "timeline",
            Section::Budget => "budget",
        }
    }

    /// The key, a short English alias (`scope`, `nfr`) or the Chinese name; a leading `@`
    /// is allowed (`@scope`).
    pub fn parse(input: &str) -> Option<Section> {
        let s = input.trim().trim_start_matches(['@', '＠']).to_lowercase();
        let s = s.replace('-', "_");
        let found = match s.as_str() {
            "goal" | "目标" => Section::Goal,
            "users" | "user" | "用户" => Section::Users,
            "scope_in" | "scope" | "范围" | "功能" | "功能范围" => Section::ScopeIn,
            "scope_out" | "out" | "范围外" | "不做" => Section::ScopeOut,
            "data" | "inputs" | "数据" => Section::Data,
            "integrations" | "integration" | "集成" | "对接" => Section::Integrations,
            "nonfunctional" | "nfr" | "non_functional" | "非功能" | "性能" | "安全" => {
                Section::Nonfunctional
            }
            "deliverables" | "deliverable" | "交付" | "交付物" => Section::Deliverables,
            "acceptance" | "验收" | "验收标准" => Section::Acceptance,
            "timeline" | "工期" | "时间" | "排期" => Section::Timeline,
            "budget" | "预算" => Section::Budget,
            _ => return None,
        };
        Some(found)
    }
}

/// A kind-specific answer, kept with the section it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    /// The question's key (`web.login`); its label is in i18n.
    pub key: String,
    pub text: String,
}

/// A question answered "unsure": recorded instead of blocking, and lowering readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenPoint {
    /// A section key (`goal`) or a kind-specific question key (`web.login`).
    pub key: String,
}

impl OpenPoint {
    pub fn section(&self) -> Option<Section> {
        Section::parse(&self.key).or_else(|| interview::detail_section(&self.key))
    }
}

/// The structured spec stored with a job, one snapshot per spec version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spec {
    pub kind: Kind,
    /// Free text per section (not `Acceptance`, which is the list).
    #[serde(default)]
    pub sections: BTreeMap<Section, String>,
    #[serde(default)]
    pub details: Vec<Detail>,
    #[serde(default)]
    pub acceptance: Vec<String>,
    #[serde(default)]
    pub open: Vec<OpenPoint>,
}

/// Most acceptance criteria in one spec; each at most this many characters.
pub const MAX_CRITERIA: usize = 20;
pub const MAX_CRITERION: usize = 300;

impl Spec {
    pub fn new(kind: Kind) -> Spec {
        Spec {
            kind,
            sections: BTreeMap::new(),
            details: Vec::new(),
            acceptance: Vec::new(),
            open: Vec::new(),
        }
    }

    /// Whether a section has content (its text, a kind-specific answer, or criteria).
    pub fn filled(&self, s: Section) -> bool {
        if s == Section::Acceptance {
            return !self.acceptance.is_empty();
        }
        self.sections.get(&s).is_some_and(|t| !t.trim().is_empty())
            || self
                .details
                .iter()
                .any(|d| interview::detail_section(&d.key) == Some(s))
    }

    pub fn text(&self, s: Section) -> Option<&str> {
        self.sections.get(&s).map(String::as_str)
    }

    /// Records an answer to a section question: text fills it, "unsure" opens a point.
    pub fn answer_section(&mut self, s: Section, input: &str) {
        let key = s.key();
        if is_unsure(input) {
            // "Unsure" replaces an earlier answer: the section is open again.
            self.sections.remove(&s);
            if s == Section::Acceptance {
                self.acceptance.clear();
            }
            self.open_point(key);
            return;
        }
        self.close_point(key);
        if s == Section::Acceptance {
            self.acceptance = criteria(input);
        } else {
            self.sections.insert(s, input.trim().to_string());
        }
    }

    /// Records an answer to a kind-specific question.
    pub fn answer_detail(&mut self, key: &str, input: &str) {
        self.details.retain(|d| d.key != key);
        if is_unsure(input) {
            self.open_point(key);
            return;
        }
        self.close_point(key);
        self.details.push(Detail {
            key: key.to_string(),
            text: input.trim().to_string(),
        });
    }

    fn open_point(&mut self, key: &str) {
        if !self.open.iter().any(|p| p.key == key) {
            self.open.push(OpenPoint {
                key: key.to_string(),
            });
        }
    }

    /// Closes the open point with this key; `true` if there was one.
    pub fn close_point(&mut self, key: &str) -> bool {
        let before = self.open.len();
        self.open.retain(|p| p.key != key);
        before != self.open.len()
    }

    /// Closes every open point about `s` (its own and its kind-specific questions').
    pub fn close_section_points(&mut self, s: Section) -> Vec<String> {
        let (closed, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.open)
            .into_iter()
            .partition(|p| p.section() == Some(s));
        self.open = kept;
        closed.into_iter().map(|p| p.key).collect()
    }

    /// Adds an answer to a section (a clarification): appended on a new line.
    pub fn append(&mut self, s: Section, text: &str) {
        let text = text.trim();
        if s == Section::Acceptance {
            for c in criteria(text) {
                if self.acceptance.len() < MAX_CRITERIA {
                    self.acceptance.push(c);
                }
            }
            return;
        }
        let cur = self.sections.entry(s).or_default();
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(text);
    }
}

/// `不确定` / `unsure` and their usual variants: an open point, not an answer.
pub fn is_unsure(input: &str) -> bool {
    let s = input
        .trim()
        .trim_end_matches(['.', '。', '!', '！'])
        .to_lowercase();
    matches!(
        s.as_str(),
        "不确定"
            | "不知道"
            | "不清楚"
            | "待定"
            | "没想好"
            | "unsure"
            | "not sure"
            | "don't know"
            | "dont know"
            | "unknown"
            | "tbd"
            | "?"
            | "？"
    )
}

/// Acceptance criteria from one line: `A; B; C` (also `；` and new lines), numbering
/// (`1.`, `2、`) dropped.
pub fn criteria(input: &str) -> Vec<String> {
    input
        .split([';', '；', '\n'])
        .map(|c| {
            let c = c.trim();
            // `1.` / `2、` numbering, but not `2 秒内打开`.
            let digits = c.trim_start_matches(|ch: char| ch.is_ascii_digit());
            let c = match digits.strip_prefix(['.', '、', ')', '）']) {
                Some(rest) if digits.len() < c.len() => rest.trim(),
                _ => c,
            };
            c.chars().take(MAX_CRITERION).collect::<String>()
        })
        .filter(|c| !c.is_empty())
        .take(MAX_CRITERIA)
        .collect()
}

#[cfg(test)]
mod tests;

/// The structured spec as of one spec version, with the changelog line that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecDoc {
    pub version: u32,
    pub spec: Spec,
    /// `scope: added 'admin export' — Q#3`; none for the first version.
    pub change: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}
