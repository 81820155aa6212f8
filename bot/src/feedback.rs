//! Feedback after a salon: a 1–5 rating, then one free-text suggestion (`-` skips). The
//! dialogue step is pure; the engine stores each answer as it comes, so a half-answered
//! feedback keeps its rating.

use crate::dialogue::{Dialogue, Step};
use crate::ids::{SalonId, UserRef};
use crate::validate::{long_text, Invalid};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest suggestion kept, in characters.
pub const COMMENT_MAX: usize = 1000;

/// Which feedback question is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackQ {
    Rating,
    Comment,
}

/// A rating from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    pub fn new(n: u8) -> Option<Rating> {
        (1..=5).contains(&n).then_some(Rating(n))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// `4`, `４`, `4分`, `4 stars`, `★★★★`; anything else is refused.
    pub fn parse(input: &str) -> Option<Rating> {
        let s = input.trim();
        let stars = s.chars().filter(|c| *c == '★' || *c == '⭐').count();
        if stars > 0
            && s.chars()
                .all(|c| c == '★' || c == '⭐' || c.is_whitespace())
        {
            return Rating::new(u8::try_from(stars).ok()?);
        }
        let digits: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                c => c,
            })
            .collect();
        let lower = digits.to_lowercase();
        let n = ["分", "星", "stars", "star", "/5"]
            .iter()
            .find_map(|suffix| lower.strip_suffix(suffix))
            .unwrap_or(&lower)
            .trim();
        Rating::new(n.parse().ok()?)
    }
}

/// Why an answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackInvalid {
    Rating,
    Comment(Invalid),
}

/// What the engine does after one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackStep {
    /// Ask `q` again (after explaining `error`) and wait in `state`.
    Ask {
        state: Dialogue,
        q: FeedbackQ,
        error: Option<FeedbackInvalid>,
    },
    /// Store the rating, then ask for the suggestion.
    Rated { salon: SalonId, rating: Rating },
    /// Store the suggestion (`None`: skipped) and end.
    Commented {
        salon: SalonId,
        comment: Option<String>,
    },
}

/// Words that skip the suggestion.
fn is_skip(s: &str) -> bool {
    matches!(
        s.to_lowercase().as_str(),
        "-" | "－" | "—" | "skip" | "跳过" | "无" | "没有" | "none" | "no"
    )
}

/// One answer in, the next step out.
pub fn step(salon: SalonId, asking: FeedbackQ, input: &str) -> Step {
    let again = |error| {
        Step::Feedback(FeedbackStep::Ask {
            state: Dialogue::Feedback { salon, asking },
            q: asking,
            error: Some(error),
        })
    };
    match asking {
        FeedbackQ::Rating => match Rating::parse(input) {
            Some(rating) => Step::Feedback(FeedbackStep::Rated { salon, rating }),
            None => again(FeedbackInvalid::Rating),
        },
        FeedbackQ::Comment if is_skip(input.trim()) => Step::Feedback(FeedbackStep::Commented {
            salon,
            comment: None,
        }),
        FeedbackQ::Comment => match long_text(input, COMMENT_MAX) {
            Ok(c) => Step::Feedback(FeedbackStep::Commented {
                salon,
                comment: Some(c),
            }),
            Err(why) => again(FeedbackInvalid::Comment(why)),
        },
    }
}

/// One person's feedback row, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRecord {
    pub salon: SalonId,
    pub account: UserRef,
    /// The member's name, for the organizers' view.
    pub name: Option<String>,
    pub asked_at: DateTime<Utc>,
    pub rating: Option<Rating>,
    pub rated_at: Option<DateTime<Utc>>,
    pub comment: Option<String>,
    /// The suggestion was given or skipped: nothing more to ask.
    pub done_at: Option<DateTime<Utc>>,
}

impl FeedbackRecord {
    /// The question still open, `None` when finished.
    pub fn open_question(&self) -> Option<FeedbackQ> {
        match (self.rating, self.done_at) {
            (_, Some(_)) => None,
            (None, None) => Some(FeedbackQ::Rating),
            (Some(_), None) => Some(FeedbackQ::Comment),
        }
    }
}

/// The organizers' figures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    pub asked: u32,
    pub answered: u32,
    /// How many gave 1, 2, … 5.
    pub counts: [u32; 5],
    pub average: Option<f64>,
    /// (rating, who, suggestion), newest first; contacts masked.
    pub comments: Vec<(Option<u8>, String, String)>,
}

