//! Organizers hear, at most once a day, about approvals (with their group invitations)
//! that could not be delivered, so they can reach those people another way.

use super::Engine;
use crate::i18n::OpsMsg;
use crate::ids::OutboxId;
use crate::message::{Outgoing, Reply};
use crate::ports::{DeliveryKind, StoreResult, Tx};
use chrono::{DateTime, Utc};

/// The last failed outbox id already reported.
const REPORTED: &str = "failed_note:reported_through";
/// The local day of the last note.
const LAST_DAY: &str = "failed_note:day";
/// Failures read per tick.
const READ: u32 = 500;

impl Engine {
    pub(crate) async fn note_failed_deliveries<T: Tx>(
        &self,
        tx: &mut T,
        now: DateTime<Utc>,
        out: &mut Vec<Outgoing>,
    ) -> StoreResult<()> {
        let day = now
            .with_timezone(&self.cfg.jobs.timezone)
            .date_naive()
            .to_string();
        if tx.meta_get(LAST_DAY).await?.as_deref() == Some(day.as_str()) {
            return Ok(());
        }
        let after = tx
            .meta_get(REPORTED)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let failed = tx.outbox_failed_after(OutboxId(after), READ).await?;
        let Some(last) = failed.last().map(|f| f.id.0) else {
            return Ok(());
        };
        tx.meta_put(REPORTED, &last.to_string()).await?;
        let approvals: Vec<_> = failed
            .into_iter()
            .filter(|f| f.kind == DeliveryKind::Approval)
            .collect();
        if approvals.is_empty() {
            return Ok(());
        }
        tx.meta_put(LAST_DAY, &day).await?;
        for (org, l) in self.organizers(tx).await? {
            let text = OpsMsg::DeliveryFailures(&approvals).render(l);
            let mut o = Outgoing::direct(&org, Reply::text(text).private());
            o.dedupe_key = Some(format!("failed_note:{day}:{org}"));
            out.push(o);
        }
        Ok(())
    }
}
