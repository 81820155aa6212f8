//! The guided spec interview behind `/post`: the kind first, then the listing fields and
//! the common section questions with a few kind-specific ones, then a review of the
//! readiness score before publishing. Pure: the state is a value the dialogue stores.

use super::{is_unsure, Kind, Section, Spec};
use crate::dialogue::{JobAnswers, JobField};
use crate::job::{JobDraft, JobInvalid};
use crate::validate::long_text;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One interview question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "q", content = "key", rename_all = "snake_case")]
pub enum Q {
    Kind,
    /// A listing field the job record needs (title, tags, budget, deadline).
    Job(JobField),
    Section(Section),
    /// A kind-specific question by key (`web.login`).
    Detail(String),
}

impl Q {
    fn key(&self) -> String {
        match self {
            Q::Kind => "kind".into(),
            Q::Job(f) => format!("job.{f:?}").to_lowercase(),
            Q::Section(s) => s.key().into(),
            Q::Detail(k) => k.clone(),
        }
    }
}

/// Kind-specific questions: key and the section the answer belongs to.
pub fn details(kind: Kind) -> &'static [(&'static str, Section)] {
    use Section::*;
    match kind {
        Kind::Web => &[
            ("web.login", Users),
            ("web.pages", ScopeIn),
            ("web.existing", Integrations),
            ("web.hosting", Deliverables),
            ("web.content", Data),
        ],
        Kind::Miniprogram => &[
            ("mp.platform", Nonfunctional),
            ("mp.pages", ScopeIn),
            ("mp.payment", Integrations),
            ("mp.account", Deliverables),
            ("mp.content", Data),
        ],
        Kind::Mobile => &[
            ("mobile.platforms", Nonfunctional),
            ("mobile.screens", ScopeIn),
            ("mobile.backend", Integrations),
            ("mobile.store", Deliverables),
        ],
        Kind::Backend => &[
            ("backend.clients", Users),
            ("backend.endpoints", ScopeIn),
            ("backend.load", Nonfunctional),
            ("backend.hosting", Deliverables),
        ],
        Kind::Data => &[
            ("data.sources", Data),
            ("data.schedule", ScopeIn),
            ("data.volume", Nonfunctional),
            ("data.output", Deliverables),
        ],
        Kind::Bot => &[
            ("bot.platform", Integrations),
            ("bot.triggers", ScopeIn),
            ("bot.accounts", Data),
            ("bot.hosting", Deliverables),
        ],
        Kind::Other => &[],
    }
}

/// The section a kind-specific question's answer belongs to.
pub fn detail_section(key: &str) -> Option<Section> {
    Kind::ALL
        .iter()
        .flat_map(|k| details(*k).iter())
        .find(|(k, _)| *k == key)
        .map(|(_, s)| *s)
}

/// A job spec being written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub spec: Spec,
    pub listing: JobAnswers,
    /// Keys of the questions answered (or answered "unsure").
    pub done: Vec<String>,
    /// Inline form: ask only what the job record cannot do without, publish at once.
    pub quick: bool,
    /// The kind was given (or answered); until then it is `Other`.
    pub kind_set: bool,
}

/// Why an answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Kind,
    Job(JobInvalid),
    /// "Unsure" to a field the listing cannot go without (title, tags, budget, deadline).
    Required,
}

/// What the interview does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    Ask {
        q: Q,
        error: Option<Refusal>,
    },
    /// Every question is through: show the score, publish or improve.
    Review {
        unclear: bool,
    },
    Done(Box<(JobDraft, Spec)>),
}

impl Draft {
    pub fn new(quick: bool) -> Draft {
        Draft {
            spec: Spec::new(Kind::Other),
            listing: JobAnswers::default(),
            done: Vec::new(),
            quick,
            kind_set: false,
        }
    }

    /// The questions in order for this kind.
    fn plan(&self) -> Vec<Q> {
        let mut p = vec![
            Q::Kind,
            Q::Job(JobField::Title),
            Q::Section(Section::Goal),
            Q::Job(JobField::Tags),
            Q::Job(JobField::Budget),
            Q::Job(JobField::Deadline),
        ];
        if self.quick {
            p.retain(|q| *q != Q::Kind);
            p.push(Q::Section(Section::Acceptance));
            return p;
        }
        p.extend(
            [Section::Users, Section::ScopeIn, Section::ScopeOut]
                .into_iter()
                .map(Q::Section),
        );
        p.extend(
            details(self.spec.kind)
                .iter()
                .map(|(k, _)| Q::Detail((*k).to_string())),
        );
        p.extend(
            [
                Section::Data,
                Section::Integrations,
                Section::Nonfunctional,
                Section::Deliverables,
                Section::Acceptance,
            ]
            .into_iter()
            .map(Q::Section),
        );
        p
    }

