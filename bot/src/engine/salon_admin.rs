//! Salons as a series, engine level: create from a validated form, edit, cancel, close,
//! open. Each is one call in the caller's transaction with its audit row and the messages
//! it causes; chat (`salon_chat.rs`) and other front ends call these.

use super::Engine;
use crate::i18n::{change_line, when, Locale, SalonAdminMsg};
use crate::ics;
use crate::ids::SalonId;
use crate::message::{Outgoing, Reply};
use crate::model::{RegStatus, Salon, SalonStatus};
use crate::ports::{SalonAudit, StoreResult, Tx};
use crate::salon_form::{FormError, SalonDraft, SalonField, SalonForm};
use chrono::{DateTime, Utc};

/// Registrations told about a change of time or place, or a cancellation.
const TOLD: [RegStatus; 4] = [
    RegStatus::Pending,
    RegStatus::Approved,
    RegStatus::Offered,
    RegStatus::Waitlisted,
];

/// What an edit did.
#[derive(Debug)]
pub struct Edited {
    pub salon: Salon,
    /// Each change in English (`start: … → …`), for the audit and the organizer.
    pub changes: Vec<(SalonField, String, String)>,
    pub notified: usize,
    pub offered: usize,
    pub out: Vec<Outgoing>,
}

/// `/closesalon`, `/opensalon`: done, or it already was so.
#[derive(Debug)]
pub enum Toggled {
    Done(Salon),
    Already(Salon),
}

