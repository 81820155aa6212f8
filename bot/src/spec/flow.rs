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
    // `/post kind=web` alone is the interview for that kind; more fields, the quick form.
    let quick = inline.iter().any(|(k, _)| k != "kind" && k != "类型");
    let mut draft = Draft::new(quick);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::interview::Q;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn state(s: &Step) -> (Box<Draft>, Option<Q>) {
        match s {
            Step::AskSpec {
                state: Dialogue::Interview { draft, asking },
                ..
            }
            | Step::SpecReview {
                state: Dialogue::Interview { draft, asking },
                ..
            } => (draft.clone(), asking.clone()),
            other => panic!("expected the interview, got {other:?}"),
        }
    }

    #[test]
    fn kind_alone_starts_that_kinds_interview_and_the_review_takes_fields_names_and_ok() {
        let s = start(&[("kind".into(), "web".into())], today());
        let (d, q) = state(&s);
        assert_eq!(q, Some(Q::Job(crate::dialogue::JobField::Title)));
        assert!(!d.quick);
        let mut d = *d;
        d.listing.title = Some("x".into());
        d.listing.tags = Some(vec![crate::job::Tag::parse("web").unwrap()]);
        d.listing.budget = crate::job::Budget::parse("5000").ok();
        d.listing.deadline = Some(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        d.done = vec!["kind".into()];
        for key in [
            "goal",
            "users",
            "scope_in",
            "scope_out",
            "web.login",
            "web.pages",
            "web.existing",
            "web.hosting",
            "web.content",
            "data",
            "integrations",
            "nonfunctional",
            "deliverables",
            "acceptance",
        ] {
            d.done.push(key.into());
        }
        let review = step(d.clone(), None, "scope_out=\"不做支付\"", today());
        let (after, q) = state(&review);
        assert_eq!(q, None, "still at the review");
        assert_eq!(after.spec.text(Section::ScopeOut), Some("不做支付"));
        let (_, q) = state(&step(d.clone(), None, "范围外", today()));
        assert_eq!(q, Some(Q::Section(Section::ScopeOut)));
        assert!(matches!(
            step(d.clone(), None, "什么", today()),
            Step::SpecReview { unclear: true, .. }
        ));
        assert!(matches!(
            step(d, None, "确定发布", today()),
            Step::SpecDone(_)
        ));
    }
}