    fn answered(&self, q: &Q) -> bool {
        match q {
            Q::Kind => self.kind_set,
            Q::Job(JobField::Title) => self.listing.title.is_some(),
            Q::Job(JobField::Tags) => self.listing.tags.is_some(),
            Q::Job(JobField::Budget) => self.listing.budget.is_some(),
            Q::Job(JobField::Deadline) => self.listing.deadline.is_some(),
            Q::Job(_) => true,
            Q::Section(s) if self.quick => self.spec.filled(*s) || self.done.contains(&q.key()),
            q => self.done.contains(&q.key()),
        }
    }

    /// The next unanswered question, or the review (or, inline, done).
    pub fn next(self) -> Next {
        if let Some(q) = self.plan().into_iter().find(|q| !self.answered(q)) {
            return Next::Ask { q, error: None };
        }
        if self.quick {
            return self.finish();
        }
        Next::Review { unclear: false }
    }

    /// One answer to `q`.
    pub fn answer(&mut self, q: &Q, input: &str, today: NaiveDate) -> Result<(), Refusal> {
        match q {
            Q::Kind => {
                if is_unsure(input) {
                    self.spec.kind = Kind::Other;
                    self.spec.answer_detail("kind", input);
                } else {
                    self.spec.kind = Kind::parse(input).ok_or(Refusal::Kind)?;
                }
                self.kind_set = true;
            }
            Q::Job(f) => {
                // The job record cannot be listed without these: "unsure" is re-asked.
                if is_unsure(input) {
                    return Err(Refusal::Required);
                }
                self.listing.set(*f, input, today).map_err(Refusal::Job)?;
            }
            Q::Section(s) => {
                let text = if is_unsure(input) {
                    input.trim().to_string()
                } else {
                    long_text(input, 2000).map_err(|e| Refusal::Job(e.into()))?
                };
                self.spec.answer_section(*s, &text);
            }
            Q::Detail(k) => {
                let text = if is_unsure(input) {
                    input.trim().to_string()
                } else {
                    long_text(input, 500).map_err(|e| Refusal::Job(e.into()))?
                };
                self.spec.answer_detail(k, &text);
            }
        }
        let key = q.key();
        if !self.done.contains(&key) {
            self.done.push(key);
        }
        Ok(())
    }

    /// Inline `key=value` fields: listing fields, `kind`, and any section.
    pub fn apply(
        &mut self,
        fields: &[(String, String)],
        today: NaiveDate,
    ) -> Result<(), (Q, Refusal)> {
        for (k, v) in fields {
            let q = match k.as_str() {
                "kind" | "类型" => Q::Kind,
                "title" | "标题" => Q::Job(JobField::Title),
                "tags" | "标签" => Q::Job(JobField::Tags),
                "budget" | "预算" => Q::Job(JobField::Budget),
                "deadline" | "截止" | "截止日期" => Q::Job(JobField::Deadline),
                "description" | "desc" | "描述" => Q::Section(Section::Goal),
                k => match Section::parse(k) {
                    Some(s) => Q::Section(s),
                    None => continue,
                },
            };
            self.answer(&q, v, today).map_err(|e| (q.clone(), e))?;
        }
        Ok(())
    }

    /// The job record and its spec; listing fields all present.
    pub fn finish(self) -> Next {
        let Draft {
            mut spec, listing, ..
        } = self;
        let (Some(title), Some(tags), Some(budget), Some(deadline)) = (
            listing.title.clone(),
            listing.tags,
            listing.budget,
            listing.deadline,
        ) else {
            return Next::Ask {
                q: Q::Job(JobField::Title),
                error: None,
            };
        };
        let description = listing
            .description
            .or_else(|| spec.text(Section::Goal).map(str::to_string))
            .unwrap_or_else(|| title.clone());
        let acceptance = if spec.acceptance.is_empty() {
            "—".to_string()
        } else {
            spec.acceptance.join("; ")
        };
        spec.sections
            .entry(Section::Budget)
            .or_insert_with(|| budget.to_string());
        spec.sections
            .entry(Section::Timeline)
            .or_insert_with(|| deadline.to_string());
        Next::Done(Box::new((
            JobDraft {
                title,
                description,
                tags,
                budget,
                deadline,
                acceptance,
            },
            spec,
        )))
    }
}

/// Replies in the review that publish as it is.
pub fn is_go(input: &str) -> bool {
    matches!(
        input.trim().to_lowercase().as_str(),
        "确定"
            | "确定发布"
            | "发布吧"
            | "好"
            | "好的"
            | "可以"
            | "ok"
            | "yes"
            | "y"
            | "go"
            | "publish it"
    )
}

/// `key=value` pairs from a line (values may be quoted); `None` if a word has no `=`.
pub fn fields(line: &str) -> Option<Vec<(String, String)>> {
    let toks = crate::command::tokenize(line);
    let mut out = Vec::new();
    for t in toks {
        let (k, v) = t.split_once(['=', '＝'])?;
        out.push((k.trim().to_lowercase(), v.trim().to_string()));
    }
    (!out.is_empty()).then_some(out)
}
