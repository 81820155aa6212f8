//! Personal tickets: issued with an approval, sent again by `/ticket`, and checked in by
//! an organizer with `/checkin <ticket-code>` (typed, or scanned from the QR code).

use super::salon::{checkin_gate, CHECKIN_OPENS_HOURS};
use super::{Ctx, Engine};
use crate::i18n::{Locale, Msg, TicketMsg};
use crate::ids::SalonId;
use crate::message::{Attachment, Outgoing, Reply};
use crate::model::{Decision, RegStatus, Registration, Salon};
use crate::ports::{CheckinMethod, CheckinRecord, StoreResult, Tx};
use crate::ticket;
use chrono::{DateTime, Duration, Utc};

/// The registration's ticket code, issued now if it has none yet.
pub(crate) async fn ensure_ticket<T: Tx>(
    tx: &mut T,
    reg: &Registration,
    now: DateTime<Utc>,
) -> StoreResult<String> {
    if let Some(code) = tx.ticket_of(reg.id).await? {
        return Ok(code);
    }
    let code = ticket::generate(reg.id.0.unsigned_abs());
    tx.ticket_issue(reg.id, &code, now).await?;
    Ok(code)
}

/// The ticket message: the code, and its QR code as a PNG where images can be shown.
pub(crate) fn ticket_reply(salon: &Salon, code: &str, l: Locale) -> Reply {
    let shown = ticket::display(code);
    let text = TicketMsg::Ticket {
        salon,
        code: &shown,
    }
    .render(l);
    Reply::text(text)
        .private()
        .with_attachment(Attachment::qr_png(
            format!("ticket-{}.png", salon.id),
            ticket::display(code),
        ))
}

/// An approval (with its ticket code) and the ticket message after it.
pub(crate) async fn approval_with_ticket<T: Tx>(
    tx: &mut T,
    salon: &Salon,
    reg: &Registration,
    l: Locale,
    now: DateTime<Utc>,
) -> StoreResult<[Reply; 2]> {
    let code = ensure_ticket(tx, reg, now).await?;
    let mut approval = super::salon::approval_reply(salon, reg, l, now).private();
    approval.text.push('\n');
    approval.text += &TicketMsg::ApprovalLine {
        code: &ticket::display(&code),
    }
    .render(l);
    Ok([approval, ticket_reply(salon, &code, l)])
}

/// Both messages of an approval, to the registration's account.
pub(crate) fn direct(reg: &Registration, replies: [Reply; 2]) -> Vec<Outgoing> {
    replies
        .into_iter()
        .map(|r| Outgoing::direct(&reg.account, r))
        .collect()
}

impl Engine {
    pub(crate) async fn ticket<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let reg = tx.registration_latest(id, cx.member.id).await?;
        match reg.filter(|r| matches!(r.status, RegStatus::Approved | RegStatus::CheckedIn)) {
            Some(reg) => {
                let code = ensure_ticket(tx, &reg, cx.now).await?;
                let r = ticket_reply(&salon, &code, cx.locale());
                cx.send_here(r);
            }
            None => cx.send_here(Reply::text(TicketMsg::NoTicket(&salon).render(cx.locale()))),
        }
        Ok(())
    }

    /// `/checkin <ticket-code>` (or a scan): organizers only, wrong codes limited like the
    /// shared code's.
    pub(crate) async fn check_in_ticket<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        code: &str,
    ) -> StoreResult<()> {
        let l = cx.locale();
        let say = |cx: &mut Ctx<'_>, m: TicketMsg| cx.send_here(Reply::text(m.render(l)));
        if !self.is_organizer(tx, cx).await? {
            say(cx, TicketMsg::ShowAtDoor);
            return Ok(());
        }
        let Some((limit, subjects)) = checkin_gate(tx, cx).await? else {
            return Ok(());
        };
        let Some(row) = tx.ticket_find(code).await? else {
            limit.failed(tx, &subjects, cx.now).await?;
            say(cx, TicketMsg::Unknown);
            return Ok(());
        };
        let (mut reg, member) = (row.reg, row.member);
        let Some((salon, _)) = tx.salon_get(reg.salon).await? else {
            say(cx, TicketMsg::Unknown);
            return Ok(());
        };
        let name = member
            .name
            .as_ref()
            .map_or_else(|| reg.account.to_string(), |n| n.as_str().to_string());
        let phone = member
            .phone
            .as_ref()
            .map_or_else(String::new, |p| p.masked());
        if salon.status == crate::model::SalonStatus::Cancelled {
            cx.say_admin(crate::i18n::SalonAdminMsg::AlreadyCancelled(&salon));
            return Ok(());
        }
        match reg.status {
            RegStatus::Approved => {}
            RegStatus::CheckedIn => {
                let rec = tx.checkin_of(reg.id).await?;
                say(
                    cx,
                    TicketMsg::Already {
                        salon: &salon,
                        name: &name,
                        phone: &phone,
                        at: rec.as_ref().map(|r| r.at),
                        by: rec.as_ref().map(|r| r.actor.as_str()),
                    },
                );
                return Ok(());
            }
            RegStatus::Cancelled => {
                say(
                    cx,
                    TicketMsg::Cancelled {
                        salon: &salon,
                        name: &name,
                    },
                );
                return Ok(());
            }
            status => {
                say(
                    cx,
                    TicketMsg::NotApproved {
                        salon: &salon,
                        name: &name,
                        status,
                    },
                );
                return Ok(());
            }
        }
        let opens = salon.info.starts_at - Duration::hours(CHECKIN_OPENS_HOURS);
        if cx.now < opens || cx.now >= salon.info.ends_at {
            let open_now = tx
                .salons_checking_in(cx.now, Duration::hours(CHECKIN_OPENS_HOURS))
                .await?;
            let m = match open_now.iter().find(|s| s.id != salon.id) {
                Some(here) => TicketMsg::OtherSalon {
                    ticket: &salon,
                    here,
                },
                None if cx.now < opens => TicketMsg::NotOpen {
                    salon: &salon,
                    opens,
                },
                None => TicketMsg::Over(&salon),
            };
            say(cx, m);
            return Ok(());
        }
        reg.status = RegStatus::CheckedIn;
        tx.registration_update(&reg).await?;
        let actor = super::web::actor(cx.ev);
        tx.decision_log(&Decision {
            registration: reg.id,
            actor: actor.clone(),
            action: RegStatus::CheckedIn,
            reason: Some("ticket".into()),
            at: cx.now,
        })
        .await?;
        let rec = CheckinRecord {
            method: CheckinMethod::Ticket,
            actor,
            at: cx.now,
        };
        tx.checkin_record(reg.id, &rec).await?;
        say(
            cx,
            TicketMsg::Done {
                salon: &salon,
                name: &name,
                phone: &phone,
                status: reg.status,
            },
        );
        let welcome = Msg::CheckedIn(&salon).render(member.locale);
        cx.send(&reg.account, Reply::text(welcome).private());
        Ok(())
    }
}
