//! A member's side of a salon: browse, register, cancel, claim an offer, check in.

use super::salon_chat::registration_refusal;
use super::{Ctx, Engine};
use crate::command::{Command, ProfileFields, Who};
use crate::dialogue::{self, Answers, JobField, Step};
use crate::i18n::{JobMsg, Locale, Msg};
use crate::ics;
use crate::ids::{SalonId, UserRef};
use crate::job::Tag;
use crate::message::{Button, ButtonStyle, Invite, Outgoing, Reply};
use crate::model::{group_key, Decision, RegStatus, Registration, Salon, SalonStatus, SeatCounts};
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Duration, Utc};

pub(crate) fn seats_left(s: &Salon, c: &SeatCounts) -> u32 {
    s.info.capacity.saturating_sub(c.held)
}

impl Engine {
    pub(crate) async fn list_salons<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let mut salons = tx.salons_upcoming(cx.now).await?;
        // Members see what they can register for.
        salons.retain(|(s, _)| s.takes_registrations(cx.now));
        if salons.is_empty() {
            cx.say(Msg::SalonsNone);
            return Ok(());
        }
        let l = cx.locale();
        let mut text = Msg::SalonsHeader.render(l);
        for (s, c) in &salons {
            text.push('\n');
            text += &Msg::SalonLine {
                salon: s,
                seats_left: seats_left(s, c),
            }
            .render(l);
        }
        cx.send_here(Reply::text(text));
        Ok(())
    }

    pub(crate) async fn show_salon<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        match tx.salon_get(id).await? {
            Some((s, c)) => cx.say(Msg::SalonDetail {
                salon: &s,
                seats_left: seats_left(&s, &c),
            }),
            None => cx.say(Msg::SalonNotFound(id.0)),
        }
        Ok(())
    }

    pub(crate) async fn register<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        fields: &ProfileFields,
    ) -> StoreResult<()> {
        let Some((salon, _)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        if let Some(m) = registration_refusal(&salon, cx.now) {
            cx.say_admin(m);
            return Ok(());
        }
        if cx.now >= salon.info.starts_at {
            cx.say(Msg::SalonClosed(&salon));
            return Ok(());
        }
        if let Some(r) = tx.registration_latest(id, cx.member.id).await? {
            if r.status.is_active() {
                cx.say(Msg::AlreadyRegistered {
                    salon: &salon,
                    status: r.status,
                });
                return Ok(());
            }
        }
        let step = dialogue::start_register(id, &cx.member, fields);
        if matches!(step, Step::Ask { .. }) {
            cx.say_private(Msg::RegisterIntro(&salon));
        }
        self.apply_step(tx, cx, step).await
    }

    /// Every answer is in: save the profile, screen, and place the registration.
    pub(crate) async fn complete_registration<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        answers: Answers,
    ) -> StoreResult<()> {
        answers.write_to(&mut cx.member);
        tx.member_save(&cx.member).await?;
        let Some((salon, counts)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        if let Some(m) = registration_refusal(&salon, cx.now) {
            cx.say_admin(m);
            return Ok(());
        }
        if cx.now >= salon.info.starts_at {
            cx.say(Msg::SalonClosed(&salon));
            return Ok(());
        }
        // A dialogue may have finished after another registration went in.
        if let Some(r) = tx.registration_latest(id, cx.member.id).await? {
            if r.status.is_active() {
                cx.say(Msg::AlreadyRegistered {
                    salon: &salon,
                    status: r.status,
                });
                return Ok(());
            }
        }
        let years = cx.member.years.map(|y| y.get()).unwrap_or(0);
        let account = cx.ev.user.clone();
        let status = if years < salon.info.min_years {
            RegStatus::Rejected
        } else if counts.held >= salon.info.capacity || counts.waitlisted > 0 {
            RegStatus::Waitlisted
        } else if salon.info.auto_approve {
            RegStatus::Approved
        } else {
            RegStatus::Pending
        };
        let mut reg = tx
            .registration_insert(id, cx.member.id, &account, status, cx.now)
            .await?;
        match status {
            RegStatus::Rejected => {
                reg.reason = Some(format!("ineligible: {years} < {}", salon.info.min_years));
                tx.registration_update(&reg).await?;
                tx.decision_log(&Decision {
                    registration: reg.id,
                    actor: "system".into(),
                    action: status,
                    reason: reg.reason.clone(),
                    at: cx.now,
                })
                .await?;
                cx.say_private(Msg::Ineligible {
                    salon: &salon,
                    min: salon.info.min_years,
                    years,
                });
                // Organizers may still approve by hand.
                self.notify_organizers(tx, cx, &salon, &reg).await?;
            }
            RegStatus::Waitlisted => {
                let position = counts.waitlisted + 1;
                cx.say_private(Msg::Waitlisted {
                    salon: &salon,
                    position,
                });
            }
            RegStatus::Approved => {
                let l = cx.locale();
                for r in super::ticket::approval_with_ticket(tx, &salon, &reg, l, cx.now).await? {
                    cx.send_here(r);
                }
            }
            _ => {
                cx.say_private(Msg::Pending(&salon));
                self.notify_organizers(tx, cx, &salon, &reg).await?;
            }
        }
        Ok(())
    }

    async fn notify_organizers<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        salon: &Salon,
        reg: &Registration,
    ) -> StoreResult<()> {
        let no_shows = tx.no_show_count(cx.member.id).await?;
        let who = reg.account.to_string();
        for (org, l) in self.organizers(tx).await? {
            let text = Msg::NewPending {
                salon,
                who: &who,
                member: &cx.member,
                no_shows,
                status: reg.status,
            }
            .render(l);
            let r = Reply::text(text).private().with_buttons(decision_buttons(
                salon.id,
                &reg.account,
                l,
            ));
            cx.send(&org, r);
        }
        Ok(())
    }

    pub(crate) async fn cancel<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some((salon, _)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        let reg = tx.registration_latest(id, cx.member.id).await?;
        let Some(mut reg) =
            reg.filter(|r| r.status.is_active() && r.status != RegStatus::CheckedIn)
        else {
            cx.say(Msg::NothingToCancel(&salon));
            return Ok(());
        };
        let freed = reg.status.holds_seat();
        reg.status = RegStatus::Cancelled;
        reg.offered_until = None;
        tx.registration_update(&reg).await?;
        tx.decision_log(&Decision {
            registration: reg.id,
            actor: cx.ev.user.to_string(),
            action: RegStatus::Cancelled,
            reason: None,
            at: cx.now,
        })
        .await?;
        cx.say(Msg::CancelledOk(&salon));
        if freed {
            let out = self.offer_free_seats(tx, id, cx.now).await?;
            cx.out.extend(out);
        }
        Ok(())
    }

    /// Offers every free seat to the head of the waitlist, FIFO, with a claim window.
    pub(crate) async fn offer_free_seats<T: Tx>(
        &self,
        tx: &mut T,
        id: SalonId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Outgoing>> {
        let mut out = Vec::new();
        let Some((salon, counts)) = tx.salon_get(id).await? else {
            return Ok(out);
        };
        if now >= salon.info.starts_at || salon.status == SalonStatus::Cancelled {
            return Ok(out);
        }
        let free = seats_left(&salon, &counts) as usize;
        if free == 0 {
            return Ok(out);
        }
        let waiting = tx.registrations(id, &[RegStatus::Waitlisted]).await?;
        let until = (now + self.cfg.claim_window).min(salon.info.starts_at);
        for row in waiting.into_iter().take(free) {
            let mut reg = row.reg;
            reg.status = RegStatus::Offered;
            reg.offered_until = Some(until);
            tx.registration_update(&reg).await?;
            tx.decision_log(&Decision {
                registration: reg.id,
                actor: "system".into(),
                action: RegStatus::Offered,
                reason: None,
                at: now,
            })
            .await?;
            let text = Msg::Offered {
                salon: &salon,
                until,
            }
            .render(row.member.locale);
            let confirm = Button {
                label: Msg::ConfirmSeat.render(row.member.locale),
                command: Command::Confirm(salon.id).to_text(),
                style: ButtonStyle::Primary,
            };
            out.push(Outgoing::direct(
                &reg.account,
                Reply::text(text).private().with_buttons(vec![confirm]),
            ));
        }
        Ok(out)
    }

    pub(crate) async fn confirm<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some((salon, _)) = tx.salon_get(id).await? else {
            cx.say(Msg::SalonNotFound(id.0));
            return Ok(());
        };
        let reg = tx.registration_latest(id, cx.member.id).await?;
        let live = salon.status != SalonStatus::Cancelled;
        let offered = reg.filter(|r| {
            live && r.status == RegStatus::Offered && r.offered_until.is_some_and(|u| u > cx.now)
        });
        let Some(mut reg) = offered else {
            cx.say(Msg::NoOffer(&salon));
            return Ok(());
        };
        reg.status = RegStatus::Approved;
        reg.offered_until = None;
        tx.registration_update(&reg).await?;
        tx.decision_log(&Decision {
            registration: reg.id,
            actor: cx.ev.user.to_string(),
            action: RegStatus::Approved,
            reason: Some("claimed offer".into()),
            at: cx.now,
        })
        .await?;
        let l = cx.locale();
        for r in super::ticket::approval_with_ticket(tx, &salon, &reg, l, cx.now).await? {
            cx.send_here(r);
        }
        Ok(())
    }

    pub(crate) async fn check_in<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        code: &str,
    ) -> StoreResult<()> {
        if let Some(ticket) = crate::ticket::normalize(code) {
            return self.check_in_ticket(tx, cx, &ticket).await;
        }
        let Some((limit, subjects)) = checkin_gate(tx, cx).await? else {
            return Ok(());
        };
        let Some(salon) = tx.salon_by_checkin_code(code.trim()).await? else {
            limit.failed(tx, &subjects, cx.now).await?;
            cx.say(Msg::CheckinBadCode);
            return Ok(());
        };
        // The shared code is shown at the venue: it is no use before or after the salon.
        let opens = salon.info.starts_at - Duration::hours(CHECKIN_OPENS_HOURS);
        if cx.now < opens {
            cx.say(Msg::CheckinNotOpen {
                salon: &salon,
                opens,
            });
            return Ok(());
        }
        if cx.now >= salon.info.ends_at {
            cx.say(Msg::CheckinOver(&salon));
            return Ok(());
        }
        let reg = tx.registration_latest(salon.id, cx.member.id).await?;
        match reg {
            Some(r) if r.status == RegStatus::CheckedIn => cx.say(Msg::CheckedIn(&salon)),
            Some(mut r) if r.status == RegStatus::Approved => {
                r.status = RegStatus::CheckedIn;
                tx.registration_update(&r).await?;
                let rec = crate::ports::CheckinRecord {
                    method: crate::ports::CheckinMethod::Code,
                    actor: cx.ev.user.to_string(),
                    at: cx.now,
                };
                tx.checkin_record(r.id, &rec).await?;
                cx.say(Msg::CheckedIn(&salon));
            }
            _ => cx.say(Msg::CheckinNotApproved(&salon)),
        }
        Ok(())
    }

    pub(crate) async fn profile<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        fields: &ProfileFields,
    ) -> StoreResult<()> {
        if fields.is_empty() {
            let m = cx.member.clone();
            let record: Vec<(String, u32)> = tx
                .record_of(m.id)
                .await?
                .into_iter()
                .map(|(t, n)| (t.to_string(), n))
                .collect();
            let l = cx.locale();
            let mut text = format!(
                "{}\n{}",
                Msg::Profile(&m).render(l),
                JobMsg::Record(&record).render(l)
            );
            let (accepted, on_time) = tx.delivery_stats(m.id).await?;
            if accepted > 0 {
                let line = crate::i18n::CheckMsg::OnTime { accepted, on_time };
                text += &format!("\n{}", line.render(l));
            }
            cx.send_here(Reply::text(text).private());
            return Ok(());
        }
        let skills = match fields.skills.as_deref().map(Tag::parse_list) {
            Some(Err(why)) => {
                cx.say_job(JobMsg::Invalid {
                    field: JobField::Tags,
                    why,
                });
                return Ok(());
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        let mut answers = Answers::from_member(&cx.member);
        match answers.apply(fields) {
            Err((field, why)) => cx.say_private(Msg::InvalidAnswer { field, why }),
            Ok(()) => {
                answers.write_to(&mut cx.member);
                if let Some(s) = skills {
                    cx.member.skills = s;
                }
                tx.member_save(&cx.member).await?;
                cx.say(Msg::ProfileUpdated);
            }
        }
        Ok(())
    }
}

/// What an approval was rendered from (salon, language, the group's clock reading), and
/// the approval without its registration.
type Rendered = Option<(Salon, Locale, DateTime<Utc>, Reply)>;

thread_local! {
    /// The last approval rendered on this thread. A write group reads the clock once, so
    /// its approvals for one salon in one language are the same text and calendar:
    /// rendering each again (dates, the `.ics`) was ≈ 15 % of the writer's CPU under
    /// `yunqi-load`.
    static LAST_APPROVAL: std::cell::RefCell<Rendered> = const { std::cell::RefCell::new(None) };
}

/// Approval: time, place, agenda, calendar invite, and the way into the event group.
pub(crate) fn approval_reply(
    salon: &Salon,
    reg: &Registration,
    l: Locale,
    now: DateTime<Utc>,
) -> Reply {
    let rendered = LAST_APPROVAL.with_borrow(|last| match last {
        Some((s, ll, at, r)) if *ll == l && *at == now && s == salon => Some(r.clone()),
        _ => None,
    });
    let mut r = rendered.unwrap_or_else(|| {
        let mut text = Msg::Approved { salon }.render(l);
        if let Some(link) = &salon.info.group_link {
            text.push('\n');
            text += &Msg::GroupLink(link).render(l);
        }
        let r = Reply::text(text).with_attachment(ics::invite(salon, l, now));
        LAST_APPROVAL.set(Some((salon.clone(), l, now, r.clone())));
        r
    });
    r.invite = Some(Invite {
        salon: salon.id,
        registration: reg.id,
        group: salon
            .info
            .groups
            .get(group_key(reg.account.platform))
            .cloned(),
    });
    r
}

pub(crate) fn decision_buttons(salon: SalonId, user: &UserRef, l: Locale) -> Vec<Button> {
    vec![
        Button {
            label: Msg::Approve.render(l),
            command: Command::Approve {
                salon,
                who: Who::Users(vec![user.to_string()]),
            }
            .to_text(),
            style: ButtonStyle::Primary,
        },
        Button {
            label: Msg::Reject.render(l),
            command: Command::Reject {
                salon,
                user: user.to_string(),
                reason: None,
            }
            .to_text(),
            style: ButtonStyle::Danger,
        },
    ]
}

/// How long before the start the shared check-in code starts to work.
pub(crate) const CHECKIN_OPENS_HOURS: i64 = 1;

/// Wrong check-in codes allowed per member and account in a window: a 6-digit code
/// cannot be guessed at 5 tries per 10 minutes.
fn checkin_limit() -> super::limit::Limit {
    super::limit::Limit {
        kind: "checkin",
        max: 5,
        window: Duration::minutes(10),
    }
}

/// The check-in guess limit and who it counts against, or `None` after telling a locked-out
/// user to try later (shared code and ticket codes alike).
pub(crate) async fn checkin_gate<T: Tx>(
    tx: &mut T,
    cx: &mut Ctx<'_>,
) -> StoreResult<Option<(super::limit::Limit, Vec<String>)>> {
    let subjects = checkin_subjects(cx);
    let limit = checkin_limit();
    if limit.locked(tx, &subjects, cx.now).await? {
        cx.say(Msg::LinkTryLater {
            minutes: limit.window.num_minutes(),
        });
        return Ok(None);
    }
    Ok(Some((limit, subjects)))
}

fn checkin_subjects(cx: &Ctx<'_>) -> Vec<String> {
    vec![
        format!("member:{}", cx.member.id.0),
        format!("account:{}", cx.ev.user),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{MemberId, Platform, RegistrationId};
    use crate::model::{NewSalon, Text2};
    use chrono::TimeZone;

    fn salon() -> Salon {
        let t = |h| Utc.with_ymd_and_hms(2026, 12, 12, h, 0, 0).unwrap();
        let text = |s: &str| Text2 {
            zh: s.into(),
            en: s.into(),
        };
        Salon {
            id: SalonId(1),
            info: NewSalon {
                title: text("Rust 沙龙"),
                venue: text("杭州"),
                agenda: text("议程"),
                starts_at: t(6),
                ends_at: t(9),
                timezone: chrono_tz::Asia::Shanghai,
                capacity: 20,
                min_years: 0,
                auto_approve: true,
                group_link: None,
                groups: Default::default(),
            },
            checkin_code: None,
            status: SalonStatus::Open,
            closes_at: None,
            sequence: 0,
            reschedules: 0,
        }
    }

    fn reg(id: i64) -> Registration {
        Registration {
            id: RegistrationId(id),
            salon: SalonId(1),
            member: MemberId(id),
            account: UserRef::new(Platform::Slack, format!("U{id}")),
            status: RegStatus::Approved,
            created_at: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            offered_until: None,
            reason: None,
        }
    }

    #[test]
    fn an_approval_rendered_again_matches_and_any_change_of_its_inputs_renders_anew() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 1, 2, 3).unwrap();
        let s = salon();
        let first = approval_reply(&s, &reg(1), Locale::Zh, now);
        let second = approval_reply(&s, &reg(2), Locale::Zh, now);
        assert_eq!(first.text, second.text);
        assert_eq!(first.attachment, second.attachment);
        // Each keeps its own registration.
        assert_eq!(
            first.invite.as_ref().map(|i| i.registration),
            Some(RegistrationId(1))
        );
        assert_eq!(
            second.invite.as_ref().map(|i| i.registration),
            Some(RegistrationId(2))
        );
        // What it is rendered from changes: so does it, as if rendered for the first time.
        let mut moved = s.clone();
        moved.info.venue = Text2 {
            zh: "上海".into(),
            en: "Shanghai".into(),
        };
        moved.sequence = 1;
        let later = now + Duration::seconds(1);
        let mut linked = s.clone();
        linked.info.group_link = Some("https://example.com/join".into());
        for (salon, l, at) in [
            (&moved, Locale::Zh, now),
            (&s, Locale::En, now),
            (&s, Locale::Zh, later),
            (&linked, Locale::Zh, now),
        ] {
            // The memo holds the first salon's approval; the change must not reuse it.
            approval_reply(&s, &reg(1), Locale::Zh, now);
            let cached = approval_reply(salon, &reg(3), l, at);
            LAST_APPROVAL.set(None);
            let fresh = approval_reply(salon, &reg(3), l, at);
            assert_eq!(cached.text, fresh.text);
            assert_eq!(cached.attachment, fresh.attachment);
        }
        let venue = approval_reply(&moved, &reg(4), Locale::Zh, now);
        assert!(venue.text.contains("上海"), "{}", venue.text);
        assert_ne!(venue.attachment, first.attachment);
    }
}
