//! Texts of clarification threads, in Chinese (default) and English.

use super::Locale;
use crate::job::Job;
use crate::thread::{Question, QuestionId, SpecEntry, SpecVersion};

/// What replaces a contact in relayed text.
pub const MASK: &str = "[联系方式已隐藏 / contact hidden]";

pub enum ThreadMsg<'a> {
    Relayed {
        q: &'a Question,
        job: &'a Job,
        who: &'a str,
    },
    Asked {
        q: &'a Question,
    },
    SeenAnswered {
        earlier: &'a Question,
    },
    SeenOpen {
        earlier: &'a Question,
    },
    Answered {
        q: &'a Question,
        job: &'a Job,
    },
    SpecUpdated {
        q: &'a Question,
        job: &'a Job,
        version: u32,
    },
    AnsweredAck {
        q: &'a Question,
        version: Option<u32>,
    },
    AlreadyAnswered(QuestionId),
    NotFound(i64),
    NotTheClient,
    AskAnswer(&'a Question),
    Faq {
        job: &'a Job,
        items: &'a [Question],
    },
    FaqNone(&'a Job),
    Spec {
        job: &'a Job,
        versions: &'a [SpecVersion],
    },
    NoSuchVersion {
        job: &'a Job,
        latest: u32,
    },
    OpenQuestions(&'a [Question]),
    NoOpenQuestions,
    Followed(&'a Job),
    Unfollowed(&'a Job),
    Reminder {
        q: &'a Question,
        hours: i64,
    },
    Closed(&'a Job),
    SpecLine {
        version: u32,
        job: &'a Job,
    },
    AnswerButton,
}

impl ThreadMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }
}

fn visibility(q: &Question, l: Locale) -> &'static str {
    match (l, q.q.private) {
        (Locale::Zh, true) => "私密",
        (Locale::Zh, false) => "公开",
        (Locale::En, true) => "private",
        (Locale::En, false) => "public",
    }
}

fn answer_of(q: &Question) -> &str {
    q.answer.as_ref().map(|a| a.shown.as_str()).unwrap_or("")
}

fn qa(q: &Question, l: Locale) -> String {
    match l {
        Locale::Zh => format!("问：{}\n答：{}", q.q.shown, answer_of(q)),
        Locale::En => format!("Q: {}\nA: {}", q.q.shown, answer_of(q)),
    }
}

fn spec(job: &Job, versions: &[SpecVersion], l: Locale) -> String {
    let zh = l == Locale::Zh;
    let latest = versions.last().map(|v| v.version).unwrap_or(1);
    let mut body = if zh {
        format!("需求 #{} 规格 v{latest}：{}\n", job.id, job.draft.title)
    } else {
        format!("Job #{} spec v{latest}: {}\n", job.id, job.draft.title)
    };
    let mut log = String::from(if zh {
        "\n变更记录："
    } else {
        "\nChangelog:"
    });
    let mut qas = String::new();
    for v in versions {
        match &v.entry {
            SpecEntry::Initial {
                description,
                acceptance,
            } => {
                body += &if zh {
                    format!("{description}\n验收标准：{acceptance}\n")
                } else {
                    format!("{description}\nAcceptance criteria: {acceptance}\n")
                };
                log += &if zh {
                    format!("\nv{} 初始描述", v.version)
                } else {
                    format!("\nv{} initial description", v.version)
                };
            }
            SpecEntry::Qa { question, q, a } => {
                qas += &if zh {
                    format!("\n问：{q}\n答：{a}")
                } else {
                    format!("\nQ: {q}\nA: {a}")
                };
                let short: String = q.chars().take(30).collect();
                log += &if zh {
                    format!("\nv{} 回答问题 #{question}：{short}", v.version)
                } else {
                    format!("\nv{} answered question #{question}: {short}", v.version)
                };
            }
        }
    }
    if !qas.is_empty() {
        body += if zh { "\n问答：" } else { "\nQ&A:" };
        body += &qas;
        body.push('\n');
    }
    body + &log
}

fn zh(m: &ThreadMsg) -> String {
    use ThreadMsg::*;
    let l = Locale::Zh;
    match m {
        Relayed { q, job, who } => format!(
            "❓ 关于需求 #{}「{}」的问题 #{}（{}，来自 {who}）：\n{}\n直接回复本消息即可回答，或发送 /回答 {} <内容>",
            job.id, job.draft.title, q.id, visibility(q, l), q.q.shown, q.id
        ),
        Asked { q } => format!("问题 #{} 已转达给需求方（{}），回答会发给您。", q.id, visibility(q, l)),
        SeenAnswered { earlier } => format!("这个问题之前有人问过（问题 #{}）：\n{}\n如果还不清楚，请换个说法再问。", earlier.id, qa(earlier, l)),
        SeenOpen { earlier } => format!("类似的问题 #{} 正在等需求方回答：\n{}\n回答后会通知您（已为您关注这个需求）。", earlier.id, earlier.q.shown),
        Answered { q, job } => format!("💬 需求 #{}「{}」的回答（问题 #{}）：\n{}", job.id, job.draft.title, q.id, qa(q, l)),
        SpecUpdated { q, job, version } => format!("📌 需求 #{}「{}」规格更新到 v{version}（问题 #{}）：\n{}", job.id, job.draft.title, q.id, qa(q, l)),
        AnsweredAck { q, version: Some(v) } => format!("已回答问题 #{}，需求规格更新为 v{v}。", q.id),
        AnsweredAck { q, version: None } => format!("已私下回答问题 #{}。", q.id),
        AlreadyAnswered(id) => format!("问题 #{id} 已经回答过了。"),
        NotFound(id) => format!("没有编号为 {id} 的问题。"),
        NotTheClient => "只有需求方可以回答这个问题。".into(),
        AskAnswer(q) => format!("请输入对问题 #{} 的回答（发送 /取消 放弃）：\n{}", q.id, q.q.shown),
        Faq { job, items } => {
            let mut s = format!("需求 #{}「{}」的公开问答：", job.id, job.draft.title);
            for q in items.iter() {
                s += &format!("\n#{} {}", q.id, qa(q, l));
            }
            s
        }
        FaqNone(job) => format!("需求 #{} 还没有公开问答。有疑问可以发送 /提问 {} <问题>。", job.id, job.id),
        Spec { job, versions } => spec(job, versions, l),
        NoSuchVersion { job, latest } => format!("需求 #{} 没有这个版本，最新是 v{latest}。", job.id),
        OpenQuestions(list) => {
            let mut s = format!("待回答的问题 {} 个：", list.len());
            for q in list.iter() {
                s += &format!("\n#{}（需求 #{}，{}）{}  回答：/回答 {} <内容>", q.id, q.q.job, visibility(q, l), q.q.shown, q.id);
            }
            s
        }
        NoOpenQuestions => "没有待回答的问题。".into(),
        Followed(job) => format!("已关注需求 #{}，公开回答会通知您。", job.id),
        Unfollowed(job) => format!("已取消关注需求 #{}。", job.id),
        Reminder { q, hours } => format!("⏰ 问题 #{}（需求 #{}）已等待约 {hours} 小时：\n{}\n回答：/回答 {} <内容>", q.id, q.q.job, q.q.shown, q.id),
        Closed(job) => format!("需求 #{} 已结束，不能再提问。", job.id),
        SpecLine { version, job } => format!("规格 v{version}（/规格 {} 查看完整规格与变更记录，/问答 {} 查看问答）", job.id, job.id),
        AnswerButton => "回答".into(),
    }
}

fn en(m: &ThreadMsg) -> String {
    use ThreadMsg::*;
    let l = Locale::En;
    match m {
        Relayed { q, job, who } => format!(
            "❓ Question #{} about job #{} \"{}\" ({}, from {who}):\n{}\nReply to this message to answer, or send /answer {} <text>",
            q.id, job.id, job.draft.title, visibility(q, l), q.q.shown, q.id
        ),
        Asked { q } => format!("Question #{} went to the client ({}); you will get the answer.", q.id, visibility(q, l)),
        SeenAnswered { earlier } => format!("This was asked before (question #{}):\n{}\nIf it is still unclear, ask in other words.", earlier.id, qa(earlier, l)),
        SeenOpen { earlier } => format!("A similar question #{} is waiting for the client:\n{}\nYou will hear the answer (you now follow this job).", earlier.id, earlier.q.shown),
        Answered { q, job } => format!("💬 Answer about job #{} \"{}\" (question #{}):\n{}", job.id, job.draft.title, q.id, qa(q, l)),
        SpecUpdated { q, job, version } => format!("📌 Job #{} \"{}\" spec is now v{version} (question #{}):\n{}", job.id, job.draft.title, q.id, qa(q, l)),
        AnsweredAck { q, version: Some(v) } => format!("Question #{} answered; the spec is now v{v}.", q.id),
        AnsweredAck { q, version: None } => format!("Question #{} answered privately.", q.id),
        AlreadyAnswered(id) => format!("Question #{id} is already answered."),
        NotFound(id) => format!("There is no question {id}."),
        NotTheClient => "Only the client can answer this question.".into(),
        AskAnswer(q) => format!("Your answer to question #{} (/cancel to stop):\n{}", q.id, q.q.shown),
        Faq { job, items } => {
            let mut s = format!("Public Q&A of job #{} \"{}\":", job.id, job.draft.title);
            for q in items.iter() {
                s += &format!("\n#{} {}", q.id, qa(q, l));
            }
            s
        }
        FaqNone(job) => format!("Job #{} has no public Q&A yet. Ask with /ask {} <question>.", job.id, job.id),
        Spec { job, versions } => spec(job, versions, l),
        NoSuchVersion { job, latest } => format!("Job #{} has no such version; the latest is v{latest}.", job.id),
        OpenQuestions(list) => {
            let mut s = format!("{} questions waiting for you:", list.len());
            for q in list.iter() {
                s += &format!("\n#{} (job #{}, {}) {}  answer: /answer {} <text>", q.id, q.q.job, visibility(q, l), q.q.shown, q.id);
            }
            s
        }
        NoOpenQuestions => "No questions waiting.".into(),
        Followed(job) => format!("Following job #{}: public answers will reach you.", job.id),
        Unfollowed(job) => format!("No longer following job #{}.", job.id),
        Reminder { q, hours } => format!("⏰ Question #{} (job #{}) has waited about {hours} h:\n{}\nAnswer: /answer {} <text>", q.id, q.q.job, q.q.shown, q.id),
        Closed(job) => format!("Job #{} is over; no more questions.", job.id),
        SpecLine { version, job } => format!("Spec v{version} (/spec {} for the full spec and changelog, /faq {} for Q&A)", job.id, job.id),
        AnswerButton => "Answer".into(),
    }
}
