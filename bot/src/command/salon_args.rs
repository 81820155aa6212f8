//! Arguments of the salon series commands: raw `key=value` fields (checked by
//! `salon_form`, so an unknown key gets its own reason), `copy=<id>`, `[all] <text>`.

use super::args::{is_all, word};
use crate::ids::SalonId;

fn is_copy(k: &str) -> bool {
    matches!(k.to_lowercase().as_str(), "copy" | "复制")
}

fn split(t: &str) -> Option<(String, String)> {
    let (k, v) = t.split_once('=').or_else(|| t.split_once('＝'))?;
    (!k.is_empty()).then(|| (k.to_string(), v.to_string()))
}

/// Fields as typed: (`key`, `value`).
pub type RawFields = Vec<(String, String)>;

/// `key=value…`; with `copy_ok`, one `copy=<id>` (`复制=<id>`) names the salon to copy.
pub fn salon_fields(toks: &[String], copy_ok: bool) -> Option<(Option<SalonId>, RawFields)> {
    let mut copy = None;
    let mut fields = Vec::new();
    for t in toks {
        let (k, v) = split(t)?;
        if copy_ok && is_copy(&k) {
            let id = v
                .trim_start_matches('#')
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)?;
            if copy.replace(SalonId(id)).is_some() {
                return None;
            }
        } else {
            fields.push((k, v));
        }
    }
    Some((copy, fields))
}

/// Fields written back: `copy=<id>` first, then `key="value"` as given.
pub fn salon_field_words(copy: Option<SalonId>, fields: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = copy.iter().map(|c| format!("copy={c}")).collect();
    for (k, v) in fields {
        out.push(format!("{k}={}", word_forced(v)));
    }
    out
}

/// A value always in quotes (`word` leaves bare words bare).
fn word_forced(v: &str) -> String {
    let w = word(v);
    if w.starts_with('"') {
        w
    } else {
        format!("\"{w}\"")
    }
}

/// `[all] <text>` after the salon id: (`all`, text).
pub fn announce_text(after_id: &str) -> (bool, &str) {
    match after_id.split_once(char::is_whitespace) {
        Some((w, t)) if is_all(w) => (true, t.trim()),
        None if is_all(after_id) => (true, ""),
        _ => (false, after_id),
    }
}
