//! Markup escaping shared by the adapters.

use std::borrow::Cow;

/// Exactly `&`, `<`, `>` as entities: Slack mrkdwn and Telegram HTML.
pub fn entities(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// WeCom text messages (app, kf, robot) render `<a href=…>` and `<a data-miniprogram-…>`
/// as links (docs/platforms/wecom.md §4.2) and know no entities, so the `<` opening such
/// a tag becomes a full-width `＜`: the text stays readable and nothing is a link. Other
/// angle brackets (`/approve <salon> <user>`) are left alone.
pub fn wecom_text(text: &str) -> Cow<'_, str> {
    let is_tag_at = |i: usize| {
        let rest = &text.as_bytes()[i + 1..];
        let rest = rest.strip_prefix(b"/").unwrap_or(rest);
        matches!(rest.first(), Some(b'a' | b'A'))
            && rest
                .get(1)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
    };
    if !text.match_indices('<').any(|(i, _)| is_tag_at(i)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for (i, _) in text.match_indices('<') {
        if is_tag_at(i) {
            out.push_str(&text[last..i]);
            out.push('＜');
            last = i + 1;
        }
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// A backslash before every character of `special`.
pub fn backslash(text: &str, special: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if special.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_and_backslashes() {
        assert!(matches!(entities("plain"), Cow::Borrowed("plain")));
        assert_eq!(entities("a<b>&c"), "a&lt;b&gt;&amp;c");
        assert_eq!(backslash("a_b*c", "_*"), "a\\_b\\*c");
    }

    #[test]
    fn wecom_anchors_lose_their_angle_bracket_only() {
        assert!(matches!(
            wecom_text("/approve <salon> <user>"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            wecom_text("<a href=\"x\">y</a> <A\thref=x> <a>"),
            "＜a href=\"x\">y＜/a> ＜A\thref=x> ＜a>"
        );
        assert_eq!(wecom_text("<abbr> <"), "<abbr> <");
    }
}
