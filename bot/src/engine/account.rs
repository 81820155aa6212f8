//! Accounts: linking one person's accounts across platforms. A code typed on the other
//! platform links at once, unless the link would hand a role (organizer, operator) to a
//! side that lacked it: then an account of the role holder must confirm first, so a leaked
//! or guessed code (or a code an organizer is tricked into typing) hands over nothing.

use super::limit::Limit;
use super::{Ctx, Engine};
use crate::command::{Command, Roles};
use crate::i18n::Msg;
use crate::ids::{MemberId, UserRef};
use crate::link_code;
use crate::message::Reply;
use crate::ports::{GrantedRole, StoreResult, Tx};
use chrono::Duration;

/// Wrong codes and tokens allowed per member and per account in a window.
const MAX_WRONG: u32 = 5;
/// Fresh codes drawn before giving up on a collision (each one is 44 bits).
const DRAWS: usize = 8;

fn limit() -> Limit {
    Limit {
        kind: "link",
        max: MAX_WRONG,
        window: Duration::minutes(10),
    }
}

fn subjects(cx: &Ctx<'_>) -> Vec<String> {
    vec![
        format!("member:{}", cx.member.id.0),
        format!("account:{}", cx.ev.user),
    ]
}

/// `to` has a role `from` lacks.
fn gives(from: Roles, to: Roles) -> bool {
    (from.organizer && !to.organizer) || (from.operator && !to.operator)
}

