//! New salons posted to community channels (`[announce]`), and salons written from config
//! entries with a `key` or `yunqi salon add`: created once, left alone afterwards.

use super::Engine;
use crate::command::Command;
use crate::i18n::{Locale, SalonAdminMsg};
use crate::message::{Button, ButtonStyle, Outgoing, Recipient, Reply};
use crate::model::{NewSalon, Salon};
use crate::ports::{StoreResult, Tx};
use crate::salon_form::SalonForm;
use chrono::{DateTime, Utc};

/// Who runs config-driven creations, in the audit.
pub const CONFIG_ACTOR: &str = "config";

impl Engine {
    /// The salon posted to every `[announce]` channel, in both languages, with a register
    /// button (a `/register <id>` line where the platform has none). `occasion` keys it:
    /// the same occasion is written once, whatever retries or restarts happen.
    pub(crate) fn channel_posts(&self, salon: &Salon, occasion: &str) -> Vec<Outgoing> {
        let text = format!(
            "{}\n\n{}",
            SalonAdminMsg::ChannelPost(salon).render(Locale::Zh),
            SalonAdminMsg::ChannelPost(salon).render(Locale::En)
        );
        let button = Button {
            label: "报名 / Register".into(),
            command: Command::Register {
                salon: salon.id,
                fields: Default::default(),
            }
            .to_text(),
            style: ButtonStyle::Primary,
        };
        self.cfg
            .announce
            .iter()
            .map(|to: &Recipient| {
                let mut o = Outgoing::new(
                    to.clone(),
                    Reply::text(text.clone()).with_buttons(vec![button.clone()]),
                );
                o.dedupe_key = Some(format!(
                    "announce:salon:{}:{occasion}:{}:{}",
                    salon.id,
                    to.user,
                    to.conversation.as_deref().unwrap_or("")
                ));
                o
            })
            .collect()
    }

    /// A newly published job, posted to the `[announce]` channels with `jobs = true`.
    pub(crate) fn job_channel_posts(&self, job: &crate::job::Job) -> Vec<Outgoing> {
        if !self.cfg.announce_jobs {
            return Vec::new();
        }
        let text = format!(
            "{}\n\n{}",
            crate::i18n::JobMsg::Notify { job }.render(Locale::Zh),
            crate::i18n::JobMsg::Notify { job }.render(Locale::En)
        );
        let details = Button {
            label: "详情 / Details".into(),
            command: Command::Job(job.id).to_text(),
            style: ButtonStyle::Default,
        };
        self.cfg
            .announce
            .iter()
            .map(|to| {
                let mut o = Outgoing::new(
                    to.clone(),
                    Reply::text(text.clone()).with_buttons(vec![details.clone()]),
                );
                o.dedupe_key = Some(format!(
                    "announce:job:{}:{}:{}",
                    job.id,
                    to.user,
                    to.conversation.as_deref().unwrap_or("")
                ));
                o
            })
            .collect()
    }

    /// Creates each salon whose key is not in the database yet (entries without a key are
    /// always created); existing ones are left alone, so chat edits win.
    pub async fn add_salons<T: Tx>(
        &self,
        tx: &mut T,
        entries: &[(Option<String>, NewSalon)],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Outgoing>> {
        let mut out = Vec::new();
        for (key, salon) in entries {
            if let Some(k) = key {
                if tx.salon_key_exists(k).await? {
                    continue;
                }
            }
            let form = SalonForm {
                salon: salon.clone(),
                closes_at: None,
            };
            let (s, posts) = self
                .create_salon(tx, &form, key.as_deref(), CONFIG_ACTOR, now)
                .await?;
            tracing::info!(salon = %s.id, key = ?key, "salon created from config");
            out.extend(posts);
        }
        Ok(out)
    }
}
