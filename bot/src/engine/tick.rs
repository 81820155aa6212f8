//! Work driven by the clock: expired offers, reminders, no-shows. Idempotent, so a tick
//! repeated after a restart sends nothing twice.

use super::Engine;
use crate::i18n::Msg;
use crate::message::{Outgoing, Reply};
use crate::model::{Decision, RegStatus};
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Utc};

impl Engine {
    pub async fn tick<T: Tx>(&self, tx: &mut T, now: DateTime<Utc>) -> StoreResult<Vec<Outgoing>> {
        let mut out = Vec::new();
        self.expire_offers(tx, now, &mut out).await?;
        self.remind(tx, now, &mut out).await?;
        self.settle_ended(tx, now, &mut out).await?;
        self.digest_if_due(tx, now, &mut out).await?;
        self.remind_questions(tx, now, &mut out).await?;
        self.note_failed_deliveries(tx, now, &mut out).await?;
        Ok(out)
    }

    async fn expire_offers<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        let expired = tx.offers_expired(now).await?;
        let mut salons = Vec::new();
        for mut reg in expired {
            reg.status = RegStatus::Cancelled;
            reg.reason = Some("offer expired".into());
            reg.offered_until = None;
            tx.registration_update(&reg).await?;
            tx.decision_log(&Decision {
                registration: reg.id,
                actor: "system".into(),
                action: RegStatus::Cancelled,
                reason: reg.reason.clone(),
                at: now,
            })
            .await?;
            if let (Some((salon, _)), Some(m)) = (
                tx.salon_get(reg.salon).await?,
                tx.member_get(reg.member).await?,
            ) {
                let text = Msg::OfferExpired(&salon).render(m.locale);
                out.push(Outgoing::direct(&reg.account, Reply::text(text).private()));
            }
            if !salons.contains(&reg.salon) {
                salons.push(reg.salon);
            }
        }
        for s in salons {
            out.extend(self.offer_free_seats(tx, s, now).await?);
        }
        Ok(())
    }

    /// Sends the nearest reminder that is due; earlier ones that were missed (the bot was
    /// down, or the person was approved late) are marked done without a message.
    async fn remind<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        let Some(longest) = self.cfg.reminders.iter().max().copied() else {
            return Ok(());
        };
        let mut offsets = self.cfg.reminders.clone();
        offsets.sort();
        for (salon, _) in tx.salons_upcoming(now).await? {
            let start = salon.info.starts_at;
            if now < start - longest {
                continue;
            }
            let due: Vec<_> = offsets.iter().filter(|o| now >= start - **o).collect();
            let Some(nearest) = due.first() else { continue };
            let rows = tx.registrations(salon.id, &[RegStatus::Approved]).await?;
            for row in rows {
                let mut send = false;
                for o in &due {
                    // A moved salon is reminded again at its new time.
                    let kind = match salon.reschedules {
                        0 => format!("before-{}m", o.num_minutes()),
                        n => format!("before-{}m-r{n}", o.num_minutes()),
                    };
                    let fresh = tx.reminder_once(row.reg.id, &kind, now).await?;
                    send |= fresh && o == nearest;
                }
                if send {
                    let hours = ((start - now).num_minutes() + 30) / 60;
                    let text = Msg::Reminder {
                        salon: &salon,
                        hours: hours.max(1),
                    }
                    .render(row.member.locale);
                    let mut o = Outgoing::direct(&row.reg.account, Reply::text(text).private());
                    // a reminder that could only arrive after the start is useless
                    o.expires_at = Some(start);
                    out.push(o);
                }
            }
        }
        Ok(())
    }

    /// After a salon ends, approved people who never checked in are recorded as no-shows,
    /// and those who did are asked for feedback.
    async fn settle_ended<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        for salon in tx.salons_ended_unsettled(now).await? {
            for row in tx
                .registrations(salon.id, &[RegStatus::Approved, RegStatus::Offered])
                .await?
            {
                let mut reg = row.reg;
                let was = reg.status;
                reg.status = if was == RegStatus::Approved {
                    RegStatus::NoShow
                } else {
                    RegStatus::Cancelled
                };
                reg.offered_until = None;
                tx.registration_update(&reg).await?;
                tx.decision_log(&Decision {
                    registration: reg.id,
                    actor: "system".into(),
                    action: reg.status,
                    reason: Some("salon ended".into()),
                    at: now,
                })
                .await?;
            }
            self.ask_feedback(tx, &salon, now, out).await?;
            tx.salon_mark_settled(salon.id).await?;
        }
        Ok(())
    }
}
