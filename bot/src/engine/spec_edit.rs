//! Spec versions with sections: `/spec-edit`, tagged answers, and `/spec` for jobs that
//! have a structured spec.

use super::{Ctx, Engine};
use crate::job::{JobId, JobStatus};
use crate::message::Reply;
use crate::ports::{StoreResult, Tx};

impl Engine {
    pub(crate) async fn spec_edit<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        id: JobId,
        fields: &[(String, String)],
    ) -> StoreResult<()> {
        let _ = (tx, id, fields, JobStatus::Open);
        cx.send_here(Reply::text(String::new()));
        Ok(())
    }
}
