//! Clarification threads: a question reaches the client wherever they are, the answer
//! goes back to the asker in their thread, public answers become spec versions.

use super::{locale_of, Ctx, Engine};
use crate::command::Command;
use crate::dialogue::Dialogue;
use crate::i18n::{ThreadMsg, MASK};
use crate::job::{Job, JobId, JobStatus};
use crate::message::{Button, ButtonStyle, Outgoing, Recipient, Reply, ThreadRef};
use crate::ports::{StoreResult, Tx};
use crate::thread::{
    mask_contacts, similarity, Answer, NewQuestion, Question, QuestionId, SpecEntry, DUPLICATE,
};
use chrono::{DateTime, Duration, Utc};

/// Reminders about one unanswered question, at most.
const MAX_REMINDERS: u32 = 3;

impl Engine {
    /// Contacts are masked in relayed text until the job is assigned (the deal stays here).
    pub(crate) fn shown(&self, job: &Job, text: &str) -> String {
        if self.cfg.threads.mask_contacts
            && matches!(job.status, JobStatus::Draft | JobStatus::Open)
        {
            mask_contacts(text, MASK)
        } else {
            text.to_string()
        }
    }

    /// The job as shown to others: its description masked like relayed text.
    pub(crate) fn public_view(&self, job: &Job) -> Job {
        let mut j = job.clone();
        j.draft.description = self.shown(job, &job.draft.description);
        j.draft.acceptance = self.shown(job, &job.draft.acceptance);
        j
    }

