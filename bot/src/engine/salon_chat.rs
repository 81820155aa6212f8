//! The organizer's salon commands in chat: `/newsalon` (inline, copy, dialogue),
//! `/editsalon`, `/cancelsalon`, `/closesalon`, `/opensalon`, `/salons all`.

use super::salon_admin::Toggled;
use super::{Ctx, Engine};
use crate::dialogue::{Dialogue, Step};
use crate::i18n::{Locale, SalonAdminMsg};
use crate::ids::SalonId;
use crate::message::Reply;
use crate::model::{Salon, SalonStatus};
use crate::ports::{StoreResult, Tx};
use crate::salon_form::{self, next_title, FormError, SalonDraft, SalonField};

impl Ctx<'_> {
    pub(crate) fn say_admin(&mut self, m: SalonAdminMsg) {
        let r = Reply::text(m.render(self.locale()));
        self.send_here(r);
    }
    fn actor(&self) -> String {
        self.ev.user.to_string()
    }
}

/// Why `/register` is refused on this salon now, if it is (besides having started).
pub(crate) fn registration_refusal(
    salon: &Salon,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<SalonAdminMsg<'_>> {
    match salon.status {
        SalonStatus::Cancelled => Some(SalonAdminMsg::RegisterCancelled(salon)),
        SalonStatus::Closed => Some(SalonAdminMsg::RegisterClosed(salon)),
        SalonStatus::Open if salon.closes_at.is_some_and(|c| now >= c) => {
            Some(SalonAdminMsg::RegisterClosed(salon))
        }
        SalonStatus::Open => None,
    }
}

