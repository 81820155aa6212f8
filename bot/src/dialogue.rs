//! Dialogues: an enum of states carrying their data and a pure step function. The state is
//! stored after every step, so a restart resumes at the same question.

use crate::command::{JobFields, ProfileFields};
use crate::ids::{SalonId, UserRef};
use crate::job::{parse_deadline, Budget, JobDraft, JobInvalid, Tag};
use crate::model::Member;
use crate::thread::QuestionId;
use crate::validate::long_text;
use crate::validate::{Invalid, PersonName, Phone, Position, Years};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which profile question a dialogue asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Name,
    Phone,
    Position,
    Years,
}

/// Which job field a dialogue asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobField {
    Title,
    Description,
    Tags,
    Budget,
    Deadline,
    Acceptance,
}

/// A profile being filled in; starts from what the member's profile already has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    pub name: Option<PersonName>,
    pub phone: Option<Phone>,
    pub position: Option<Position>,
    pub years: Option<Years>,
}

impl Answers {
    pub fn from_member(m: &Member) -> Answers {
        Answers {
            name: m.name.clone(),
            phone: m.phone.clone(),
            position: m.position.clone(),
            years: m.years,
        }
    }

    /// Sets one field from a user's answer, or says why it is refused.
    pub fn set(&mut self, field: Field, input: &str) -> Result<(), Invalid> {
        match field {
            Field::Name => self.name = Some(PersonName::parse(input)?),
            Field::Phone => self.phone = Some(Phone::parse(input)?),
            Field::Position => self.position = Some(Position::parse(input)?),
            Field::Years => self.years = Some(Years::parse(input)?),
        }
        Ok(())
    }

    /// Applies inline `key=value` fields; the first bad one is returned with its reason.
    pub fn apply(&mut self, f: &ProfileFields) -> Result<(), (Field, Invalid)> {
        let given = [
            (Field::Name, &f.name),
            (Field::Phone, &f.phone),
            (Field::Position, &f.position),
            (Field::Years, &f.years),
        ];
        for (field, value) in given {
            if let Some(v) = value {
                self.set(field, v).map_err(|e| (field, e))?;
            }
        }
        Ok(())
    }

    /// The next question, in the pinned order name, phone, position, years.
    pub fn next_missing(&self) -> Option<Field> {
        if self.name.is_none() {
            Some(Field::Name)
        } else if self.phone.is_none() {
            Some(Field::Phone)
        } else if self.position.is_none() {
            Some(Field::Position)
        } else if self.years.is_none() {
            Some(Field::Years)
        } else {
            None
        }
    }

