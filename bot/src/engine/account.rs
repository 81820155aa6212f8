//! Accounts: linking one person's accounts across platforms.

use super::{Ctx, Engine};
use crate::i18n::Msg;
use crate::ports::{StoreResult, Tx};
use rand::Rng;

impl Engine {
    pub(crate) async fn link<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        code: Option<&str>,
    ) -> StoreResult<()> {
        match code {
            None => {
                let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
                tx.link_code_put(&code, cx.member.id, cx.now + self.cfg.link_code_ttl)
                    .await?;
                let minutes = self.cfg.link_code_ttl.num_minutes();
                cx.say_private(Msg::LinkCode {
                    code: &code,
                    minutes,
                });
            }
            Some(code) => match tx.link_code_take(code.trim(), cx.now).await? {
                None => cx.say(Msg::LinkBadCode),
                Some(target) if target == cx.member.id => cx.say(Msg::LinkSame),
                Some(target) => {
                    // The account typing the code joins the member who asked for it; what
                    // this account's member had filled in fills the gaps.
                    let Some(mut into) = tx.member_get(target).await? else {
                        cx.say(Msg::LinkBadCode);
                        return Ok(());
                    };
                    let from = cx.member.clone();
                    into.name = into.name.or(from.name);
                    into.phone = into.phone.or(from.phone);
                    into.position = into.position.or(from.position);
                    into.years = into.years.or(from.years);
                    tx.member_merge(from.id, into.id).await?;
                    tx.member_save(&into).await?;
                    cx.member = into;
                    cx.say(Msg::Linked);
                }
            },
        }
        Ok(())
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
