//! An organizer's side: review, approve in bulk, reject with a reason, check-in, lists.

use super::salon::{decision_buttons, seats_left};
use super::{Ctx, Engine};
use crate::command::{Command, Who};
use crate::dialogue::{Dialogue, Step};
use crate::i18n::{organizer_profile, Msg};
use crate::ids::{SalonId, UserRef};
use crate::message::{Button, ButtonStyle, Outgoing, Reply};
use crate::model::{Decision, Member, RegStatus, Registration, Salon};
use crate::ports::{StoreResult, Tx};
use rand::Rng;

impl Engine {
    /// The salon, or `None` after telling the user it does not exist.
    pub(crate) async fn salon_or_say<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<Option<Salon>> {
        let s = tx.salon_get(id).await?.map(|(s, _)| s);
        if s.is_none() {
            cx.say(Msg::SalonNotFound(id.0));
        }
        Ok(s)
    }

    /// The member's latest registration for a salon, found by `alice` or `slack:U1`.
    async fn find_registration<T: Tx>(
        &self,
        tx: &mut T,
        cx: &Ctx<'_>,
        salon: SalonId,
        who: &str,
    ) -> StoreResult<Option<(Member, Registration)>> {
        let Some(user) = UserRef::parse_with_default(who, cx.ev.user.platform) else {
            return Ok(None);
        };
        let Some(member) = tx.member_find(&user).await? else {
            return Ok(None);
        };
        Ok(tx
            .registration_latest(salon, member.id)
            .await?
            .map(|r| (member, r)))
    }

