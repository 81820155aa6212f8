//! What the bot sends: platform-neutral messages, stored as JSON in the outbox.

use crate::ids::{RegistrationId, SalonId, UserRef};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A button; pressing it is the same as sending `command` as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub command: String,
    #[serde(default)]
    pub style: ButtonStyle,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ButtonStyle {
    #[default]
    Default,
    Primary,
    Danger,
}

/// A small file: a calendar invite (text), or an image such as a ticket's QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub mime: String,
    /// The file itself; base64 when `base64` is set (binary files: the outbox stores JSON).
    pub content: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub base64: bool,
    /// `content` is the text of a QR code still to be drawn (a PNG at delivery, by `fit`):
    /// drawing it costs ~0.5 ms, too much for the writer's transaction.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub qr: bool,
}

impl Attachment {
    /// A text file.
    pub fn text(filename: impl Into<String>, mime: &str, content: impl Into<String>) -> Attachment {
        Attachment {
            filename: filename.into(),
            mime: mime.into(),
            content: content.into(),
            base64: false,
            qr: false,
        }
    }

    /// A QR code of `text`, drawn as a PNG when the message is delivered.
    pub fn qr_png(filename: impl Into<String>, text: impl Into<String>) -> Attachment {
        Attachment {
            filename: filename.into(),
            mime: "image/png".into(),
            content: text.into(),
            base64: false,
            qr: true,
        }
    }

    /// The attachment as sent: a pending QR code drawn as a PNG (`None` if it cannot be
    /// encoded), anything else as it is.
    pub fn drawn(&self) -> Option<Attachment> {
        if !self.qr {
            return Some(self.clone());
        }
        let png = crate::ticket::qr_png_of(&self.content)?;
        Some(Attachment::png(self.filename.clone(), &png))
    }

    /// A PNG image.
    pub fn png(filename: impl Into<String>, png: &[u8]) -> Attachment {
        use base64::Engine;
        Attachment {
            filename: filename.into(),
            mime: "image/png".into(),
            content: base64::engine::general_purpose::STANDARD.encode(png),
            base64: true,
            qr: false,
        }
    }

    /// The file's bytes; `None` if stored base64 that does not decode.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        if self.base64 {
            base64::engine::general_purpose::STANDARD
                .decode(&self.content)
                .ok()
        } else {
            Some(self.content.as_bytes().to_vec())
        }
    }

    /// An image the platform can show inline (a photo, not a document).
    pub fn is_image(&self) -> bool {
        self.mime.starts_with("image/")
    }
}

/// An invitation into a salon's event group, carried out by the recipient's adapter
/// (WeCom join QR, Telegram one-person link, Slack channel invite, Discord role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub salon: SalonId,
    pub registration: RegistrationId,
    /// The salon's group on the recipient's platform (`model::group_key`), if configured.
    pub group: Option<String>,
}

/// The platform message this one answers: a thread where the platform has threads,
/// a quote where it does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadRef {
    pub message_id: String,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Reply {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<Attachment>,
    /// Only the recipient may see it: never posted in a shared channel.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub private: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ThreadRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<Invite>,
}

impl Reply {
    pub fn text(text: impl Into<String>) -> Reply {
        Reply {
            text: text.into(),
            ..Reply::default()
        }
    }
    pub fn private(mut self) -> Reply {
        self.private = true;
        self
    }
    pub fn private_if(mut self, private: bool) -> Reply {
        self.private = private;
        self
    }
    pub fn with_buttons(mut self, buttons: Vec<Button>) -> Reply {
        self.buttons = buttons;
        self
    }
    pub fn with_attachment(mut self, a: Attachment) -> Reply {
        self.attachment = Some(a);
        self
    }
}

/// Where a message goes: a user, optionally inside a shared conversation (channel, group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub user: UserRef,
    /// A shared conversation to post in; `None` = direct message to `user`.
    #[serde(default)]
    pub conversation: Option<String>,
}

impl Recipient {
    pub fn direct(user: UserRef) -> Recipient {
        Recipient {
            user,
            conversation: None,
        }
    }
}

/// One message to deliver, as the core hands it to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub to: Recipient,
    /// Shared: a fan-out sends one reply to thousands, held once (`Outgoing::shared`).
    pub reply: Arc<Reply>,
    /// Messages with the same key are written once (reminders across restarts).
    pub dedupe_key: Option<String>,
    /// Not delivered before this time (quiet hours).
    pub not_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Remembered with the platform's message id once delivered (`q:12` for a relayed
    /// question), so a reply in its thread can be mapped back, also after a restart.
    pub ref_key: Option<String>,
    /// Not sent after this (a reminder once the salon has started): recorded as expired.
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Outgoing {
    pub fn new(to: Recipient, reply: Reply) -> Outgoing {
        Outgoing::shared(to, Arc::new(reply))
    }
    /// A reply held once for many recipients.
    pub fn shared(to: Recipient, reply: Arc<Reply>) -> Outgoing {
        Outgoing {
            to,
            reply,
            dedupe_key: None,
            not_before: None,
            ref_key: None,
            expires_at: None,
        }
    }
    pub fn direct(user: &UserRef, reply: Reply) -> Outgoing {
        Outgoing::new(Recipient::direct(user.clone()), reply)
    }
}
