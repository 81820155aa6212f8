//! Acceptance as a checklist: evidence per item from the developer, accept or reject per
//! item by the client, disputes for operators.

use super::{Ctx, Engine};
use crate::job::JobId;
use crate::ports::{StoreResult, Tx};

impl Engine {
    /// One item's evidence from the `/deliver` dialogue; asks the next or finishes.
    pub(crate) async fn evidence_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        job: JobId,
        item: u32,
        text: String,
        rest: Vec<u32>,
    ) -> StoreResult<()> {
        let _ = (tx, cx, job, item, text, rest);
        Ok(())
    }
}