    pub(crate) async fn pending<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let rows = tx.registrations(id, &[RegStatus::Pending]).await?;
        let l = cx.locale();
        if rows.is_empty() {
            cx.say(Msg::PendingNone(&salon));
            return Ok(());
        }
        let mut text = Msg::PendingHeader {
            salon: &salon,
            count: rows.len(),
        }
        .render(l);
        let mut buttons = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let no_shows = tx.no_show_count(row.member.id).await?;
            text += &format!(
                "\n{}. {} — {}",
                i + 1,
                row.reg.account,
                organizer_profile(&row.member, l)
            );
            if no_shows > 0 {
                text += &format!(" ⚠️ no-show ×{no_shows}");
            }
            buttons.extend(decision_buttons(id, &row.reg.account, l));
        }
        buttons.push(Button {
            label: Msg::ApproveAll.render(l),
            command: Command::Approve {
                salon: id,
                who: Who::All,
            }
            .to_text(),
            style: ButtonStyle::Primary,
        });
        cx.send_here(Reply::text(text).private().with_buttons(buttons));
        Ok(())
    }

    pub(crate) async fn approve<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        who: Who,
    ) -> StoreResult<()> {
        let Some((salon, counts)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        let mut free = seats_left(&salon, &counts);
        match who {
            Who::All => {
                let pending = tx.registrations(id, &[RegStatus::Pending]).await?;
                let (mut approved, mut waitlisted) = (0, 0);
                let mut position = counts.waitlisted;
                for row in pending {
                    let mut reg = row.reg;
                    if free > 0 {
                        free -= 1;
                        approved += 1;
                        self.set_approved(tx, cx, &salon, &row.member, &mut reg)
                            .await?;
                    } else {
                        waitlisted += 1;
                        position += 1;
                        reg.status = RegStatus::Waitlisted;
                        tx.registration_update(&reg).await?;
                        self.log(tx, cx, &reg, None).await?;
                        let text = Msg::Waitlisted {
                            salon: &salon,
                            position,
                        }
                        .render(row.member.locale);
                        cx.out
                            .push(Outgoing::direct(&reg.account, Reply::text(text).private()));
                    }
                }
                cx.say(Msg::ApproveResult {
                    approved,
                    waitlisted,
                    full: free == 0,
                });
            }
            Who::Users(users) => {
                for u in users {
                    let Some((member, mut reg)) = self.find_registration(tx, cx, id, &u).await?
                    else {
                        cx.say(Msg::UserUnknown(&u));
                        continue;
                    };
                    let approvable = matches!(
                        reg.status,
                        RegStatus::Pending | RegStatus::Rejected | RegStatus::Waitlisted
                    );
                    if !approvable {
                        cx.say(Msg::NotApprovable {
                            who: &u,
                            status: reg.status,
                        });
                    } else if free == 0 {
                        cx.say(Msg::ApproveFull(&u));
                    } else {
                        free -= 1;
                        self.set_approved(tx, cx, &salon, &member, &mut reg).await?;
                        cx.say(Msg::ApproveResult {
                            approved: 1,
                            waitlisted: 0,
                            full: free == 0,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    async fn set_approved<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        salon: &Salon,
        member: &Member,
        reg: &mut Registration,
    ) -> StoreResult<()> {
        reg.status = RegStatus::Approved;
        reg.reason = None;
        reg.offered_until = None;
        tx.registration_update(reg).await?;
        self.log(tx, cx, reg, None).await?;
        let replies =
            super::ticket::approval_with_ticket(tx, salon, reg, member.locale, cx.now).await?;
        cx.out.extend(super::ticket::direct(reg, replies));
        Ok(())
    }

    async fn log<T: Tx>(
        &self,
        tx: &mut T,
        cx: &Ctx<'_>,
        reg: &Registration,
        reason: Option<String>,
    ) -> StoreResult<()> {
        tx.decision_log(&Decision {
            registration: reg.id,
            actor: super::web::actor(cx.ev),
            action: reg.status,
            reason,
            at: cx.now,
        })
        .await
    }

    pub(crate) async fn reject<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        user: &str,
        reason: Option<String>,
    ) -> StoreResult<()> {
        match reason {
            Some(r) => {
                let Some(u) = UserRef::parse_with_default(user, cx.ev.user.platform) else {
                    cx.say(Msg::UserUnknown(user));
                    return Ok(());
                };
                self.reject_user(tx, cx, id, &u, &r).await
            }
            None => {
                let Some(u) = UserRef::parse_with_default(user, cx.ev.user.platform) else {
                    cx.say(Msg::UserUnknown(user));
                    return Ok(());
                };
                // A button has no room for a reason: ask for it.
                self.apply_step(
                    tx,
                    cx,
                    Step::AskReason(Dialogue::RejectReason { salon: id, user: u }),
                )
                .await
            }
        }
    }

    pub(crate) async fn reject_user<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        user: &UserRef,
        reason: &str,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let who = user.to_string();
        let Some((member, mut reg)) = self.find_registration(tx, cx, id, &who).await? else {
            cx.say(Msg::UserUnknown(&who));
            return Ok(());
        };
        if !reg.status.is_active() || reg.status == RegStatus::CheckedIn {
            cx.say(Msg::NotApprovable {
                who: &who,
                status: reg.status,
            });
            return Ok(());
        }
        // A decision should not fail on an invisible byte: the reason is stripped.
        let reason = crate::validate::CleanText::strip(reason).into_string();
        let reason = reason.as_str();
        let freed = reg.status.holds_seat();
        reg.status = RegStatus::Rejected;
        reg.reason = Some(reason.to_string());
        reg.offered_until = None;
        tx.registration_update(&reg).await?;
        self.log(tx, cx, &reg, Some(reason.to_string())).await?;
        let text = Msg::Rejected {
            salon: &salon,
            reason,
        }
        .render(member.locale);
        cx.out
            .push(Outgoing::direct(&reg.account, Reply::text(text).private()));
        cx.say(Msg::RejectDone(&who));
        if freed {
            let out = self.offer_free_seats(tx, id, cx.now).await?;
            cx.out.extend(out);
        }
        Ok(())
    }

    pub(crate) async fn checkin_code<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let code = match &salon.checkin_code {
            Some(c) => c.clone(),
            None => {
                let c = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
                tx.salon_set_checkin_code(id, &c).await?;
                c
            }
        };
        cx.say(Msg::CheckinCode {
            salon: &salon,
            code: &code,
        });
        Ok(())
    }

    pub(crate) async fn check_in_user<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        who: &str,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        if salon.status == crate::model::SalonStatus::Cancelled {
            cx.say_admin(crate::i18n::SalonAdminMsg::AlreadyCancelled(&salon));
            return Ok(());
        }
        match self.find_registration(tx, cx, id, who).await? {
            Some((_, mut reg))
                if matches!(reg.status, RegStatus::Approved | RegStatus::CheckedIn) =>
            {
                if reg.status == RegStatus::Approved {
                    reg.status = RegStatus::CheckedIn;
                    tx.registration_update(&reg).await?;
                    self.log(tx, cx, &reg, None).await?;
                    let rec = crate::ports::CheckinRecord {
                        method: crate::ports::CheckinMethod::Manual,
                        actor: super::web::actor(cx.ev),
                        at: cx.now,
                    };
                    tx.checkin_record(reg.id, &rec).await?;
                }
                cx.say(Msg::CheckInUserDone(who));
            }
            Some((_, reg)) => cx.say(Msg::NotApprovable {
                who,
                status: reg.status,
            }),
            None => cx.say(Msg::UserUnknown(who)),
        }
        Ok(())
    }

    pub(crate) async fn attendees<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some((salon, counts)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        let l = cx.locale();
        let statuses = [
            RegStatus::Approved,
            RegStatus::CheckedIn,
            RegStatus::Offered,
            RegStatus::Waitlisted,
            RegStatus::Pending,
        ];
        let rows = tx.registrations(id, &statuses).await?;
        let mut text = Msg::AttendeesHeader {
            salon: &salon,
            held: counts.held,
        }
        .render(l);
        for st in statuses {
            for (i, row) in rows.iter().filter(|r| r.reg.status == st).enumerate() {
                text += &format!(
                    "\n[{}] {}. {} — {}",
                    Msg::StatusName(st).render(l),
                    i + 1,
                    row.reg.account,
                    organizer_profile(&row.member, l)
                );
            }
        }
        cx.send_here(Reply::text(text).private());
        Ok(())
    }
}
