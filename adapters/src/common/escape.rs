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
}
