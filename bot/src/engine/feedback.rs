//! Feedback after a salon: asked once of each checked-in attendee when the salon ends (the
//! clock tick), answered in a dialogue or with `/feedback <salon> [1-5]`; organizers get
//! the summary from `/feedback <salon>`.

use super::{Ctx, Engine};
use crate::command::Command;
use crate::dialogue::{Dialogue, Step};
use crate::feedback::{self, FeedbackQ, FeedbackStep, Summary};
use crate::i18n::FeedbackMsg;
use crate::ids::SalonId;
use crate::message::{Button, ButtonStyle, Outgoing, Reply};
use crate::model::{RegStatus, Salon, SalonStatus};
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Utc};

/// A button per rating; pressing one sends `/feedback <salon> <n>`.
fn rating_buttons(salon: SalonId) -> Vec<Button> {
    (1..=5u8)
        .map(|n| Button {
            label: format!("{n} ★"),
            command: Command::Feedback {
                salon,
                rating: Some(n),
            }
            .to_text(),
            style: if n == 5 {
                ButtonStyle::Primary
            } else {
                ButtonStyle::Default
            },
        })
        .collect()
}

fn ask_reply(salon: SalonId, text: String, q: FeedbackQ) -> Reply {
    let r = Reply::text(text).private();
    match q {
        FeedbackQ::Rating => r.with_buttons(rating_buttons(salon)),
        FeedbackQ::Comment => r,
    }
}

impl Engine {
    /// The salon ended: each checked-in attendee is asked once (the row is the guard,
    /// written with the message). No-shows, cancelled and rejected people are never asked.
    pub(super) async fn ask_feedback<T: Tx>(
        &self,
        tx: &mut T,
        salon: &Salon,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        if salon.status == SalonStatus::Cancelled {
            return Ok(());
        }
        for row in tx.registrations(salon.id, &[RegStatus::CheckedIn]).await? {
            let account = &row.reg.account;
            if !tx
                .feedback_ask_once(salon.id, row.member.id, account, now)
                .await?
            {
                continue;
            }
            // Never overwrite a dialogue the person is in; `/feedback` starts it later.
            if tx.dialogue_get(account).await?.is_none() {
                let d = Dialogue::Feedback {
                    salon: salon.id,
                    asking: FeedbackQ::Rating,
                };
                tx.dialogue_put(account, &d, now).await?;
            }
            let text = FeedbackMsg::Invite(salon).render(row.member.locale);
            let reply = ask_reply(salon.id, text, FeedbackQ::Rating);
            out.push(Outgoing::direct(account, reply));
        }
        Ok(())
    }

    /// `/feedback <salon> [1-5]`.
    pub(crate) async fn feedback_cmd<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        rating: Option<u8>,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let l = cx.locale();
        if rating.is_none() && self.is_organizer(tx, cx).await? {
            let summary = Summary::of(&tx.feedback_list(id).await?);
            let text = FeedbackMsg::Summary {
                salon: &salon,
                summary: &summary,
            }
            .render(l);
            cx.send_here(Reply::text(text).private());
            return Ok(());
        }
        let reg = tx.registration_latest(id, cx.member.id).await?;
        if reg.is_none_or(|r| r.status != RegStatus::CheckedIn) {
            say(cx, FeedbackMsg::NotAttended(&salon));
            return Ok(());
        }
        if cx.now < salon.info.ends_at {
            say(cx, FeedbackMsg::NotEnded(&salon));
            return Ok(());
        }
        // Checked in after the tick asked the others (by an organizer): asked now.
        tx.feedback_ask_once(id, cx.member.id, &cx.ev.user, cx.now)
            .await?;
        let open = tx
            .feedback_get(id, cx.member.id)
            .await?
            .and_then(|r| r.open_question());
        let step = match (open, rating) {
            (None, _) => {
                say(cx, FeedbackMsg::AlreadyDone(&salon));
                return Ok(());
            }
            (Some(FeedbackQ::Rating), Some(n)) => {
                feedback::step(id, FeedbackQ::Rating, &n.to_string())
            }
            (Some(q), _) => Step::Feedback(FeedbackStep::Ask {
                state: Dialogue::Feedback {
                    salon: id,
                    asking: q,
                },
                q,
                error: None,
            }),
        };
        self.apply_step(tx, cx, step).await
    }

    /// Acts on one feedback answer: ask again, store the rating, or store the suggestion.
    pub(crate) async fn feedback_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        s: FeedbackStep,
    ) -> StoreResult<()> {
        let l = cx.locale();
        match s {
            FeedbackStep::Ask { state, q, error } => {
                let Dialogue::Feedback { salon, .. } = state else {
                    return Ok(());
                };
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                let text = FeedbackMsg::Ask { q, error }.render(l);
                cx.send_here(ask_reply(salon, text, q));
            }
            FeedbackStep::Rated { salon, rating } => {
                if !self.still_open(tx, cx, salon).await? {
                    return Ok(());
                }
                tx.feedback_rate(salon, cx.member.id, rating, cx.now)
                    .await?;
                let q = FeedbackQ::Comment;
                let d = Dialogue::Feedback { salon, asking: q };
                tx.dialogue_put(&cx.ev.user, &d, cx.now).await?;
                let text = FeedbackMsg::Ask { q, error: None }.render(l);
                cx.send_here(ask_reply(salon, text, q));
            }
            FeedbackStep::Commented { salon, comment } => {
                if !self.still_open(tx, cx, salon).await? {
                    return Ok(());
                }
                tx.feedback_comment(salon, cx.member.id, comment.as_deref(), cx.now)
                    .await?;
                tx.dialogue_delete(&cx.ev.user).await?;
                if let Some((s, _)) = tx.salon_get(salon).await? {
                    say(cx, FeedbackMsg::Thanks(&s));
                }
            }
        }
        Ok(())
    }

    /// Whether the member's feedback on `salon` still waits for an answer; if not, the
    /// dialogue ends with the reason.
    async fn still_open<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        salon: SalonId,
    ) -> StoreResult<bool> {
        let rec = tx.feedback_get(salon, cx.member.id).await?;
        if rec.as_ref().and_then(|r| r.open_question()).is_some() {
            return Ok(true);
        }
        tx.dialogue_delete(&cx.ev.user).await?;
        if let Some((s, _)) = tx.salon_get(salon).await? {
            match rec {
                Some(_) => say(cx, FeedbackMsg::AlreadyDone(&s)),
                None => say(cx, FeedbackMsg::NotAttended(&s)),
            }
        }
        Ok(false)
    }
}

fn say(cx: &mut Ctx<'_>, m: FeedbackMsg<'_>) {
    let text = m.render(cx.locale());
    cx.send_here(Reply::text(text).private());
}
