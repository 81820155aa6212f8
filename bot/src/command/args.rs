//! The argument grammar shared by the command table: words (quotes group, `\` escapes a
//! quote), ids, inline `key=value` fields, and the way each is written back as text.

use super::{JobFields, ProfileFields, Who};
use crate::ids::SalonId;
use crate::job::JobId;

/// What follows the command word: the raw text (for free-text arguments) and its words.
pub struct Args<'a> {
    rest: &'a str,
    toks: Vec<String>,
}

impl<'a> Args<'a> {
    pub fn new(rest: &'a str) -> Args<'a> {
        Args {
            rest,
            toks: tokenize(rest),
        }
    }
    pub fn words(&self) -> &[String] {
        &self.toks
    }
    pub fn word(&self, i: usize) -> Option<&str> {
        self.toks.get(i).map(String::as_str)
    }
    pub fn id(&self, i: usize) -> Option<i64> {
        self.word(i).and_then(parse_id)
    }
    pub fn salon(&self, i: usize) -> Option<SalonId> {
        self.id(i).map(SalonId)
    }
    pub fn job(&self, i: usize) -> Option<JobId> {
        self.id(i).map(JobId)
    }
    /// The raw text after the first word, trimmed; `None` when empty.
    pub fn text_after_first(&self) -> Option<&'a str> {
        self.rest
            .split_once(char::is_whitespace)
            .map(|x| x.1.trim())
            .filter(|t| !t.is_empty())
    }
    /// The raw text after the first `n` words, trimmed; `None` when empty.
    pub fn text_after(&self, n: usize) -> Option<&'a str> {
        let mut rest = self.rest.trim_start();
        for _ in 0..n {
            rest = rest.split_once(char::is_whitespace)?.1.trim_start();
        }
        Some(rest.trim()).filter(|t| !t.is_empty())
    }
    /// A checklist item number (1-based).
    pub fn item(&self, i: usize) -> Option<u32> {
        self.id(i).and_then(|n| u32::try_from(n).ok())
    }
    /// `<user…|all>` from word `i` on.
    pub fn who(&self, i: usize) -> Option<Who> {
        let users = self.toks.get(i..).unwrap_or_default();
        match users {
            [] => None,
            [one] if is_all(one) => Some(Who::All),
            _ => Some(Who::Users(users.to_vec())),
        }
    }
}

/// `confirm` (any case) or `确认` after `/link`.
pub fn is_link_confirm(w: &str) -> bool {
    w.eq_ignore_ascii_case("confirm") || w == "确认"
}

pub fn is_all(w: &str) -> bool {
    matches!(w.to_lowercase().as_str(), "all" | "全部")
}

pub fn is_private(w: &str) -> bool {
    matches!(w.to_lowercase().as_str(), "private" | "私密" | "私下")
}

fn parse_id(s: &str) -> Option<i64> {
    let s = s.trim_start_matches('#');
    s.parse::<i64>().ok().filter(|n| *n > 0)
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

/// Splits on whitespace; double quotes (ASCII or Chinese) group words, also after `key=`;
/// a backslash before a quote or a backslash takes it literally.
pub fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut has_token = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|&n| n == '\\' || is_quote(n)) => {
                cur.extend(chars.next());
                has_token = true;
            }
            c if is_quote(c) => {
                in_quote = !in_quote;
                has_token = true;
            }
            c if c.is_whitespace() && !in_quote => {
                if has_token {
                    out.push(std::mem::take(&mut cur));
                    has_token = false;
                }
            }
            c => {
                cur.push(c);
                has_token = true;
            }
        }
    }
    if has_token {
        out.push(cur);
    }
    out
}

/// One word as `tokenize` reads it back: bare when it can be, else quoted.
pub fn word(s: &str) -> String {
    let bare = !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == '\\' || is_quote(c));
    if bare {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '\\' || is_quote(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Several words joined by spaces (a reason): bare when its words read back the same.
pub fn words_text(s: &str) -> String {
    if !s.is_empty() && tokenize(s).join(" ") == s {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn split_field(t: &str) -> Option<(String, String)> {
    let (k, v) = t.split_once('=').or_else(|| t.split_once('＝'))?;
    Some((k.to_lowercase(), v.to_string()))
}

pub fn profile_fields(toks: &[String]) -> Option<ProfileFields> {
    let mut f = ProfileFields::default();
    for t in toks {
        let (k, v) = split_field(t)?;
        let v = Some(v);
        match k.as_str() {
            "name" | "姓名" => f.name = v,
            "phone" | "mobile" | "手机" | "电话" => f.phone = v,
            "position" | "title" | "职位" => f.position = v,
            "years" | "年限" | "工作年限" => f.years = v,
            "skills" | "技能" => f.skills = v,
            _ => return None,
        }
    }
    Some(f)
}

pub fn job_fields(toks: &[String]) -> Option<JobFields> {
    let mut f = JobFields::default();
    for t in toks {
        let (k, raw) = split_field(t)?;
        let v = Some(raw.clone());
        match k.as_str() {
            "title" | "标题" => f.title = v,
            "description" | "desc" | "描述" => f.description = v,
            "tags" | "标签" => f.tags = v,
            "budget" | "预算" => f.budget = v,
            "deadline" | "截止" | "截止日期" => f.deadline = v,
            "acceptance" | "验收" | "验收标准" => f.acceptance = v,
            k if k == "kind" || k == "类型" || crate::spec::Section::parse(k).is_some() => {
                f.spec.push((k.to_string(), raw))
            }
            _ => return None,
        }
    }
    Some(f)
}

/// Inline fields always quote their value, as people write them.
fn field_words(pairs: &[(&str, &Option<String>)]) -> Vec<String> {
    pairs
        .iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}={}", quoted(v))))
        .collect()
}

pub fn profile_words(f: &ProfileFields) -> Vec<String> {
    field_words(&[
        ("name", &f.name),
        ("phone", &f.phone),
        ("position", &f.position),
        ("years", &f.years),
        ("skills", &f.skills),
    ])
}

pub fn job_words(f: &JobFields) -> Vec<String> {
    field_words(&[
        ("title", &f.title),
        ("description", &f.description),
        ("tags", &f.tags),
        ("budget", &f.budget),
        ("deadline", &f.deadline),
        ("acceptance", &f.acceptance),
    ])
    .into_iter()
    .chain(f.spec.iter().map(|(k, v)| format!("{k}={}", quoted(v))))
    .collect()
}

pub fn who_words(who: &Who) -> Vec<String> {
    match who {
        Who::All => vec!["all".into()],
        Who::Users(us) => us.iter().map(|u| word(u)).collect(),
    }
}
