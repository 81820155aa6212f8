//! The web console's side of the engine: `/dashboard` sign-in links, the roles a signed-in
//! user holds, and how an action taken in the console is recorded.

use super::{Ctx, Engine};
use crate::command::Roles;
use crate::event::Inbound;
use crate::i18n::WebMsg;
use crate::ids::{Locale, UserRef};
use crate::message::Reply;
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Utc};
use rand::RngCore;

/// Who a decision is recorded for: the person, and "via web" when it came from the console.
pub(crate) fn actor(ev: &Inbound) -> String {
    if ev.from_web() {
        format!("{} via web", ev.user)
    } else {
        ev.user.to_string()
    }
}

/// 32 random bytes as hex: unguessable, URL-safe.
fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Engine {
    /// A one-time sign-in link, answered privately: moved to a direct message in a shared
    /// channel, and never delivered where the platform has none (`capability::fit`).
    pub(crate) async fn dashboard<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        let token = new_token();
        let ttl = self.cfg.web.token_ttl;
        tx.web_token_put(&token, &cx.ev.user, cx.now + ttl, cx.now)
            .await?;
        let url = format!(
            "{}/admin/login?token={token}",
            self.cfg.web.public_url.trim_end_matches('/')
        );
        let text = WebMsg::DashboardLink {
            url: &url,
            minutes: ttl.num_minutes(),
        }
        .render(cx.locale());
        cx.send_here(Reply::text(text).private());
        Ok(())
    }

    /// The roles `user` holds now (the web console checks them on every request, so a
    /// revoked role loses access at once). Changes nothing the caller commits.
    pub async fn roles_of<T: Tx>(
        &self,
        tx: &mut T,
        user: &UserRef,
        now: DateTime<Utc>,
    ) -> StoreResult<(Roles, Locale)> {
        let ev = Inbound::text(user.clone(), "");
        let (member, _) = tx.member_for(user, Locale::default(), now).await?;
        let cx = Ctx {
            ev: &ev,
            member,
            now,
            out: Vec::new(),
        };
        let roles = self.roles(tx, &cx).await?;
        Ok((roles, cx.member.locale))
    }
}
