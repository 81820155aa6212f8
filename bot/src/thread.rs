//! Clarification threads: questions about a job, answers, and the versioned spec they
//! build. Plus the two text tools they need: contact masking and near-duplicate matching.

use crate::ids::{MemberId, UserRef};
use crate::job::JobId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub i64);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewQuestion {
    pub job: JobId,
    pub asker: MemberId,
    pub account: UserRef,
    /// Shared conversation it was asked in (answers go back there), if any.
    pub conversation: Option<String>,
    /// The asker's message, for answering in its thread.
    pub message_id: Option<String>,
    /// As written: kept for operators.
    pub text: String,
    /// What is relayed (contacts masked until the job is assigned).
    pub shown: String,
    pub private: bool,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: QuestionId,
    pub q: NewQuestion,
    pub answer: Option<Answer>,
    pub reminders: u32,
    pub last_reminded_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub text: String,
    pub shown: String,
    pub by: MemberId,
    pub at: DateTime<Utc>,
}

/// One immutable version of a job's spec. Version 1 is the description; each later one
/// adds one public answer. Version N is versions 1..=N read together.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecVersion {
    pub job: JobId,
    pub version: u32,
    pub entry: SpecEntry,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SpecEntry {
    Initial {
        description: String,
        acceptance: String,
    },
    Qa {
        question: QuestionId,
        q: String,
        a: String,
    },
}

pub use crate::contact::mask_contacts;

/// Lower-case letters, digits and CJK only, full-width folded: `“怎么部署？”` ≈ `怎么部署`.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn bigrams(s: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() == 1 {
        return HashSet::from([(chars[0], chars[0])]);
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Similarity of two questions: Jaccard index of character bigrams of the normalised texts
/// (works for Chinese, which has no spaces, and for English).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (bigrams(&normalise(a)), bigrams(&normalise(b)));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let inter = a.intersection(&b).count() as f64;
    inter / ((a.len() + b.len()) as f64 - inter)
}

/// At or above this, a question is taken as asked before.
pub const DUPLICATE: f64 = 0.6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_masked_and_ordinary_numbers_are_not() {
        let m = |s: &str| mask_contacts(s, "***");
        assert_eq!(m("打我电话 13800001111 谢谢"), "打我电话 *** 谢谢");
        assert_eq!(m("call +49 151 1234 5678 now"), "call *** now");
        assert_eq!(m("mail li.lei@example.com"), "mail ***");
        assert_eq!(m("加微信 lilei_2024 聊"), "加*** 聊");
        assert_eq!(m("vx: abc12345"), "***");
        assert_eq!(m("QQ 12345678"), "***");
        assert_eq!(
            m("预算 5000 元，工期 30 天，v2 版本"),
            "预算 5000 元，工期 30 天，v2 版本"
        );
        assert_eq!(m("2027-01-31 前交付"), "2027-01-31 前交付", "a date stays");
    }

    #[test]
    fn near_duplicates_score_high_and_different_questions_low() {
        assert!(similarity("需要支持 Windows 吗？", "需要支持windows吗") > 0.9);
        assert!(
            similarity(
                "Does it need to run on Windows?",
                "does it need to run on windows"
            ) > 0.9
        );
        assert!(similarity("需要支持 Windows 吗？", "要不要支持 Windows？") >= DUPLICATE);
        assert!(similarity("需要支持 Windows 吗？", "数据量大概多大？") < 0.2);
        assert!(similarity("", "x") == 0.0);
        assert_eq!(normalise("“怎么部署？” OK"), "怎么部署ok");
    }
}
