//! Temporary media (`media/upload`): the calendar invite as a file and the join-way QR as
//! an image, so app and kf messages can carry them by `media_id` (docs/platforms/wechat-kf.md
//! §4.3: multipart form field `media`, `type` in the query).

use super::api::WecomApi;
use super::error::ApiError;
use serde_json::{json, Value};

/// Largest image WeCom takes as temporary media (2 MB, JPG/PNG).
pub const IMAGE_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Largest file (20 MB).
pub const FILE_MAX_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    File,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::File => "file",
        }
    }

    fn max(self) -> usize {
        match self {
            MediaKind::Image => IMAGE_MAX_BYTES,
            MediaKind::File => FILE_MAX_BYTES,
        }
    }

    /// The message (`{"msgtype":…}`) that shows an uploaded medium.
    pub fn message(self, media_id: &str) -> Value {
        let t = self.as_str();
        json!({"msgtype": t, t: {"media_id": media_id}})
    }
}

/// A filename WeCom shows as is: ASCII letters, digits, `.`, `-`, `_`.
pub fn safe_filename(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if s.trim_matches(['.', '_']).is_empty() {
        "file".into()
    } else {
        s
    }
}

/// A `multipart/form-data` body with one part named `media`; (content type, body).
pub fn multipart(filename: &str, mime: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("yunqi-{:016x}", rand::random::<u64>());
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"{}\"; filelength={}\r\nContent-Type: {}\r\n\r\n",
            safe_filename(filename),
            bytes.len(),
            mime.replace(['\r', '\n'], ""),
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl WecomApi {
    /// Uploads temporary media; its `media_id` (valid about 3 days, used at once here).
    pub async fn upload_media(
        &self,
        kind: MediaKind,
        filename: &str,
        mime: &str,
        bytes: &[u8],
    ) -> Result<String, ApiError> {
        if bytes.is_empty() || bytes.len() > kind.max() {
            return Err(ApiError::Invalid(format!(
                "{} of {} bytes: must be 1..={} bytes",
                kind.as_str(),
                bytes.len(),
                kind.max()
            )));
        }
        let (content_type, body) = multipart(filename, mime, bytes);
        let v = self
            .authed("media/upload", |req| {
                req.query(&[("type", kind.as_str())])
                    .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .body(body.clone())
            })
            .await?;
        v["media_id"]
            .as_str()
            .filter(|m| !m.is_empty())
            .map(String::from)
            .ok_or_else(|| ApiError::Decode("media/upload without media_id".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_has_one_media_part_with_a_safe_filename() {
        let (ct, body) = multipart("沙龙 1.ics", "text/calendar", b"BEGIN:VCALENDAR");
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"media\"; filename=\"___1.ics\"; filelength=15\r\n"));
        assert!(text.contains("Content-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }

    #[test]
    fn media_messages_name_their_type() {
        assert_eq!(
            MediaKind::Image.message("m1"),
            json!({"msgtype": "image", "image": {"media_id": "m1"}})
        );
        assert_eq!(MediaKind::File.message("m2")["file"]["media_id"], "m2");
        assert_eq!(safe_filename("..."), "file");
    }
}
