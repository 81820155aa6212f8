//! `/stats <salon>` for organizers: the figures as text, the chart as a PNG when the
//! composition root gave a renderer (`EngineConfig::charts`).

use super::{Ctx, Engine};
use crate::feedback::Summary;
use crate::i18n::StatsMsg;
use crate::ids::SalonId;
use crate::message::{Attachment, Reply};
use crate::model::RegStatus;
use crate::ports::{StoreResult, Tx};
use crate::stats::{registration_chart, SalonStats};

impl Engine {
    pub(crate) async fn stats<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: SalonId,
    ) -> StoreResult<()> {
        let Some(salon) = self.salon_or_say(tx, cx, id).await? else {
            return Ok(());
        };
        let rows = tx.registrations(id, &RegStatus::ALL).await?;
        let feedback = Summary::of(&tx.feedback_list(id).await?);
        let stats = SalonStats::of(&salon, &rows, &feedback);
        // Drawn only here, on an organizer's request: never on the hot path.
        let png = self.cfg.charts.0.as_ref().and_then(|r| {
            let chart = registration_chart(&salon, &rows);
            r.registrations_png(&chart)
        });
        let text = StatsMsg::Stats {
            salon: &salon,
            stats: &stats,
            chart: png.is_some(),
        }
        .render(cx.locale());
        let mut reply = Reply::text(text).private();
        if let Some(png) = png {
            reply = reply.with_attachment(Attachment::png(format!("salon-{id}-stats.png"), &png));
        }
        cx.send_here(reply);
        Ok(())
    }
}
