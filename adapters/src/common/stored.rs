//! Button commands too long for a platform's payload (Telegram `callback_data` ≤ 64 bytes,
//! Discord `custom_id` ≤ 100 characters): stored in the Kv under a digest of the command,
//! the button carries `cb:<digest>`, and a press is looked up again.

use sha2::{Digest, Sha256};
use yunqi_bot::message::Button;
use yunqi_bot::ports::{Delivery, Kv, StoreError};

/// A payload naming a stored command.
pub const STORED_PREFIX: &str = "cb:";

/// What goes into a button's payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Payload {
    /// The command itself: it fits.
    Inline(String),
    /// Too long (or looks like a key): stored in the Kv under `kv_key`, `id` names it.
    Stored { id: String, kv_key: String },
}

impl Payload {
    pub fn id(&self) -> &str {
        match self {
            Payload::Inline(s) => s,
            Payload::Stored { id, .. } => id,
        }
    }
}

/// One platform's button payloads: its Kv namespace and what fits.
pub struct Payloads {
    /// Kv keys are `<namespace>:cb:<digest>`.
    pub namespace: &'static str,
    pub fits: fn(&str) -> bool,
}

impl Payloads {
    /// A command that fits is its own payload; a longer one is named by a digest of it, so
    /// the same command always gets the same key.
    pub fn payload(&self, command: &str) -> Payload {
        if !command.is_empty() && (self.fits)(command) && !command.starts_with(STORED_PREFIX) {
            return Payload::Inline(command.to_string());
        }
        let key = hex::encode(&Sha256::digest(command.as_bytes())[..12]);
        Payload::Stored {
            id: format!("{STORED_PREFIX}{key}"),
            kv_key: self.kv_key(&key),
        }
    }

    /// The Kv key of a stored command, from the payload naming it.
    pub fn stored_key(&self, id: &str) -> Option<String> {
        id.strip_prefix(STORED_PREFIX)
            .filter(|k| !k.is_empty())
            .map(|k| self.kv_key(k))
    }

    fn kv_key(&self, digest: &str) -> String {
        format!("{}:{STORED_PREFIX}{digest}", self.namespace)
    }

    /// Keeps the commands of `buttons` that do not fit; a failure is worth a retry.
    pub async fn store(&self, kv: &dyn Kv, buttons: &[Button]) -> Result<(), Delivery> {
        for b in buttons {
            if let Payload::Stored { kv_key, .. } = self.payload(&b.command) {
                kv.kv_put(&kv_key, &b.command)
                    .await
                    .map_err(|e| Delivery::Retry {
                        after: None,
                        error: format!("storing a button command: {e}"),
                        scope: yunqi_bot::ports::RetryScope::Platform,
                    })?;
            }
        }
        Ok(())
    }

    /// A pressed payload back to its command: itself when it names nothing stored,
    /// `None` when the key is unknown (nothing to do).
    pub async fn resolve(&self, kv: &dyn Kv, pressed: &str) -> Result<Option<String>, StoreError> {
        let Some(key) = self.stored_key(pressed) else {
            return Ok(Some(pressed.to_string()));
        };
        let found = kv.kv_get(&key).await?;
        if found.is_none() {
            tracing::warn!(namespace = self.namespace, %key, "a button names no stored command");
        }
        Ok(found)
    }
}
