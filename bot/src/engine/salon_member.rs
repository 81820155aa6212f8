//! `/announce` to a salon's people, `/mine` (my registrations, applications and jobs),
//! and roles granted in chat (`/grant`, `/revoke`).

use super::{Ctx, Engine};
use crate::i18n::{JobMsg, SalonAdminMsg};
use crate::ids::{SalonId, UserRef};
use crate::message::{Outgoing, Reply};
use crate::model::{RegStatus, Salon};
use crate::ports::{GrantedRole, StoreResult, Tx};
use crate::salon_form::FormError;
use chrono::{DateTime, Utc};

const ATTENDING: [RegStatus; 3] = [
    RegStatus::Approved,
    RegStatus::Offered,
    RegStatus::CheckedIn,
];
const EVERYONE: [RegStatus; 5] = [
    RegStatus::Approved,
    RegStatus::Offered,
    RegStatus::CheckedIn,
    RegStatus::Pending,
    RegStatus::Waitlisted,
];

impl Engine {
    /// The organizer's text to every approved and offered attendee (`all`: pending and
    /// waitlisted too), each on the account they registered from, in their language.
    pub async fn announce_salon<T: Tx>(
        &self,
        tx: &mut T,
        id: SalonId,
        all: bool,
        text: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<(Salon, Vec<Outgoing>), FormError>> {
        let Some((salon, _)) = tx.salon_get(id).await? else {
            return Ok(Err(FormError::UnknownSalon(id.0)));
        };
        let statuses: &[RegStatus] = if all { &EVERYONE } else { &ATTENDING };
        let mut out = Vec::new();
        for row in tx.registrations(id, statuses).await? {
            let body = SalonAdminMsg::Announcement {
                salon: &salon,
                text,
            }
            .render(row.member.locale);
            out.push(Outgoing::direct(
                &row.reg.account,
                Reply::text(body).private(),
            ));
        }
        let scope = if all { "all" } else { "attendees" };
        let detail = format!("{scope} ×{}: {text}", out.len());
        self.audit(tx, id, actor, "announce", detail, now).await?;
        Ok(Ok((salon, out)))
    }

    pub(crate) async fn announce<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
        all: bool,
        text: &str,
    ) -> StoreResult<()> {
        let text = crate::validate::CleanText::strip(text).into_string();
        let actor = cx.ev.user.to_string();
        match self
            .announce_salon(tx, id, all, &text, &actor, cx.now)
            .await?
        {
            Err(e) => cx.say_admin(SalonAdminMsg::Invalid(&e)),
            Ok((salon, out)) => {
                cx.say_admin(SalonAdminMsg::AnnounceQueued {
                    salon: &salon,
                    count: out.len(),
                });
                cx.out.extend(out);
            }
        }
        Ok(())
    }

    /// My registrations (status, waitlist position, time), applications and posted jobs.
    pub(crate) async fn mine<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let l = cx.locale();
        let mut text = SalonAdminMsg::MineRegs.render(l);
        let regs = tx.registrations_of(cx.member.id).await?;
        if regs.is_empty() {
            text += &format!("\n{}", SalonAdminMsg::MineNone.render(l));
        }
        for reg in &regs {
            let Some((salon, _)) = tx.salon_get(reg.salon).await? else {
                continue;
            };
            let position = if reg.status == RegStatus::Waitlisted {
                let queue = tx
                    .registrations(reg.salon, &[RegStatus::Waitlisted])
                    .await?;
                queue
                    .iter()
                    .position(|r| r.reg.id == reg.id)
                    .map(|p| p as u32 + 1)
            } else {
                None
            };
            text += &format!(
                "\n{}",
                SalonAdminMsg::MineReg {
                    salon: &salon,
                    status: reg.status,
                    position,
                }
                .render(l)
            );
        }
        let applied = tx.applications_of(cx.member.id).await?;
        let posted = tx.jobs_of(cx.member.id).await?;
        for (header, jobs) in [
            (SalonAdminMsg::MineApplied, applied),
            (SalonAdminMsg::MinePosted, posted),
        ] {
            if jobs.is_empty() {
                continue;
            }
            text += &format!("\n{}", header.render(l));
            for j in &jobs {
                text += &format!(
                    "\n[{}] {}",
                    crate::i18n::job_status_name(j.status, l),
                    JobMsg::Line(j).render(l)
                );
            }
        }
        cx.send_here(Reply::text(text).private());
        Ok(())
    }

    /// `[roles] organizers` in config, by any of the asker's linked accounts.
    pub(crate) async fn is_config_organizer<T: Tx>(
        &self,
        tx: &mut T,
        cx: &Ctx<'_>,
    ) -> StoreResult<bool> {
        if self.cfg.organizers.contains(&cx.ev.user) {
            return Ok(true);
        }
        if self.cfg.organizers.is_empty() {
            return Ok(false);
        }
        let accounts = tx.member_accounts(cx.member.id).await?;
        Ok(accounts.iter().any(|a| self.cfg.organizers.contains(a)))
    }

    /// A role granted in chat to any of the asker's linked accounts.
    pub(crate) async fn has_granted<T: Tx>(
        &self,
        tx: &mut T,
        cx: &Ctx<'_>,
        role: GrantedRole,
    ) -> StoreResult<bool> {
        let mut accounts = tx.member_accounts(cx.member.id).await?;
        if !accounts.contains(&cx.ev.user) {
            accounts.push(cx.ev.user.clone());
        }
        Ok(tx.roles_granted(&accounts).await?.contains(&role))
    }

    /// `/grant` and `/revoke`. Granting `organizer` takes an organizer from config, so a
    /// granted organizer cannot mint others; config roles cannot be revoked in chat.
    pub(crate) async fn grant<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        role: GrantedRole,
        who: &str,
        grant: bool,
    ) -> StoreResult<()> {
        let Some(user) = UserRef::parse_with_default(who, cx.ev.user.platform) else {
            cx.say(crate::i18n::Msg::UserUnknown(who));
            return Ok(());
        };
        if role == GrantedRole::Organizer && !self.is_config_organizer(tx, cx).await? {
            cx.say_admin(SalonAdminMsg::GrantNeedsConfig);
            return Ok(());
        }
        let in_config = match role {
            GrantedRole::Organizer => self.cfg.organizers.contains(&user),
            GrantedRole::Operator => self.cfg.jobs.operators.contains(&user),
            GrantedRole::Client => false,
        };
        if !grant && in_config {
            cx.say_admin(SalonAdminMsg::RoleFromConfig { role, user: &user });
            return Ok(());
        }
        let actor = cx.ev.user.to_string();
        let changed = tx.role_set(&user, role, grant, &actor, cx.now).await?;
        cx.say_admin(SalonAdminMsg::RoleSet {
            role,
            user: &user,
            grant,
            changed,
        });
        Ok(())
    }
}
