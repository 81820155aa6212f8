//! Slack request signing (v0): `v0=hex(hmac_sha256(secret, "v0:{ts}:{raw body}"))`, checked
//! over the raw body bytes before anything is decoded (docs/platforms/slack.md §1).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Largest accepted distance between the request timestamp and now; 300 s itself is valid.
pub const WINDOW_SECS: u64 = 300;

/// `v0=` + 64 hex digits.
const SIG_LEN: usize = 67;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SignatureError {
    #[error("no X-Slack-Request-Timestamp")]
    MissingTimestamp,
    #[error("no X-Slack-Signature")]
    MissingSignature,
    #[error("timestamp is not a number")]
    BadTimestamp,
    #[error("timestamp outside the replay window")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
    #[error("no signing secret configured")]
    NoSecret,
}

/// The signing secret, keyed once; cloning the keyed MAC per request is cheaper than keying.
#[derive(Clone)]
pub struct Verifier {
    mac: Hmac<Sha256>,
}

impl Verifier {
    /// The secret's UTF-8 bytes are the key as-is (Slack's example secret is not hex).
    pub fn new(secret: &str) -> Verifier {
        // HMAC takes keys of any length, so this cannot fail.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
            .expect("HMAC accepts keys of any length");
        Verifier { mac }
    }

    fn expected(&self, timestamp: &str, body: &[u8]) -> [u8; SIG_LEN] {
        let mut mac = self.mac.clone();
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        let digest = mac.finalize().into_bytes();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; SIG_LEN];
        out[..3].copy_from_slice(b"v0=");
        for (i, b) in digest.iter().enumerate() {
            out[3 + 2 * i] = HEX[(b >> 4) as usize];
            out[4 + 2 * i] = HEX[(b & 0x0f) as usize];
        }
        out
    }

    /// The `X-Slack-Signature` Slack would send for this request.
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        String::from_utf8_lossy(&self.expected(timestamp, body)).into_owned()
    }

    /// Checks one request against `now` (Unix seconds). The header is compared verbatim, so
    /// upper-case hex is refused, as slack_sdk does.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        let timestamp = timestamp.ok_or(SignatureError::MissingTimestamp)?;
        let signature = signature.ok_or(SignatureError::MissingSignature)?;
        let ts: i64 = timestamp
            .parse()
            .map_err(|_| SignatureError::BadTimestamp)?;
        if now.abs_diff(ts) > WINDOW_SECS {
            return Err(SignatureError::Stale);
        }
        let expected = self.expected(timestamp, body);
        // The length is public; only the content must be compared in constant time.
        if signature.len() == SIG_LEN && bool::from(expected.ct_eq(signature.as_bytes())) {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }
}

#[cfg(test)]
#[path = "signature_tests.rs"]
mod tests;