impl Engine {
    pub(crate) async fn link<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        code: Option<&str>,
    ) -> StoreResult<()> {
        let Some(typed) = code else {
            return self.link_offer(tx, cx).await;
        };
        if self.link_locked(tx, cx).await? {
            return Ok(());
        }
        let found = match link_code::normalise(typed) {
            Some(c) => tx.link_code_take(&c, cx.now).await?,
            None => None,
        };
        let Some(target) = found else {
            return self.link_missed(tx, cx).await;
        };
        if target == cx.member.id {
            cx.say(Msg::LinkSame);
            return Ok(());
        }
        // The typing account joins the member who asked for the code.
        let owner = self.held_roles(tx, target).await?;
        let typer = self.held_roles(tx, cx.member.id).await?;
        let confirmer = if gives(owner, typer) {
            target
        } else if gives(typer, owner) {
            cx.member.id
        } else {
            return self.merge_into(tx, cx, target, cx.member.id, false).await;
        };
        self.ask_confirmation(tx, cx, target, confirmer).await
    }

    /// `/link confirm <token>` from an account of the member asked to confirm.
    pub(crate) async fn link_confirm<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        token: &str,
    ) -> StoreResult<()> {
        if self.link_locked(tx, cx).await? {
            return Ok(());
        }
        let found = match link_code::normalise(token) {
            Some(t) => tx.link_pending_take(&t, cx.member.id, cx.now).await?,
            None => None,
        };
        let Some((into, from)) = found else {
            return self.link_missed(tx, cx).await;
        };
        self.merge_into(tx, cx, into, from, true).await
    }

    /// Refuses while the asker is locked out: then even a right code is not looked up.
    async fn link_locked<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<bool> {
        let limit = limit();
        let locked = limit.locked(tx, &subjects(cx), cx.now).await?;
        if locked {
            cx.say(Msg::LinkTryLater {
                minutes: limit.window.num_minutes(),
            });
        }
        Ok(locked)
    }

    /// Every miss counts: malformed, unknown or expired.
    async fn link_missed<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        limit().failed(tx, &subjects(cx), cx.now).await?;
        cx.say(Msg::LinkBadCode);
        Ok(())
    }

    async fn link_offer<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let expires = cx.now + self.cfg.link_code_ttl;
        for _ in 0..DRAWS {
            let code = link_code::generate(&mut rand::thread_rng());
            if tx
                .link_code_put(&code, cx.member.id, cx.now, expires)
                .await?
            {
                cx.say_private(Msg::LinkCode {
                    code: &link_code::display(&code),
                    minutes: self.cfg.link_code_ttl.num_minutes(),
                });
                return Ok(());
            }
        }
        cx.say(Msg::LinkTryLater {
            minutes: limit().window.num_minutes(),
        });
        Ok(())
    }

    /// Sends a one-time token to the role holder's accounts; the link waits for it.
    async fn ask_confirmation<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        into: MemberId,
        confirmer: MemberId,
    ) -> StoreResult<()> {
        let ttl = self.cfg.link_code_ttl;
        let mut token = None;
        for _ in 0..DRAWS {
            let t = link_code::generate(&mut rand::thread_rng());
            let link = (into, cx.member.id, confirmer);
            if tx.link_pending_put(&t, link, cx.now, cx.now + ttl).await? {
                token = Some(t);
                break;
            }
        }
        let Some(token) = token else {
            cx.say(Msg::LinkTryLater {
                minutes: limit().window.num_minutes(),
            });
            return Ok(());
        };
        // The account that would join the confirming side.
        let other: UserRef = if confirmer == into {
            cx.ev.user.clone()
        } else {
            match tx.member_accounts(into).await?.into_iter().next() {
                Some(a) => a,
                None => cx.ev.user.clone(),
            }
        };
        let locale = match tx.member_get(confirmer).await? {
            Some(m) => m.locale,
            None => cx.locale(),
        };
        let command = Command::LinkConfirm(link_code::display(&token)).to_text();
        let minutes = ttl.num_minutes();
        for a in tx.member_accounts(confirmer).await? {
            let ask = Msg::LinkConfirmAsk {
                other: &other,
                command: &command,
                minutes,
            };
            cx.send(&a, Reply::text(ask.render(locale)));
        }
        cx.say(Msg::LinkAwaiting { minutes });
        Ok(())
    }

    /// Moves `from`'s accounts and registrations to `into`; `from`'s profile fills gaps.
    async fn merge_into<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        into: MemberId,
        from: MemberId,
        tell_other: bool,
    ) -> StoreResult<()> {
        let (Some(mut into), Some(from)) = (tx.member_get(into).await?, tx.member_get(from).await?)
        else {
            cx.say(Msg::LinkBadCode);
            return Ok(());
        };
        if into.id == from.id {
            cx.say(Msg::LinkSame);
            return Ok(());
        }
        let other = if cx.member.id == into.id {
            from.id
        } else {
            into.id
        };
        let others = if tell_other {
            tx.member_accounts(other).await?
        } else {
            Vec::new()
        };
        into.name = into.name.or(from.name);
        into.phone = into.phone.or(from.phone);
        into.position = into.position.or(from.position);
        into.years = into.years.or(from.years);
        tx.member_merge(from.id, into.id).await?;
        tx.member_save(&into).await?;
        let locale = into.locale;
        cx.member = into;
        cx.say(Msg::Linked);
        for a in others {
            cx.send(&a, Reply::text(Msg::Linked.render(locale)));
        }
        Ok(())
    }

    /// The roles `[roles]` gives any account of a member.
    async fn held_roles<T: Tx>(&self, tx: &mut T, m: MemberId) -> StoreResult<Roles> {
        let accounts = tx.member_accounts(m).await?;
        // Roles granted in chat (`/grant`) count like those from config.
        let granted = tx.roles_granted(&accounts).await?;
        Ok(Roles {
            organizer: accounts.iter().any(|a| self.cfg.organizers.contains(a))
                || granted.contains(&GrantedRole::Organizer),
            operator: accounts.iter().any(|a| self.cfg.jobs.operators.contains(a))
                || granted.contains(&GrantedRole::Operator),
        })
    }

    /// The asker's id in the form `[roles]` takes, their linked accounts and roles.
    pub(crate) async fn whoami<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let accounts = tx.member_accounts(cx.member.id).await?;
        let roles = self.roles(tx, cx).await?;
        let you = cx.ev.user.clone();
        cx.say(Msg::Whoami {
            you: &you,
            accounts: &accounts,
            roles,
        });
        Ok(())
    }
}
