//! A file (the calendar invitation, a ticket's QR code) to a Slack channel through the upload flow that
//! replaced `files.upload` (docs/platforms/slack.md §5.6): `files.getUploadURLExternal`
//! (form: filename, length) → POST the bytes to the returned `upload_url` →
//! `files.completeUploadExternal` sharing the file in the channel.

use super::api::{ApiError, SlackApi};
use serde::Deserialize;
use serde_json::json;
use yunqi_bot::message::Attachment;

#[derive(Debug, Deserialize)]
struct UploadUrl {
    upload_url: String,
    file_id: String,
}

impl SlackApi {
    /// Uploads `a` and shares it in `channel` (in the thread of `thread_ts`, if given).
    pub async fn upload_file(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        a: &Attachment,
    ) -> Result<(), ApiError> {
        // Binary files (a ticket's QR code) are base64 in the outbox: upload the bytes.
        let bytes = a
            .bytes()
            .ok_or_else(|| ApiError::Permanent("attachment is not valid base64".into()))?;
        let length = bytes.len().to_string();
        let form = [
            ("filename", a.filename.as_str()),
            ("length", length.as_str()),
        ];
        let url: UploadUrl = self.form_call("files.getUploadURLExternal", &form).await?;
        self.post_bytes(&url.upload_url, bytes, &a.mime).await?;
        let mut body = json!({
            "files": [{"id": url.file_id, "title": a.filename}],
            "channel_id": channel,
        });
        if let Some(ts) = thread_ts {
            body["thread_ts"] = json!(ts);
        }
        let _: serde_json::Value = self
            .call_json("files.completeUploadExternal", &body)
            .await?;
        Ok(())
    }
}