    pub fn write_to(&self, m: &mut Member) {
        if let Some(v) = &self.name {
            m.name = Some(v.clone());
        }
        if let Some(v) = &self.phone {
            m.phone = Some(v.clone());
        }
        if let Some(v) = &self.position {
            m.position = Some(v.clone());
        }
        if let Some(v) = self.years {
            m.years = Some(v);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Dialogue {
    Register {
        salon: SalonId,
        answers: Answers,
        asking: Field,
    },
    /// An organizer pressed "reject" and is asked for the reason.
    RejectReason { salon: SalonId, user: UserRef },
    /// A client posting a job.
    Post {
        answers: JobAnswers,
        asking: JobField,
    },
    /// A client pressed "answer" under a relayed question.
    Answer { question: QuestionId },
    /// The guided spec interview of `/post`; `asking: None` is the review before publishing.
    Interview {
        draft: Box<crate::spec::interview::Draft>,
        asking: Option<crate::spec::interview::Q>,
    },
    /// A developer giving evidence item by item (`/deliver <job>`).
    Evidence {
        job: crate::job::JobId,
        items: Vec<u32>,
    },
    /// An organizer creating a salon with `/newsalon` (`salon_form::step`).
    NewSalon {
        draft: Box<crate::salon_form::SalonDraft>,
        asking: crate::salon_form::SalonField,
    },
    /// An attendee's feedback after a salon (`crate::feedback::step`).
    Feedback {
        salon: SalonId,
        asking: crate::feedback::FeedbackQ,
    },
}

/// A job being written; each field validated as it comes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobAnswers {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<Tag>>,
    pub budget: Option<Budget>,
    pub deadline: Option<NaiveDate>,
    pub acceptance: Option<String>,
}

impl JobAnswers {
    pub fn set(
        &mut self,
        field: JobField,
        input: &str,
        today: NaiveDate,
    ) -> Result<(), JobInvalid> {
        match field {
            JobField::Title => self.title = Some(long_text(input, 80)?),
            JobField::Description => self.description = Some(long_text(input, 2000)?),
            JobField::Tags => self.tags = Some(Tag::parse_list(input)?),
            JobField::Budget => self.budget = Some(Budget::parse(input)?),
            JobField::Deadline => self.deadline = Some(parse_deadline(input, today)?),
            JobField::Acceptance => self.acceptance = Some(long_text(input, 1000)?),
        }
        Ok(())
    }

    pub fn apply(&mut self, f: &JobFields, today: NaiveDate) -> Result<(), (JobField, JobInvalid)> {
        let given = [
            (JobField::Title, &f.title),
            (JobField::Description, &f.description),
            (JobField::Tags, &f.tags),
            (JobField::Budget, &f.budget),
            (JobField::Deadline, &f.deadline),
            (JobField::Acceptance, &f.acceptance),
        ];
        for (field, value) in given {
            if let Some(v) = value {
                self.set(field, v, today).map_err(|e| (field, e))?;
            }
        }
        Ok(())
    }

    pub fn next_missing(&self) -> Option<JobField> {
        [
            (JobField::Title, self.title.is_none()),
            (JobField::Description, self.description.is_none()),
            (JobField::Tags, self.tags.is_none()),
            (JobField::Budget, self.budget.is_none()),
            (JobField::Deadline, self.deadline.is_none()),
            (JobField::Acceptance, self.acceptance.is_none()),
        ]
        .into_iter()
        .find(|(_, missing)| *missing)
        .map(|(f, _)| f)
    }

    fn draft(self) -> Option<JobDraft> {
        Some(JobDraft {
            title: self.title?,
            description: self.description?,
            tags: self.tags?,
            budget: self.budget?,
            deadline: self.deadline?,
            acceptance: self.acceptance?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ask `field` (after explaining `error`, if any) and wait in `state`.
    Ask {
        state: Dialogue,
        field: Field,
        error: Option<Invalid>,
    },
    RegisterDone {
        salon: SalonId,
        answers: Answers,
    },
    RejectDone {
        salon: SalonId,
        user: UserRef,
        reason: String,
    },
    /// An empty reason: ask again.
    AskReason(Dialogue),
    AskJob {
        state: Dialogue,
        field: JobField,
        error: Option<JobInvalid>,
    },
    PostDone(JobDraft),
    AnswerDone {
        question: QuestionId,
        text: String,
    },
    /// Spec interview: ask `q` (after the refusal, if any).
    AskSpec {
        state: Dialogue,
        q: crate::spec::interview::Q,
        error: Option<crate::spec::interview::Refusal>,
    },
    /// Spec interview: show the readiness score; publish or improve.
    SpecReview {
        state: Dialogue,
        unclear: bool,
    },
    SpecDone(Box<(JobDraft, crate::spec::Spec)>),
    /// Evidence for item `item` of `job`; `rest` still to ask (empty input: ask again).
    Evidence {
        job: crate::job::JobId,
        item: u32,
        text: String,
        rest: Vec<u32>,
    },
    /// A `/newsalon` question (after explaining `error`, if any).
    AskSalon {
        state: Dialogue,
        field: crate::salon_form::SalonField,
        error: Option<crate::salon_form::FormError>,
    },
    /// Every `/newsalon` answer is in; the engine checks the whole and creates it.
    SalonDone(Box<crate::salon_form::SalonDraft>),
    /// A feedback answer: ask again, store the rating, or store the suggestion and end.
    Feedback(crate::feedback::FeedbackStep),
}

/// The first step of posting a job: inline fields applied, then the first open question.
pub fn start_post(inline: &JobFields, today: NaiveDate) -> Step {
    let mut answers = JobAnswers::default();
    if let Err((field, why)) = answers.apply(inline, today) {
        return Step::AskJob {
            state: Dialogue::Post {
                answers,
                asking: field,
            },
            field,
            error: Some(why),
        };
    }
    ask_next_job(answers)
}

fn ask_next_job(answers: JobAnswers) -> Step {
    match answers.next_missing() {
        Some(field) => Step::AskJob {
            state: Dialogue::Post {
                answers,
                asking: field,
            },
            field,
            error: None,
        },
        None => match answers.clone().draft() {
            Some(d) => Step::PostDone(d),
            None => Step::AskJob {
                state: Dialogue::Post {
                    answers,
                    asking: JobField::Title,
                },
                field: JobField::Title,
                error: None,
            },
        },
    }
}

/// The first step of a registration: inline fields applied, then the first open question.
pub fn start_register(salon: SalonId, member: &Member, inline: &ProfileFields) -> Step {
    let mut answers = Answers::from_member(member);
    if let Err((field, why)) = answers.apply(inline) {
        return Step::Ask {
            state: Dialogue::Register {
                salon,
                answers,
                asking: field,
            },
            field,
            error: Some(why),
        };
    }
    ask_next(salon, answers)
}

fn ask_next(salon: SalonId, answers: Answers) -> Step {
    match answers.next_missing() {
        Some(field) => Step::Ask {
            state: Dialogue::Register {
                salon,
                answers,
                asking: field,
            },
            field,
            error: None,
        },
        None => Step::RegisterDone { salon, answers },
    }
}

/// One answer in, the next state out. Pure: no I/O; `today` (the caller's clock, local
/// date) only judges deadlines.
pub fn step(state: Dialogue, input: &str, today: NaiveDate) -> Step {
    match state {
        Dialogue::Register {
            salon,
            mut answers,
            asking,
        } => match answers.set(asking, input) {
            Ok(()) => ask_next(salon, answers),
            Err(why) => Step::Ask {
                state: Dialogue::Register {
                    salon,
                    answers,
                    asking,
                },
                field: asking,
                error: Some(why),
            },
        },
        Dialogue::RejectReason { salon, user } => {
            let reason = input.trim();
            if reason.is_empty() {
                Step::AskReason(Dialogue::RejectReason { salon, user })
            } else {
                Step::RejectDone {
                    salon,
                    user,
                    reason: reason.to_string(),
                }
            }
        }
        Dialogue::Answer { question } => match input.trim() {
            "" => Step::AskReason(Dialogue::Answer { question }),
            text => Step::AnswerDone {
                question,
                text: text.to_string(),
            },
        },
        Dialogue::Interview { draft, asking } => {
            crate::spec::flow::step(*draft, asking, input, today)
        }
        Dialogue::Evidence { job, mut items } => {
            let item = items.first().copied().unwrap_or(0);
            let rest = items.split_off(1.min(items.len()));
            Step::Evidence {
                job,
                item,
                text: input.trim().to_string(),
                rest,
            }
        }
        Dialogue::Post {
            mut answers,
            asking,
        } => match answers.set(asking, input, today) {
            Ok(()) => ask_next_job(answers),
            Err(why) => Step::AskJob {
                state: Dialogue::Post { answers, asking },
                field: asking,
                error: Some(why),
            },
        },
        Dialogue::NewSalon { draft, asking } => {
            crate::salon_form::step(*draft, asking, input, today)
        }
        Dialogue::Feedback { salon, asking } => crate::feedback::step(salon, asking, input),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Locale;
    use crate::ids::MemberId;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    fn blank() -> Member {
        Member::new(MemberId(1), Locale::Zh)
    }

    fn asked(s: &Step) -> (Field, Option<Invalid>) {
        match s {
            Step::Ask { field, error, .. } => (*field, *error),
            other => panic!("expected a question, got {other:?}"),
        }
    }

    fn state(s: Step) -> Dialogue {
        match s {
            Step::Ask { state, .. } => state,
            other => panic!("expected a question, got {other:?}"),
        }
    }

    #[test]
    fn a_blank_profile_is_asked_name_phone_position_years_in_order() {
        let s = start_register(SalonId(1), &blank(), &ProfileFields::default());
        assert_eq!(asked(&s), (Field::Name, None));
        let s = step(state(s), "张三", today());
        assert_eq!(asked(&s), (Field::Phone, None));
        let s = step(state(s), "13800000000", today());
        assert_eq!(asked(&s), (Field::Position, None));
        let s = step(state(s), "后端工程师", today());
        assert_eq!(asked(&s), (Field::Years, None));
        match step(state(s), "5年", today()) {
            Step::RegisterDone { salon, answers } => {
                assert_eq!(salon, SalonId(1));
                assert_eq!(answers.years.map(Years::get), Some(5));
                assert_eq!(answers.phone.unwrap().as_str(), "13800000000");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bad_answer_is_explained_and_the_same_question_asked_again() {
        let s = start_register(SalonId(1), &blank(), &ProfileFields::default());
        let s = step(state(s), "张三", today());
        let s = step(state(s), "12345", today());
        assert_eq!(asked(&s), (Field::Phone, Some(Invalid::PhoneFormat)));
        let s = step(state(s), "13800000000", today());
        assert_eq!(asked(&s), (Field::Position, None));
    }

    #[test]
    fn only_what_the_profile_lacks_is_asked() {
        let mut m = blank();
        m.name = Some(PersonName::parse("李雷").unwrap());
        m.phone = Some(Phone::parse("13900000000").unwrap());
        m.position = Some(Position::parse("架构师").unwrap());
        let s = start_register(SalonId(2), &m, &ProfileFields::default());
        assert_eq!(asked(&s), (Field::Years, None));
        m.years = Years::new(8);
        assert!(matches!(
            start_register(SalonId(2), &m, &ProfileFields::default()),
            Step::RegisterDone { .. }
        ));
    }

    #[test]
    fn inline_fields_complete_at_once_or_re_ask_the_first_bad_one() {
        let full = ProfileFields {
            name: Some("Li".into()),
            phone: Some("+4915112345678".into()),
            position: Some("dev".into()),
            years: Some("7 years".into()),
            skills: None,
        };
        assert!(matches!(
            start_register(SalonId(1), &blank(), &full),
            Step::RegisterDone { .. }
        ));
        let bad = ProfileFields {
            years: Some("many".into()),
            ..full
        };
        assert_eq!(
            asked(&start_register(SalonId(1), &blank(), &bad)),
            (Field::Years, Some(Invalid::YearsNotWhole))
        );
    }

    #[test]
    fn a_dialogue_state_survives_serialisation() {
        let s = state(step(
            state(start_register(
                SalonId(1),
                &blank(),
                &ProfileFields::default(),
            )),
            "张三",
            today(),
        ));
        let json = serde_json::to_string(&s).unwrap();
        let back: Dialogue = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            asked(&step(back, "bad", today())),
            (Field::Phone, Some(Invalid::PhoneFormat))
        );
    }

    fn ask_job(s: &Step) -> (JobField, Option<JobInvalid>) {
        match s {
            Step::AskJob { field, error, .. } => (*field, *error),
            other => panic!("expected a job question, got {other:?}"),
        }
    }

    fn job_state(s: Step) -> Dialogue {
        match s {
            Step::AskJob { state, .. } => state,
            other => panic!("expected a job question, got {other:?}"),
        }
    }

    #[test]
    fn posting_a_job_asks_each_field_in_order_and_re_asks_bad_answers() {
        let s = start_post(&JobFields::default(), today());
        assert_eq!(ask_job(&s), (JobField::Title, None));
        let s = step(job_state(s), "Rust 命令行工具", today());
        assert_eq!(ask_job(&s), (JobField::Description, None));
        let s = step(job_state(s), "把 CSV 转成报表", today());
        assert_eq!(ask_job(&s), (JobField::Tags, None));
        let s = step(job_state(s), "rust, CLI", today());
        assert_eq!(ask_job(&s), (JobField::Budget, None));
        let s = step(job_state(s), "8000-5000", today());
        assert_eq!(
            ask_job(&s),
            (JobField::Budget, Some(JobInvalid::BudgetOrder))
        );
        let s = step(job_state(s), "5k-8k", today());
        assert_eq!(ask_job(&s), (JobField::Deadline, None));
        let s = step(job_state(s), "2026-01-01", today());
        assert_eq!(
            ask_job(&s),
            (JobField::Deadline, Some(JobInvalid::DeadlinePast))
        );
        let s = step(job_state(s), "30天", today());
        assert_eq!(ask_job(&s), (JobField::Acceptance, None));
        match step(job_state(s), "Linux 上跑通示例", today()) {
            Step::PostDone(d) => {
                assert_eq!(
                    d.tags.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                    vec!["rust", "cli"]
                );
                assert_eq!(
                    d.budget,
                    Budget {
                        min: 5000,
                        max: 8000
                    }
                );
                assert_eq!(d.deadline, NaiveDate::from_ymd_opt(2026, 12, 26).unwrap());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_inline_post_with_every_field_needs_no_questions() {
        let f = JobFields {
            title: Some("Rust CLI tool".into()),
            description: Some("…".into()),
            tags: Some("rust,cli".into()),
            budget: Some("5000-8000".into()),
            deadline: Some("2027-01-31".into()),
            acceptance: Some("runs".into()),
            spec: Vec::new(),
        };
        assert!(matches!(start_post(&f, today()), Step::PostDone(_)));
        let bad = JobFields {
            tags: Some("rust!".into()),
            ..f
        };
        assert_eq!(
            ask_job(&start_post(&bad, today())),
            (JobField::Tags, Some(JobInvalid::TagChars))
        );
    }

    #[test]
    fn a_reject_reason_must_not_be_empty() {
        let d = Dialogue::RejectReason {
            salon: SalonId(1),
            user: UserRef::new(crate::ids::Platform::Console, "bob"),
        };
        assert!(matches!(step(d.clone(), "  ", today()), Step::AskReason(_)));
        assert!(
            matches!(step(d, "年限不足", today()), Step::RejectDone { reason, .. } if reason == "年限不足")
        );
    }
}