impl Summary {
    pub fn of(records: &[FeedbackRecord]) -> Summary {
        let mut s = Summary {
            asked: records.len() as u32,
            ..Summary::default()
        };
        let mut sum = 0u32;
        for r in records {
            if let Some(x) = r.rating {
                s.answered += 1;
                s.counts[usize::from(x.get() - 1)] += 1;
                sum += u32::from(x.get());
            }
        }
        if s.answered > 0 {
            s.average = Some(f64::from(sum) / f64::from(s.answered));
        }
        let mut with: Vec<&FeedbackRecord> =
            records.iter().filter(|r| r.comment.is_some()).collect();
        with.sort_by_key(|r| std::cmp::Reverse((r.done_at, r.rated_at)));
        s.comments = with
            .into_iter()
            .map(|r| {
                let who = r.name.clone().unwrap_or_else(|| r.account.to_string());
                let text = crate::contact::mask_contacts(r.comment.as_deref().unwrap_or(""), "***");
                (r.rating.map(Rating::get), who, text)
            })
            .collect();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Platform;
    use chrono::{Duration, TimeZone};

    #[test]
    fn ratings_are_read_generously_and_only_one_to_five() {
        for (s, n) in [
            ("4", 4),
            (" ５ ", 5),
            ("3分", 3),
            ("2 stars", 2),
            ("★★★", 3),
        ] {
            assert_eq!(Rating::parse(s).map(Rating::get), Some(n), "{s}");
        }
        for s in ["0", "6", "", "good", "4.5", "-1", "★★★★★★"] {
            assert_eq!(Rating::parse(s), None, "{s}");
        }
    }

    fn ask(s: Step) -> (FeedbackQ, Option<FeedbackInvalid>) {
        match s {
            Step::Feedback(FeedbackStep::Ask { q, error, .. }) => (q, error),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bad_rating_or_comment_is_asked_again_with_the_reason() {
        let s = SalonId(1);
        assert_eq!(
            ask(step(s, FeedbackQ::Rating, "great")),
            (FeedbackQ::Rating, Some(FeedbackInvalid::Rating))
        );
        assert_eq!(
            ask(step(s, FeedbackQ::Comment, "bad\u{1b}[31m")),
            (
                FeedbackQ::Comment,
                Some(FeedbackInvalid::Comment(Invalid::ControlChars))
            )
        );
        let long = "长".repeat(COMMENT_MAX + 1);
        assert_eq!(
            ask(step(s, FeedbackQ::Comment, &long)),
            (
                FeedbackQ::Comment,
                Some(FeedbackInvalid::Comment(Invalid::TooLong {
                    max: COMMENT_MAX
                }))
            )
        );
        assert!(matches!(
            step(s, FeedbackQ::Comment, " - "),
            Step::Feedback(FeedbackStep::Commented { comment: None, .. })
        ));
        assert!(matches!(
            step(s, FeedbackQ::Rating, "4"),
            Step::Feedback(FeedbackStep::Rated { rating, .. }) if rating.get() == 4
        ));
    }

    #[test]
    fn the_summary_counts_averages_and_lists_comments_newest_first_masked() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap();
        let rec = |who: &str, rating: Option<u8>, comment: Option<&str>, min: i64| FeedbackRecord {
            salon: SalonId(1),
            account: UserRef::new(Platform::Console, who),
            name: Some(who.to_string()),
            asked_at: t,
            rating: rating.and_then(Rating::new),
            rated_at: rating.map(|_| t + Duration::minutes(min)),
            comment: comment.map(str::to_string),
            done_at: comment.map(|_| t + Duration::minutes(min + 1)),
        };
        let s = Summary::of(&[
            rec("a", Some(5), Some("早点开始"), 1),
            rec("b", Some(4), Some("call me 13812345678"), 5),
            rec("c", Some(4), None, 2),
            rec("d", None, None, 0),
        ]);
        assert_eq!((s.asked, s.answered), (4, 3));
        assert_eq!(s.counts, [0, 0, 0, 2, 1]);
        assert!((s.average.unwrap() - 13.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.comments.len(), 2);
        assert_eq!(s.comments[0].1, "b");
        assert!(!s.comments[0].2.contains("13812345678"), "{:?}", s.comments);
        assert_eq!(
            s.comments[1],
            (Some(5), "a".to_string(), "早点开始".to_string())
        );
    }
}
