//! Which section a question is about: an `@section` tag, or an obvious keyword.

use super::Section;

/// `@scope 要不要导出？` → (scope, "要不要导出？"); no tag → (None, text).
pub fn split_tag(text: &str) -> (Option<Section>, &str) {
    let t = text.trim_start();
    if t.starts_with(['@', '＠']) {
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        if let Some(s) = Section::parse(word) {
            if !rest.trim().is_empty() {
                return (Some(s), rest.trim());
            }
        }
    }
    (None, text)
}

const KEYWORDS: &[(Section, &[&str])] = &[
    (Section::Budget, &["预算", "报价", "budget", "price"]),
    (
        Section::Timeline,
        &["工期", "截止", "deadline", "timeline", "多久"],
    ),
    (Section::Acceptance, &["验收", "acceptance"]),
    (
        Section::Deliverables,
        &["部署", "源码", "交付物", "deploy", "hosting", "source code"],
    ),
    (
        Section::Integrations,
        &[
            "对接",
            "第三方",
            "集成",
            "integrat",
            "third-party",
            "third party",
        ],
    ),
    (
        Section::Nonfunctional,
        &[
            "性能",
            "并发",
            "安全",
            "兼容",
            "performance",
            "security",
            "concurrent",
        ],
    ),
    (Section::Data, &["数据", "data"]),
    (
        Section::Users,
        &["用户", "登录", "users", "log in", "login"],
    ),
];

/// The one section whose keywords the question names; none when zero or several match.
pub fn guess(text: &str) -> Option<Section> {
    let lower = text.to_lowercase();
    let hits: Vec<Section> = KEYWORDS
        .iter()
        .filter(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .map(|(s, _)| *s)
        .collect();
    match hits.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// A short quote for changelog lines.
pub fn excerpt(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(40).collect();
    if one_line.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_win_keywords_only_when_obvious() {
        assert_eq!(
            split_tag("@scope 需要管理员导出吗？"),
            (Some(Section::ScopeIn), "需要管理员导出吗？")
        );
        assert_eq!(split_tag("@nothing hi"), (None, "@nothing hi"));
        assert_eq!(
            guess("需要对接现有的 ERP 吗？"),
            Some(Section::Integrations)
        );
        assert_eq!(guess("Where is it deployed?"), Some(Section::Deliverables));
        assert_eq!(
            guess("预算和工期能谈吗？"),
            None,
            "two sections: left untagged"
        );
        assert_eq!(guess("什么颜色？"), None);
        assert_eq!(excerpt("a\nb"), "a b");
    }
}