fn fields_of(s: &Salon, l: Locale) -> Vec<(SalonField, String)> {
    let i = &s.info;
    let local = |t: DateTime<Utc>| {
        t.with_timezone(&i.timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    vec![
        (SalonField::Title, i.title.get(l).to_string()),
        (SalonField::Start, when(s, l)),
        (SalonField::Place, i.venue.get(l).to_string()),
        (SalonField::Capacity, i.capacity.to_string()),
        (SalonField::MinYears, i.min_years.to_string()),
        (
            SalonField::Approval,
            if i.auto_approve { "auto" } else { "manual" }.into(),
        ),
        (SalonField::Agenda, i.agenda.get(l).replace('\n', "; ")),
        (
            SalonField::GroupLink,
            i.group_link.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            SalonField::Closes,
            s.closes_at.map(local).unwrap_or_else(|| "-".into()),
        ),
    ]
}

/// The fields that differ, shown as `old → new` in the reader's language.
fn diff(old: &Salon, new: &Salon, l: Locale, only: &[SalonField]) -> Vec<String> {
    fields_of(old, l)
        .into_iter()
        .zip(fields_of(new, l))
        .filter(|((f, a), (_, b))| a != b && (only.is_empty() || only.contains(f)))
        .map(|((f, a), (_, b))| change_line(f, &a, &b, l))
        .collect()
}

impl Engine {
    /// Creates a salon from a validated form; its id follows the highest one. Returns the
    /// posts to the `[announce]` channels.
    pub async fn create_salon<T: Tx>(
        &self,
        tx: &mut T,
        form: &SalonForm,
        key: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(Salon, Vec<Outgoing>)> {
        let id = tx.salon_create(&form.salon, key).await?;
        let Some((mut salon, _)) = tx.salon_get(id).await? else {
            return Err(crate::ports::StoreError::Corrupt(
                format!("salon {id} vanished after insert").into(),
            ));
        };
        if form.closes_at.is_some() {
            salon.closes_at = form.closes_at;
            tx.salon_save(&salon).await?;
        }
        let detail = format!(
            "{} @ {}",
            salon.info.title.get(Locale::Zh),
            when(&salon, Locale::En)
        );
        self.audit(tx, id, actor, "create", detail, now).await?;
        let posts = self.channel_posts(&salon, "new");
        Ok((salon, posts))
    }

    pub(crate) async fn audit<T: Tx>(
        &self,
        tx: &mut T,
        salon: SalonId,
        actor: &str,
        action: &str,
        detail: String,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        tx.salon_audit(&SalonAudit {
            salon,
            actor: actor.to_string(),
            action: action.to_string(),
            detail,
            at,
        })
        .await
    }

    /// Applies checked fields to a salon. A change of time or place tells everyone
    /// pending, approved, offered or waitlisted with a new calendar invite (same UID,
    /// `SEQUENCE` + 1); a raised capacity offers the new seats to the waitlist.
    pub async fn edit_salon<T: Tx>(
        &self,
        tx: &mut T,
        id: SalonId,
        fields: &[(SalonField, String)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Edited, FormError>> {
        let Some((old, counts)) = tx.salon_get(id).await? else {
            return Ok(Err(FormError::UnknownSalon(id.0)));
        };
        if old.status == SalonStatus::Cancelled {
            return Ok(Err(FormError::Cancelled));
        }
        let started = now >= old.info.starts_at;
        let title_only = fields
            .iter()
            .all(|(f, _)| matches!(f, SalonField::Title | SalonField::TitleEn));
        if started && !title_only {
            return Ok(Err(FormError::PastOnlyTitle));
        }
        let mut draft = SalonDraft::from_salon(&old);
        if let Err(e) = draft.apply_keeping_length(fields) {
            return Ok(Err(e));
        }
        let moves_start = fields.iter().any(|(f, _)| *f == SalonField::Start);
        let form = match draft.validate(now, moves_start) {
            Ok(f) => f,
            Err(e) => return Ok(Err(e)),
        };
        if form.salon.capacity < counts.held {
            return Ok(Err(FormError::CapacityBelowHeld { held: counts.held }));
        }
        let mut new = old.clone();
        new.info = form.salon;
        new.closes_at = form.closes_at;
        let timed =
            new.info.starts_at != old.info.starts_at || new.info.ends_at != old.info.ends_at;
        let placed = new.info.venue != old.info.venue;
        if timed || placed {
            new.sequence += 1;
        }
        if timed {
            new.reschedules += 1;
        }
        let changes: Vec<(SalonField, String, String)> = fields_of(&old, Locale::En)
            .into_iter()
            .zip(fields_of(&new, Locale::En))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((f, a), (_, b))| (f, a, b))
            .collect();
        let mut edited = Edited {
            salon: new.clone(),
            changes,
            notified: 0,
            offered: 0,
            out: Vec::new(),
        };
        if new == old {
            return Ok(Ok(edited));
        }
        tx.salon_save(&new).await?;
        let detail = edited
            .changes
            .iter()
            .map(|(f, a, b)| format!("{}: {a} → {b}", f.key()))
            .collect::<Vec<_>>()
            .join("; ");
        self.audit(tx, id, actor, "edit", detail, now).await?;
        if timed || placed {
            let only = [SalonField::Start, SalonField::Place];
            for row in tx.registrations(id, &TOLD).await? {
                let l = row.member.locale;
                let changes = diff(&old, &new, l, &only);
                let text = SalonAdminMsg::ChangedNotice {
                    salon: &new,
                    changes: &changes,
                }
                .render(l);
                let reply = Reply::text(text)
                    .private()
                    .with_attachment(ics::invite(&new, l, now));
                let mut o = Outgoing::direct(&row.reg.account, reply);
                o.dedupe_key = Some(format!(
                    "salon:{}:seq{}:reg{}",
                    id, new.sequence, row.reg.id
                ));
                edited.out.push(o);
                edited.notified += 1;
            }
        }
        if new.info.starts_at < old.info.starts_at {
            // An offer cannot be claimed after the salon starts: its window ends there.
            for row in tx.registrations(id, &[RegStatus::Offered]).await? {
                let mut reg = row.reg;
                if reg.offered_until.is_some_and(|u| u > new.info.starts_at) {
                    reg.offered_until = Some(new.info.starts_at);
                    tx.registration_update(&reg).await?;
                }
            }
        }
        if new.info.capacity > old.info.capacity {
            let offers = self.offer_free_seats(tx, id, now).await?;
            edited.offered = offers.len();
            edited.out.extend(offers);
        }
        if let Some((s, _)) = tx.salon_get(id).await? {
            edited.salon = s;
        }
        Ok(Ok(edited))
    }

    /// Cancels a salon: everyone pending, approved, offered or waitlisted is told with the
    /// reason and a calendar cancellation. Registrations keep their status (history);
    /// reminders, offers, check-in and no-show settling stop.
    pub async fn cancel_salon<T: Tx>(
        &self,
        tx: &mut T,
        id: SalonId,
        reason: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(Salon, usize, Vec<Outgoing>), FormError>> {
        let Some((mut salon, _)) = tx.salon_get(id).await? else {
            return Ok(Err(FormError::UnknownSalon(id.0)));
        };
        if salon.status == SalonStatus::Cancelled {
            return Ok(Err(FormError::Cancelled));
        }
        if now >= salon.info.ends_at {
            return Ok(Err(FormError::PastOnlyTitle));
        }
        salon.status = SalonStatus::Cancelled;
        salon.sequence += 1;
        tx.salon_save(&salon).await?;
        self.audit(tx, id, actor, "cancel", reason.to_string(), now)
            .await?;
        let mut out = Vec::new();
        for row in tx.registrations(id, &TOLD).await? {
            let l = row.member.locale;
            let text = SalonAdminMsg::CancelledNotice {
                salon: &salon,
                reason,
            }
            .render(l);
            let reply = Reply::text(text)
                .private()
                .with_attachment(ics::cancellation(&salon, l, now));
            let mut o = Outgoing::direct(&row.reg.account, reply);
            o.dedupe_key = Some(format!("salon:{}:cancel:reg{}", id, row.reg.id));
            out.push(o);
        }
        let n = out.len();
        Ok(Ok((salon, n, out)))
    }

    /// Stops (`open = false`) or resumes new registrations.
    pub async fn set_salon_open<T: Tx>(
        &self,
        tx: &mut T,
        id: SalonId,
        open: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<Toggled, FormError>> {
        let Some((mut salon, _)) = tx.salon_get(id).await? else {
            return Ok(Err(FormError::UnknownSalon(id.0)));
        };
        if salon.status == SalonStatus::Cancelled {
            return Ok(Err(FormError::Cancelled));
        }
        if open && now >= salon.info.starts_at {
            return Ok(Err(FormError::PastOnlyTitle));
        }
        let want = if open {
            SalonStatus::Open
        } else {
            SalonStatus::Closed
        };
        // A passed closing time closes as well: opening clears it.
        let passed = salon.closes_at.is_some_and(|c| now >= c);
        if salon.status == want && !(open && passed) {
            return Ok(Ok(Toggled::Already(salon)));
        }
        salon.status = want;
        if open && passed {
            salon.closes_at = None;
        }
        tx.salon_save(&salon).await?;
        let action = if open { "open" } else { "close" };
        self.audit(tx, id, actor, action, String::new(), now)
            .await?;
        Ok(Ok(Toggled::Done(salon)))
    }

    /// `/opensalon` posts the salon to the `[announce]` channels again, once per opening.
    pub(crate) fn reopen_posts(&self, salon: &Salon, now: DateTime<Utc>) -> Vec<Outgoing> {
        self.channel_posts(salon, &format!("open{}", now.timestamp_millis()))
    }
}