    pub(crate) async fn ask<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        private: bool,
        text: &str,
    ) -> StoreResult<()> {
        // Refused before anything is looked up or stored: the asker retypes it.
        let Ok(clean) = crate::validate::CleanText::parse(text) else {
            let l = cx.locale();
            cx.send_here(Reply::text(crate::i18n::InputMsg::ControlChars.render(l)));
            return Ok(());
        };
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if !matches!(
            job.status,
            JobStatus::Open | JobStatus::Assigned | JobStatus::Delivered
        ) {
            cx.say_thread(ThreadMsg::Closed(&job));
            return Ok(());
        }
        let text: String = clean.as_str().chars().take(1000).collect();
        // `@scope …` tags the question; else an obvious keyword may.
        let (tag, rest) = crate::spec::tagging::split_tag(&text);
        let section = tag.or_else(|| crate::spec::tagging::guess(rest));
        let text = rest.to_string();
        if !private {
            // Only public questions are compared: a private one is never revealed.
            let earlier = tx.questions_of_job(id).await?;
            let best = earlier
                .iter()
                .filter(|e| !e.q.private)
                .map(|e| (similarity(&e.q.text, &text), e))
                .filter(|(s, _)| *s >= DUPLICATE)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, e)) = best {
                if e.answer.is_some() {
                    cx.say_thread(ThreadMsg::SeenAnswered { earlier: e });
                } else {
                    tx.follow(id, cx.member.id, &cx.ev.user).await?;
                    cx.say_thread(ThreadMsg::SeenOpen { earlier: e });
                }
                return Ok(());
            }
        }
        let q = tx
            .question_insert(&NewQuestion {
                job: id,
                asker: cx.member.id,
                account: cx.ev.user.clone(),
                conversation: cx.ev.conversation.clone(),
                message_id: cx.ev.message_id.clone(),
                shown: self.shown(&job, &text),
                text,
                private,
                at: cx.now,
            })
            .await?;
        if let Some(sec) = section {
            tx.question_section_put(q.id, sec).await?;
        }
        if !private {
            tx.follow(id, cx.member.id, &cx.ev.user).await?;
        }
        let l = locale_of(tx, job.owner).await?;
        let who = super::jobs::applicant_name(cx);
        let answer = Button {
            label: ThreadMsg::AnswerButton.render(l),
            command: Command::Answer {
                question: q.id,
                text: None,
            }
            .to_text(),
            style: ButtonStyle::Primary,
        };
        let mut relay = Outgoing::direct(
            &job.owner_account,
            Reply::text(
                ThreadMsg::Relayed {
                    q: &q,
                    job: &job,
                    who: &who,
                }
                .render(l),
            )
            .with_buttons(vec![answer])
            .private_if(private),
        );
        relay.ref_key = Some(question_ref(q.id));
        cx.out.push(relay);
        cx.say_thread(ThreadMsg::Asked { q: &q });
        Ok(())
    }

    /// A plain message in the thread of a relayed question answers it.
    pub(crate) async fn thread_reply<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        text: &str,
    ) -> StoreResult<bool> {
        let Some(mid) = &cx.ev.message_id else {
            return Ok(false);
        };
        let Some(r) = tx.message_ref(cx.ev.user.platform, mid).await? else {
            return Ok(false);
        };
        let Some(id) = r
            .strip_prefix("q:")
            .and_then(|n| n.parse().ok())
            .map(QuestionId)
        else {
            return Ok(false);
        };
        self.answer(tx, cx, id, Some(text.to_string())).await?;
        Ok(true)
    }

    pub(crate) async fn answer<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: QuestionId,
        text: Option<String>,
    ) -> StoreResult<()> {
        let Some(mut q) = tx.question_get(id).await? else {
            cx.say_thread(ThreadMsg::NotFound(id.0));
            return Ok(());
        };
        let Some(job) = tx.job_get(q.q.job).await? else {
            cx.say_thread(ThreadMsg::NotFound(id.0));
            return Ok(());
        };
        if job.owner != cx.member.id && !self.is_operator(tx, cx).await? {
            cx.say_thread(ThreadMsg::NotTheClient);
            return Ok(());
        }
        if q.answer.is_some() {
            cx.say_thread(ThreadMsg::AlreadyAnswered(id));
            return Ok(());
        }
        let Some(text) = text else {
            // A button has no room for the answer: ask for it.
            tx.dialogue_put(&cx.ev.user, &Dialogue::Answer { question: id }, cx.now)
                .await?;
            cx.say_thread(ThreadMsg::AskAnswer(&q));
            return Ok(());
        };
        let Ok(clean) = crate::validate::CleanText::parse(&text) else {
            let l = cx.locale();
            cx.send_here(Reply::text(crate::i18n::InputMsg::ControlChars.render(l)));
            return Ok(());
        };
        let text: String = clean.as_str().chars().take(2000).collect();
        let answer = Answer {
            shown: self.shown(&job, &text),
            text,
            by: cx.member.id,
            at: cx.now,
        };
        tx.question_answer(id, &answer).await?;
        q.answer = Some(answer);

        // Back to the asker, in the thread (or conversation) they asked in.
        let asker_locale = locale_of(tx, q.q.asker).await?;
        let mut back = Reply::text(ThreadMsg::Answered { q: &q, job: &job }.render(asker_locale));
        back.private = q.q.private;
        back.reply_to = q.q.message_id.clone().map(|m| ThreadRef {
            message_id: m,
            quote: Some(q.q.shown.clone()),
        });
        cx.out.push(Outgoing::new(
            Recipient {
                user: q.q.account.clone(),
                conversation: q.q.conversation.clone(),
            },
            back,
        ));

        let version = if q.q.private {
            None
        } else {
            let entry = SpecEntry::Qa {
                question: id,
                q: q.q.shown.clone(),
                a: q.answer
                    .as_ref()
                    .map(|a| a.shown.clone())
                    .unwrap_or_default(),
            };
            let v = tx.spec_append(job.id, &entry, cx.now).await?;
            self.spec_after_answer(tx, &job, &q, v, cx.now).await?;
            for t in tx.audience(job.id).await? {
                if t.member == q.q.asker || t.member == job.owner {
                    continue;
                }
                let mut o = Outgoing::direct(
                    &t.account,
                    Reply::text(
                        ThreadMsg::SpecUpdated {
                            q: &q,
                            job: &job,
                            version: v,
                        }
                        .render(t.locale),
                    ),
                );
                o.dedupe_key = Some(format!("q{id}:answer:m{}", t.member));
                cx.out.push(o);
            }
            Some(v)
        };
        cx.say_thread(ThreadMsg::AnsweredAck { q: &q, version });
        Ok(())
    }

    pub(crate) async fn faq<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let items: Vec<Question> = tx
            .questions_of_job(id)
            .await?
            .into_iter()
            .filter(|q| !q.q.private && q.answer.is_some())
            .collect();
        if items.is_empty() {
            cx.say_thread(ThreadMsg::FaqNone(&job));
        } else {
            cx.say_thread(ThreadMsg::Faq {
                job: &job,
                items: &items,
            });
        }
        Ok(())
    }

    pub(crate) async fn spec<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        version: Option<u32>,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if self.structured_spec(tx, cx, &job, version).await? {
            return Ok(());
        }
        let versions = tx.spec_versions(id).await?;
        let latest = versions.last().map(|v| v.version).unwrap_or(0);
        let n = version.unwrap_or(latest);
        if n == 0 || n > latest {
            cx.say_thread(ThreadMsg::NoSuchVersion { job: &job, latest });
            return Ok(());
        }
        let upto: Vec<_> = versions.into_iter().filter(|v| v.version <= n).collect();
        cx.say_thread(ThreadMsg::Spec {
            job: &job,
            versions: &upto,
        });
        Ok(())
    }

    /// The latest spec version, for `/job`.
    pub(crate) async fn spec_version<T: Tx>(&self, tx: &mut T, job: JobId) -> StoreResult<u32> {
        let answers = tx.spec_versions(job).await?.last().map(|v| v.version);
        let edits = tx.spec_docs(job).await?.last().map(|d| d.version);
        Ok(answers.max(edits).unwrap_or(1))
    }

    pub(crate) async fn open_questions<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
    ) -> StoreResult<()> {
        let list = tx.questions_open_for(cx.member.id).await?;
        if list.is_empty() {
            cx.say_thread(ThreadMsg::NoOpenQuestions);
        } else {
            let text = ThreadMsg::OpenQuestions(&list).render(cx.locale());
            cx.send_here(Reply::text(text).private());
        }
        Ok(())
    }

    pub(crate) async fn follow<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        on: bool,
    ) -> StoreResult<()> {
        let Some(job) = self.job_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if on {
            tx.follow(id, cx.member.id, &cx.ev.user).await?;
            cx.say_thread(ThreadMsg::Followed(&job));
        } else {
            tx.unfollow(id, cx.member.id).await?;
            cx.say_thread(ThreadMsg::Unfollowed(&job));
        }
        Ok(())
    }

    /// Reminds clients of unanswered questions: after `remind_after`, then daily, 3 times.
    pub(crate) async fn remind_questions<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        for q in tx.questions_to_remind(MAX_REMINDERS).await? {
            let due = match q.last_reminded_at {
                None => q.q.at + self.cfg.threads.remind_after,
                Some(t) => t + Duration::days(1),
            };
            if now < due {
                continue;
            }
            let Some(job) = tx.job_get(q.q.job).await? else {
                continue;
            };
            if !matches!(
                job.status,
                JobStatus::Open | JobStatus::Assigned | JobStatus::Delivered
            ) {
                continue;
            }
            tx.question_reminded(q.id, now).await?;
            let l = locale_of(tx, job.owner).await?;
            let hours = (now - q.q.at).num_hours();
            let answer = Button {
                label: ThreadMsg::AnswerButton.render(l),
                command: Command::Answer {
                    question: q.id,
                    text: None,
                }
                .to_text(),
                style: ButtonStyle::Primary,
            };
            let mut o = Outgoing::direct(
                &job.owner_account,
                Reply::text(ThreadMsg::Reminder { q: &q, hours }.render(l))
                    .private()
                    .with_buttons(vec![answer]),
            );
            o.dedupe_key = Some(format!("q{}:remind{}", q.id, q.reminders + 1));
            o.ref_key = Some(question_ref(q.id));
            out.push(o);
        }
        Ok(())
    }
}

fn question_ref(id: QuestionId) -> String {
    format!("q:{id}")
}
