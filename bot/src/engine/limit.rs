//! An attempt limit over the `AttemptTx` port: at most `max` failures per subject in a window.

use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub kind: &'static str,
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    /// Whether any subject used up its tries; a locked subject is refused even a right answer.
    pub async fn locked<T: Tx>(
        &self,
        tx: &mut T,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        for s in subjects {
            if tx.attempts_failed(self.kind, s, now).await? >= self.max {
                return Ok(true);
            }
        }
        Ok(false)
    }

    pub async fn failed<T: Tx>(
        &self,
        tx: &mut T,
        subjects: &[String],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        for s in subjects {
            tx.attempt_failed(self.kind, s, now, self.window).await?;
        }
        Ok(())
    }
}
