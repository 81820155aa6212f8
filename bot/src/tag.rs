//! Skill tags, shared by member profiles and jobs.

use crate::validate::{Invalid, JobInvalid};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A skill tag: lower case, common aliases folded (`js` → `javascript`), Chinese allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tag(String);

const ALIASES: &[(&str, &str)] = &[
    ("js", "javascript"),
    ("ts", "typescript"),
    ("golang", "go"),
    ("py", "python"),
    ("python3", "python"),
    ("k8s", "kubernetes"),
    ("rs", "rust"),
    ("reactjs", "react"),
    ("react.js", "react"),
    ("vuejs", "vue"),
    ("vue.js", "vue"),
    ("node", "nodejs"),
    ("node.js", "nodejs"),
    ("c++", "cpp"),
    ("c#", "csharp"),
    ("postgres", "postgresql"),
    ("前端", "frontend"),
    ("后端", "backend"),
    ("小程序", "miniprogram"),
    ("微信小程序", "miniprogram"),
    ("安卓", "android"),
    ("苹果", "ios"),
];

impl Tag {
    pub fn parse(input: &str) -> Result<Tag, JobInvalid> {
        let s = input.trim().trim_start_matches('#').to_lowercase();
        if s.is_empty() {
            return Err(JobInvalid::NoTags);
        }
        if s.chars().count() > 30 {
            return Err(JobInvalid::Text(Invalid::TooLong { max: 30 }));
        }
        let ok = |c: char| c.is_alphanumeric() || "+#.-_".contains(c);
        if !s.chars().all(ok) {
            return Err(JobInvalid::TagChars);
        }
        let s = ALIASES
            .iter()
            .find(|(a, _)| *a == s)
            .map(|(_, t)| t.to_string())
            .unwrap_or(s);
        Ok(Tag(s))
    }

    /// `rust, cli`, `rust cli`, `rust，cli、web`: distinct tags, first-seen order.
    pub fn parse_list(input: &str) -> Result<Vec<Tag>, JobInvalid> {
        let mut out: Vec<Tag> = Vec::new();
        for part in input.split(|c: char| c == ',' || c == '，' || c == '、' || c.is_whitespace())
        {
            if part.trim().is_empty() {
                continue;
            }
            let t = Tag::parse(part)?;
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if out.is_empty() {
            return Err(JobInvalid::NoTags);
        }
        if out.len() > MAX_TAGS {
            return Err(JobInvalid::TooManyTags { max: MAX_TAGS });
        }
        Ok(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For values read back from storage, already normalised.
    pub fn from_stored(s: String) -> Tag {
        Tag(s)
    }
}

pub const MAX_TAGS: usize = 8;

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
