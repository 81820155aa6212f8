//! Texts of the feedback after a salon, zh and en.

use super::Locale;
use crate::feedback::{FeedbackInvalid, FeedbackQ, Summary};
use crate::model::Salon;
use crate::validate::Invalid;

/// Comments listed in the summary; the rest are counted (all are in the export).
const LISTED: usize = 20;

pub enum FeedbackMsg<'a> {
    /// After the salon ended: thanks, and the rating question.
    Invite(&'a Salon),
    /// One question, after the reason the last answer was refused (if any).
    Ask {
        q: FeedbackQ,
        error: Option<FeedbackInvalid>,
    },
    Thanks(&'a Salon),
    AlreadyDone(&'a Salon),
    /// Only people who checked in are asked.
    NotAttended(&'a Salon),
    NotEnded(&'a Salon),
    Summary {
        salon: &'a Salon,
        summary: &'a Summary,
    },
}

impl FeedbackMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        let zh = l == Locale::Zh;
        let title = |s: &Salon| s.info.title.get(l).to_string();
        match self {
            FeedbackMsg::Invite(s) => {
                let q = question(FeedbackQ::Rating, l);
                if zh {
                    format!(
                        "感谢参加「{}」！{q}\n（之后也可以发送 /反馈 {} 继续）",
                        title(s),
                        s.id
                    )
                } else {
                    format!(
                        "Thank you for coming to \"{}\"! {q}\n(You can also continue later with /feedback {}.)",
                        title(s),
                        s.id
                    )
                }
            }
            FeedbackMsg::Ask { q, error, .. } => match error {
                Some(e) => format!("{} {}", invalid(*e, l), question(*q, l)),
                None => question(*q, l),
            },
            FeedbackMsg::Thanks(s) => {
                if zh {
                    format!("谢谢你对「{}」的反馈！每一条我们都会认真阅读。", title(s))
                } else {
                    format!(
                        "Thank you for your feedback on \"{}\"! We read every answer.",
                        title(s)
                    )
                }
            }
            FeedbackMsg::AlreadyDone(s) => {
                if zh {
                    format!("你已经提交过「{}」的反馈，谢谢！", title(s))
                } else {
                    format!("You already gave feedback on \"{}\". Thank you!", title(s))
                }
            }
            FeedbackMsg::NotAttended(s) => {
                if zh {
                    format!("只有签到参加了「{}」的人才能反馈。", title(s))
                } else {
                    format!(
                        "Only people who checked in at \"{}\" can give feedback on it.",
                        title(s)
                    )
                }
            }
            FeedbackMsg::NotEnded(s) => {
                if zh {
                    format!("「{}」结束后才能反馈。", title(s))
                } else {
                    format!("Feedback on \"{}\" opens when it has ended.", title(s))
                }
            }
            FeedbackMsg::Summary { salon, summary } => summary_text(&title(salon), summary, l),
        }
    }
}

fn question(q: FeedbackQ, l: Locale) -> String {
    match (q, l) {
        (FeedbackQ::Rating, Locale::Zh) => "请为本次活动打分（1–5，5 为最好）：点按钮或直接回复数字。",
        (FeedbackQ::Rating, Locale::En) => {
            "How would you rate it, from 1 to 5 (5 = best)? Press a button or reply with the number."
        }
        (FeedbackQ::Comment, Locale::Zh) => "还有什么建议吗？一条消息写下即可；不想写请回复 - 跳过。",
        (FeedbackQ::Comment, Locale::En) => {
            "Any suggestions? Write them in one message, or reply - to skip."
        }
    }
    .to_string()
}

fn invalid(e: FeedbackInvalid, l: Locale) -> String {
    let zh = l == Locale::Zh;
    match e {
        FeedbackInvalid::Rating => if zh {
            "抱歉，没看懂这个分数。"
        } else {
            "Sorry, that is not a rating from 1 to 5."
        }
        .into(),
        FeedbackInvalid::Comment(Invalid::TooLong { max }) => {
            if zh {
                format!("抱歉，太长了，最多 {max} 个字。")
            } else {
                format!("Sorry, that is too long: at most {max} characters.")
            }
        }
        FeedbackInvalid::Comment(Invalid::ControlChars) => super::InputMsg::ControlChars.render(l),
        FeedbackInvalid::Comment(_) => if zh {
            "抱歉，没有收到文字。"
        } else {
            "Sorry, that message had no text."
        }
        .into(),
    }
}

fn summary_text(title: &str, s: &Summary, l: Locale) -> String {
    let zh = l == Locale::Zh;
    let avg = s.average.map_or("–".to_string(), |a| format!("{a:.1}"));
    let mut out = if zh {
        format!(
            "「{title}」反馈：已回答 {} / 已邀请 {}，平均 {avg} 分",
            s.answered, s.asked
        )
    } else {
        format!(
            "Feedback on \"{title}\": {} answered / {} asked, average {avg}",
            s.answered, s.asked
        )
    };
    for star in (1..=5).rev() {
        let n = s.counts[star - 1];
        out += &format!("\n{star}★ {} {n}", "█".repeat(n.min(30) as usize));
    }
    if s.comments.is_empty() {
        out += if zh {
            "\n暂无建议。"
        } else {
            "\nNo suggestions yet."
        };
        return out;
    }
    out += if zh {
        "\n建议（新→旧）："
    } else {
        "\nSuggestions (newest first):"
    };
    for (rating, who, text) in s.comments.iter().take(LISTED) {
        let r = rating.map_or(String::new(), |r| format!("[{r}★] "));
        let sep = if zh { "：" } else { ": " };
        out += &format!("\n- {r}{who}{sep}{text}");
    }
    let more = s.comments.len().saturating_sub(LISTED);
    if more > 0 {
        out += &if zh {
            format!("\n……另有 {more} 条，见 yunqi export feedback")
        } else {
            format!("\n… {more} more in `yunqi export feedback`")
        };
    }
    out
}