impl Engine {
    pub(crate) async fn new_salon_cmd<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        copy: Option<SalonId>,
        raw: &[(String, String)],
    ) -> StoreResult<()> {
        if copy.is_none() && raw.is_empty() {
            cx.say_admin(SalonAdminMsg::Intro);
            let step = salon_form::start_dialogue(SalonDraft::default());
            return self.apply_salon_step(tx, cx, step).await;
        }
        let fields = match salon_form::fields(raw) {
            Ok(f) => f,
            Err(e) => {
                cx.say_admin(SalonAdminMsg::Invalid(&e));
                return Ok(());
            }
        };
        let mut draft = SalonDraft::default();
        if let Some(id) = copy {
            let Some((src, _)) = tx.salon_get(id).await? else {
                cx.say_admin(SalonAdminMsg::Invalid(&FormError::UnknownSalon(id.0)));
                return Ok(());
            };
            draft = SalonDraft::from_salon(&src);
            draft.closes_at = None;
            if !fields.iter().any(|(f, _)| *f == SalonField::Title) {
                if let Some(t) = draft.title.as_mut() {
                    t.zh = next_title(&t.zh).unwrap_or(t.zh.clone());
                    t.en = next_title(&t.en).unwrap_or(t.en.clone());
                }
            }
        }
        let form = draft
            .apply_keeping_length(&fields)
            .and_then(|()| draft.validate(cx.now, true));
        match form {
            Err(e) => cx.say_admin(SalonAdminMsg::Invalid(&e)),
            Ok(form) => {
                let (salon, posts) = self
                    .create_salon(tx, &form, None, &cx.actor(), cx.now)
                    .await?;
                cx.say_admin(SalonAdminMsg::Created(&salon));
                cx.out.extend(posts);
            }
        }
        Ok(())
    }

    /// Stores the `/newsalon` dialogue's next state and asks, or creates the salon.
    pub(crate) async fn apply_salon_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        step: Step,
    ) -> StoreResult<()> {
        match step {
            Step::AskSalon {
                state,
                field,
                error,
            } => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                match error {
                    Some(e) => cx.say_admin(SalonAdminMsg::InvalidAnswer(&e, field)),
                    None => cx.say_admin(SalonAdminMsg::Ask(field)),
                }
            }
            Step::SalonDone(draft) => match draft.validate(cx.now, true) {
                Ok(form) => {
                    tx.dialogue_delete(&cx.ev.user).await?;
                    let (salon, posts) = self
                        .create_salon(tx, &form, None, &cx.actor(), cx.now)
                        .await?;
                    cx.say_admin(SalonAdminMsg::Created(&salon));
                    cx.out.extend(posts);
                }
                Err(e) => {
                    // The hour may have passed meanwhile: ask that field again.
                    let field = e.field().unwrap_or(SalonField::Start);
                    let state = Dialogue::NewSalon {
                        draft,
                        asking: field,
                    };
                    tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                    cx.say_admin(SalonAdminMsg::InvalidAnswer(&e, field));
                }
            },
            // Other steps belong to other dialogues (`Engine::apply_step`).
            _ => {}
        }
        Ok(())
    }

    pub(crate) async fn edit_salon_cmd<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        raw: &[(String, String)],
    ) -> StoreResult<()> {
        let fields = match salon_form::fields(raw) {
            Ok(f) => f,
            Err(e) => {
                cx.say_admin(SalonAdminMsg::Invalid(&e));
                return Ok(());
            }
        };
        match self
            .edit_salon(tx, id, &fields, &cx.actor(), cx.now)
            .await?
        {
            Err(e) => cx.say_admin(SalonAdminMsg::Invalid(&e)),
            Ok(ed) if ed.changes.is_empty() => cx.say_admin(SalonAdminMsg::Unchanged(&ed.salon)),
            Ok(ed) => {
                let l = cx.locale();
                let changes: Vec<String> = ed
                    .changes
                    .iter()
                    .map(|(f, a, b)| crate::i18n::change_line(*f, a, b, l))
                    .collect();
                cx.say_admin(SalonAdminMsg::Edited {
                    salon: &ed.salon,
                    changes: &changes,
                    notified: ed.notified,
                    offered: ed.offered,
                });
                cx.out.extend(ed.out);
            }
        }
        Ok(())
    }

    pub(crate) async fn cancel_salon_cmd<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        reason: &str,
    ) -> StoreResult<()> {
        let reason = crate::validate::CleanText::strip(reason).into_string();
        match self
            .cancel_salon(tx, id, &reason, &cx.actor(), cx.now)
            .await?
        {
            Err(FormError::Cancelled) => {
                if let Some((s, _)) = tx.salon_get(id).await? {
                    cx.say_admin(SalonAdminMsg::AlreadyCancelled(&s));
                }
            }
            Err(e) => cx.say_admin(SalonAdminMsg::Invalid(&e)),
            Ok((salon, notified, out)) => {
                cx.say_admin(SalonAdminMsg::CancelledDone {
                    salon: &salon,
                    notified,
                });
                cx.out.extend(out);
            }
        }
        Ok(())
    }

    pub(crate) async fn open_salon_cmd<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        open: bool,
    ) -> StoreResult<()> {
        match self
            .set_salon_open(tx, id, open, &cx.actor(), cx.now)
            .await?
        {
            Err(e) => cx.say_admin(SalonAdminMsg::Invalid(&e)),
            Ok(Toggled::Already(s)) if open => cx.say_admin(SalonAdminMsg::AlreadyOpen(&s)),
            Ok(Toggled::Already(s)) => cx.say_admin(SalonAdminMsg::AlreadyClosed(&s)),
            Ok(Toggled::Done(s)) if open => {
                cx.say_admin(SalonAdminMsg::OpenedDone(&s));
                let posts = self.reopen_posts(&s, cx.now);
                cx.out.extend(posts);
            }
            Ok(Toggled::Done(s)) => cx.say_admin(SalonAdminMsg::ClosedDone(&s)),
        }
        Ok(())
    }

    /// Every salon with its status and counts (organizers).
    pub(crate) async fn salons_all<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        if !self.is_organizer(tx, cx).await? {
            cx.say(crate::i18n::Msg::OrganizerOnly);
            return Ok(());
        }
        let salons = tx.salons_all().await?;
        if salons.is_empty() {
            cx.say_admin(SalonAdminMsg::AllNone);
            return Ok(());
        }
        let l: Locale = cx.locale();
        let mut text = SalonAdminMsg::AllHeader.render(l);
        for (s, c) in &salons {
            text.push('\n');
            text += &SalonAdminMsg::AllLine {
                salon: s,
                counts: c,
            }
            .render(l);
        }
        cx.send_here(Reply::text(text));
        Ok(())
    }
}
