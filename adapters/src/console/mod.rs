//! The console: a chat on stdin/stdout, the embedded default and the scripting surface of
//! tests and demos. Delivered by the same outbox dispatcher as every platform.

use futures::future::BoxFuture;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::{Delivery, Outbound};

/// Prints messages addressed to one console user; attachments are written to `files_dir`.
pub struct ConsoleOut {
    user: String,
    out: Mutex<Box<dyn Write + Send>>,
    files_dir: PathBuf,
    delivered: Arc<Notify>,
}

impl ConsoleOut {
    pub fn new(
        user: impl Into<String>,
        out: Box<dyn Write + Send>,
        files_dir: impl Into<PathBuf>,
    ) -> ConsoleOut {
        ConsoleOut {
            user: user.into(),
            out: Mutex::new(out),
            files_dir: files_dir.into(),
            delivered: Arc::new(Notify::new()),
        }
    }

    /// Notified after every delivery, so the reader can wait for its replies.
    pub fn delivered(&self) -> Arc<Notify> {
        self.delivered.clone()
    }

    fn write(&self, msg: &Fitted) -> std::io::Result<()> {
        let mut text = msg.text.clone();
        // Binary files (a ticket's QR code) are base64 in the outbox; written decoded.
        if let Some((a, bytes)) = msg.attachment.as_ref().and_then(|a| Some((a, a.bytes()?))) {
            std::fs::create_dir_all(&self.files_dir)?;
            // Attachment names come from the core, but keep them inside files_dir anyway.
            let name: String = a
                .filename
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || ".-_".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let path = self.files_dir.join(name);
            std::fs::write(&path, bytes)?;
            text.push_str(&format!("\n📎 {}", path.display()));
        }
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        writeln!(out, "{text}\n")?;
        out.flush()
    }
}

impl Outbound for ConsoleOut {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::PLAIN
    }

    fn rate_per_second(&self) -> f64 {
        10_000.0
    }

    fn recipient_filter(&self) -> Option<String> {
        Some(self.user.clone())
    }

    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            let result = self.write(msg);
            self.delivered.notify_waiters();
            match result {
                Ok(()) => Delivery::Sent { message_id: None },
                // A closed stdout will not come back in this process; try again later.
                Err(e) => Delivery::Retry {
                    after: None,
                    error: e.to_string(),
                    scope: yunqi_bot::ports::RetryScope::Platform,
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yunqi_bot::message::{Attachment, Recipient};
    use yunqi_bot::UserRef;

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn a_message_is_printed_and_its_attachment_written_to_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let buf = Buf::default();
        let out = ConsoleOut::new("alice", Box::new(buf.clone()), dir.path());
        let msg = Fitted {
            to: Recipient::direct(UserRef::new(Platform::Console, "alice")),
            text: "您好".into(),
            buttons: vec![],
            attachment: Some(Attachment::text(
                "../salon-1.ics",
                "text/calendar",
                "BEGIN:VCALENDAR",
            )),
            thread: None,
            invite: None,
        };
        assert_eq!(out.deliver(&msg).await, Delivery::Sent { message_id: None });
        let printed = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(printed.starts_with("您好\n📎 "), "{printed}");
        let written = std::fs::read_to_string(dir.path().join(".._salon-1.ics")).unwrap();
        assert_eq!(written, "BEGIN:VCALENDAR");
        assert_eq!(out.recipient_filter().as_deref(), Some("alice"));
    }
}
