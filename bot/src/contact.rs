//! Contact masking: phone numbers, e-mail addresses and WeChat/QQ ids in relayed text.
//! Matching runs on a folded copy (full-width forms → ASCII, zero-width characters
//! dropped) so `１３８…` or `138\u{200B}1234…` cannot slip through; the output keeps the
//! original text outside what was masked.

use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// Invisible characters people (or spammers) put between digits.
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The folded text and, for each of its bytes, the original byte range it came from.
pub struct Folded {
    pub text: String,
    src: Vec<(usize, usize)>,
}

/// NFKC per character (full-width digits, `＠`, `．` become ASCII), zero-width removed.
pub fn fold(text: &str) -> Folded {
    let mut out = Folded {
        text: String::with_capacity(text.len()),
        src: Vec::with_capacity(text.len()),
    };
    for (i, c) in text.char_indices() {
        if is_zero_width(c) {
            continue;
        }
        let end = i + c.len_utf8();
        for n in std::iter::once(c).nfkc() {
            out.text.push(n);
            out.src.extend(std::iter::repeat_n((i, end), n.len_utf8()));
        }
    }
    out
}

const AT: &str = r"(?:@|\s*[\[(（]\s*at\s*[\])）]\s*|\s+at\s+)";
const DOT: &str = r"(?:\.|\s*[\[(（]\s*dot\s*[\])）]\s*|\s+dot\s+)";
/// Numbers are never cut out of a longer number (a second pass would then mask the
/// tail, and masking must be idempotent): the context is matched, the contact is group 1.
const NOT_DIGIT_AFTER: &str = r"(?:[^0-9]|$)";
const NOT_DIGIT_BEFORE: &str = r"(?:^|[^0-9])";

/// Index of the WeChat/QQ keyword pattern in `CONTACTS`.
const KEYWORD: usize = 1;

static CONTACTS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        format!(r"(?i)([a-z0-9._%+-]+{AT}[a-z0-9-]+(?:{DOT}[a-z0-9-]+)*{DOT}[a-z]{{2,}})\b"),
        // WeChat / QQ ids after a keyword (not inside a word): 微信 abc_123, vx: abc, QQ 12345678
        r"(?i)((?:微信号?|vx|wx|wechat|weixin|qq|扣扣)\s*(?:号|id)?\s*[:：]?\s*[a-z0-9_\-]{5,20})(?:[^a-z0-9_\-]|$)".to_string(),
        // international numbers
        format!(r"(\+[0-9][0-9\s\-.]{{7,16}}[0-9]){NOT_DIGIT_AFTER}"),
        // Chinese mobiles, also 138 0000 1111, 138-0000-1111, 138.0000.1111
        format!(r"{NOT_DIGIT_BEFORE}(1[3-9][0-9](?:[\s\-.]?[0-9]){{8}}){NOT_DIGIT_AFTER}"),
        // landlines: 0571-88889999
        format!(r"{NOT_DIGIT_BEFORE}(0[0-9]{{2,3}}-[0-9]{{7,8}}){NOT_DIGIT_AFTER}"),
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap_or_else(|e| unreachable!("a valid constant pattern: {e}")))
    .collect()
});

/// Byte ranges of `text` (the original) that hold a contact, sorted and merged.
fn contact_ranges(text: &str) -> Vec<(usize, usize)> {
    let f = fold(text);
    let t = f.text.as_str();
    let mut found = Vec::new();
    for (i, re) in CONTACTS.iter().enumerate() {
        let mut at = 0;
        while at <= t.len() {
            let Some(m) = re.captures_at(t, at).and_then(|c| c.get(1)) else {
                break;
            };
            // A keyword inside a word (`bqq…`) is not one; checked here, not in the pattern,
            // so that a contact right before it does not hide it on the first pass only.
            let in_word = i == KEYWORD
                && t[..m.start()]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphabetic());
            if !in_word {
                found.push((f.src[m.start()].0, f.src[m.end() - 1].1));
            }
            // The context after the contact may begin the next one.
            // (A contact is never empty, so this always moves on.)
            at = m
                .end()
                .max(at + t[at..].chars().next().map_or(1, char::len_utf8));
        }
    }
    found.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(found.len());
    for (s, e) in found {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Replaces phone numbers, e-mail addresses and WeChat/QQ ids with `mask`.
///
/// Repeated until nothing changes: masking one contact can change the context of the
/// next (`微信1…-138…`), and masking twice must equal masking once.
pub fn mask_contacts(text: &str, mask: &str) -> String {
    let mut cur = mask_once(text, mask);
    // Each pass that changes something masks more of the text; a few passes suffice.
    for _ in 0..8 {
        let next = mask_once(&cur, mask);
        if next == cur {
            break;
        }
        cur = next;
    }
    cur
}

fn mask_once(text: &str, mask: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (s, e) in contact_ranges(text) {
        out.push_str(&text[from..s]);
        out.push_str(mask);
        from = e;
    }
    out.push_str(&text[from..]);
    out
}

#[cfg(test)]
#[path = "contact_tests.rs"]
mod tests;
