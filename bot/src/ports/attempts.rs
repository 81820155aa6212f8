//! Failed tries at anything guessable (link codes; later salon check-in codes), counted per
//! subject in a fixed window and written with the event, so a restart does not reset them.

use super::StoreResult;
use chrono::{DateTime, Duration, Utc};

#[trait_variant::make(Send)]
pub trait AttemptTx {
    /// Failures of `subject` at `kind` in the window open at `now` (0 when none is open).
    async fn attempts_failed(
        &mut self,
        kind: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<u32>;
    /// Counts one failure; the first failure after a window closed opens one of `window`.
    async fn attempt_failed(
        &mut self,
        kind: &str,
        subject: &str,
        now: DateTime<Utc>,
        window: Duration,
    ) -> StoreResult<()>;
}
