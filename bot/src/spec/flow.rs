//! The interview as dialogue steps: what `/post` starts and each answer continues.

use super::interview::{fields, is_go, Draft, Next, Refusal, Q};
use super::Section;
use crate::dialogue::{Dialogue, Step};
use chrono::NaiveDate;

fn ask(draft: Draft, q: Q, error: Option<Refusal>) -> Step {
    Step::AskSpec {
        state: Dialogue::Interview {
            draft: Box::new(draft),
            asking: Some(q.clone()),
        },
        q,
        error,
    }
}

fn review(draft: Draft, unclear: bool) -> Step {
    Step::SpecReview {
        state: Dialogue::Interview {
            draft: Box::new(draft),
            asking: None,
        },
        unclear,
    }
}

fn after(draft: Draft) -> Step {
    match draft.clone().next() {
        Next::Ask { q, error } => ask(draft, q, error),
        Next::Review { unclear } => review(draft, unclear),
        Next::Done(d) => Step::SpecDone(d),
    }
}

/// `/post` with inline `key=value` pairs (none: the full interview).
pub fn start(inline: &[(String, String)], today: NaiveDate) -> Step {
    let mut draft = Draft::new(!inline.is_empty());
    if let Err((q, why)) = draft.apply(inline, today) {
        return ask(draft, q, Some(why));
    }
    after(draft)
}

/// One reply: an answer to `asking`, or at the review (`None`) publish / improve.
pub fn step(mut draft: Draft, asking: Option<Q>, input: &str, today: NaiveDate) -> Step {
    match asking {
        Some(q) => match draft.answer(&q, input, today) {
            Ok(()) => after(draft),
            Err(why) => ask(draft, q, Some(why)),
        },
        None if is_go(input) => match draft.clone().finish() {
            Next::Done(d) => Step::SpecDone(d),
            Next::Ask { q, error } => ask(draft, q, error),
            Next::Review { unclear } => review(draft, unclear),
        },
        None => {
            if let Some(f) = fields(input) {
                return match draft.apply(&f, today) {
                    Ok(()) => review(draft, false),
                    Err((q, why)) => ask(draft, q, Some(why)),
                };
            }
            match Section::parse(input) {
                Some(s) if !matches!(s, Section::Budget | Section::Timeline) => {
                    ask(draft, Q::Section(s), None)
                }
                _ => review(draft, true),
            }
        }
    }
}
