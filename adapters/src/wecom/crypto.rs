//! WXBizMsgCrypt (docs/platforms/wecom.md §2): SHA-1 signature over the sorted
//! `[token, timestamp, nonce, encrypt]`, AES-256-CBC with IV = key[..16], PKCS#7 padding to
//! 32 bytes, plaintext = random(16) ‖ len(4, BE) ‖ msg ‖ receiveid.

use aes::cipher::{generic_array::GenericArray, BlockDecrypt, BlockEncrypt, KeyInit};
use aes::Aes256;
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::Engine;
use sha1::{Digest, Sha1};
use std::fmt;
use subtle::ConstantTimeEq;
use thiserror::Error;

/// Real EncodingAESKeys set the 2 unused bits of their last symbol; a strict decoder
/// rejects every one of them (§2.1).
const KEY_B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// WeCom pads to 32 bytes, not the AES block size.
const PAD_BLOCK: usize = 32;

/// Why a callback was refused; Tencent's numbers are in the messages for log searches.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    #[error("invalid EncodingAESKey (-40004)")]
    InvalidKey,
    #[error("signature mismatch (-40001)")]
    Signature,
    #[error("ciphertext is not base64 (-40010)")]
    Base64,
    #[error("AES decrypt failed (-40007)")]
    Decrypt,
    #[error("illegal buffer (-40008)")]
    Buffer,
    #[error("receiveid mismatch (-40005)")]
    ReceiveId,
    #[error("message is not UTF-8")]
    Utf8,
}

/// A decrypted plaintext, parts kept for tests and logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub random: [u8; 16],
    pub message: String,
    pub receive_id: String,
    pub pad_len: usize,
}

/// An encrypted passive reply: the four values of the reply envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub encrypt: String,
    pub signature: String,
    pub timestamp: String,
    pub nonce: String,
}

/// The callback crypto of one app: token, AES key and the expected receiveid (CorpID).
#[derive(Clone)]
pub struct WxCrypt {
    token: String,
    key: [u8; 32],
    receive_id: String,
}

impl fmt::Debug for WxCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WxCrypt")
            .field("receive_id", &self.receive_id)
            .finish_non_exhaustive()
    }
}

/// `lowercase_hex(sha1(concat(sort([token, timestamp, nonce, encrypt]))))` (§2.2).
pub fn signature(token: &str, timestamp: &str, nonce: &str, encrypt: &str) -> String {
    let mut parts = [token, timestamp, nonce, encrypt];
    parts.sort_unstable();
    let mut h = Sha1::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Decodes a 43-character EncodingAESKey into the 32-byte AES key.
pub fn decode_key(encoding_aes_key: &str) -> Result<[u8; 32], CryptoError> {
    if encoding_aes_key.len() != 43 {
        return Err(CryptoError::InvalidKey);
    }
    let bytes = KEY_B64
        .decode(format!("{encoding_aes_key}="))
        .map_err(|_| CryptoError::InvalidKey)?;
    bytes.try_into().map_err(|_| CryptoError::InvalidKey)
}

impl WxCrypt {
    pub fn new(
        token: &str,
        encoding_aes_key: &str,
        receive_id: &str,
    ) -> Result<WxCrypt, CryptoError> {
        Ok(WxCrypt {
            token: token.to_string(),
            key: decode_key(encoding_aes_key)?,
            receive_id: receive_id.to_string(),
        })
    }

    pub fn receive_id(&self) -> &str {
        &self.receive_id
    }

    pub fn signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        signature(&self.token, timestamp, nonce, encrypt)
    }

    /// Checks `msg_signature` in constant time.
    pub fn verify(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<(), CryptoError> {
        let expected = self.signature(timestamp, nonce, encrypt);
        if bool::from(expected.as_bytes().ct_eq(msg_signature.as_bytes())) {
            Ok(())
        } else {
            Err(CryptoError::Signature)
        }
    }

    /// Verifies the signature first, then decrypts; the message verbatim.
    pub fn open(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> Result<String, CryptoError> {
        self.verify(msg_signature, timestamp, nonce, encrypt)?;
        Ok(self.decrypt(encrypt)?.message)
    }

    /// Decrypts without a signature check (callers verify first) and checks the receiveid.
    pub fn decrypt(&self, encrypt: &str) -> Result<Opened, CryptoError> {
        let mut buf = STANDARD.decode(encrypt).map_err(|_| CryptoError::Base64)?;
        if buf.is_empty() || buf.len() % 16 != 0 {
            return Err(CryptoError::Decrypt);
        }
        self.cbc_decrypt(&mut buf);
        let n = *buf.last().ok_or(CryptoError::Decrypt)? as usize;
        if !(1..=PAD_BLOCK).contains(&n)
            || n > buf.len()
            || buf[buf.len() - n..].iter().any(|&b| b as usize != n)
        {
            return Err(CryptoError::Decrypt);
        }
        let body = &buf[..buf.len() - n];
        if body.len() < 20 {
            return Err(CryptoError::Buffer);
        }
        let len = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
        let end = 20usize
            .checked_add(len)
            .filter(|&e| e <= body.len())
            .ok_or(CryptoError::Buffer)?;
        if body[end..] != *self.receive_id.as_bytes() {
            return Err(CryptoError::ReceiveId);
        }
        let mut random = [0u8; 16];
        random.copy_from_slice(&body[..16]);
        let message = String::from_utf8(body[20..end].to_vec()).map_err(|_| CryptoError::Utf8)?;
        Ok(Opened {
            random,
            message,
            receive_id: self.receive_id.clone(),
            pad_len: n,
        })
    }

    /// Encrypts with fresh randomness (a CSPRNG).
    pub fn encrypt(&self, message: &str) -> String {
        self.encrypt_with(message, rand::random())
    }

    /// Encrypts with the given 16-byte random prefix (tests need it fixed).
    pub fn encrypt_with(&self, message: &str, random: [u8; 16]) -> String {
        let mut buf = self.padded_plaintext(message, random);
        self.cbc_encrypt(&mut buf);
        STANDARD.encode(buf)
    }

    /// Encrypts and signs a passive reply.
    pub fn seal(&self, message: &str, timestamp: &str, nonce: &str) -> Sealed {
        self.seal_with(message, timestamp, nonce, rand::random())
    }

    pub fn seal_with(
        &self,
        message: &str,
        timestamp: &str,
        nonce: &str,
        random: [u8; 16],
    ) -> Sealed {
        let encrypt = self.encrypt_with(message, random);
        let signature = self.signature(timestamp, nonce, &encrypt);
        Sealed {
            encrypt,
            signature,
            timestamp: timestamp.to_string(),
            nonce: nonce.to_string(),
        }
    }

    /// random ‖ len ‖ message ‖ receiveid ‖ padding (§2.3, §2.4).
    pub(crate) fn padded_plaintext(&self, message: &str, random: [u8; 16]) -> Vec<u8> {
        let msg = message.as_bytes();
        let mut buf = Vec::with_capacity(20 + msg.len() + self.receive_id.len() + PAD_BLOCK);
        buf.extend_from_slice(&random);
        buf.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        buf.extend_from_slice(msg);
        buf.extend_from_slice(self.receive_id.as_bytes());
        let n = PAD_BLOCK - buf.len() % PAD_BLOCK;
        buf.resize(buf.len() + n, n as u8);
        buf
    }

    // CBC by hand over the AES block primitive: the mode is a few lines and WeCom's own
    // padding rules out the padding helpers of a mode crate.
    fn cbc_encrypt(&self, buf: &mut [u8]) {
        let aes = Aes256::new(GenericArray::from_slice(&self.key));
        let mut prev = [0u8; 16];
        prev.copy_from_slice(&self.key[..16]);
        for chunk in buf.chunks_exact_mut(16) {
            for (b, p) in chunk.iter_mut().zip(prev.iter()) {
                *b ^= p;
            }
            aes.encrypt_block(GenericArray::from_mut_slice(chunk));
            prev.copy_from_slice(chunk);
        }
    }

    fn cbc_decrypt(&self, buf: &mut [u8]) {
        let aes = Aes256::new(GenericArray::from_slice(&self.key));
        let mut prev = [0u8; 16];
        prev.copy_from_slice(&self.key[..16]);
        for chunk in buf.chunks_exact_mut(16) {
            let mut cipher = [0u8; 16];
            cipher.copy_from_slice(chunk);
            aes.decrypt_block(GenericArray::from_mut_slice(chunk));
            for (b, p) in chunk.iter_mut().zip(prev.iter()) {
                *b ^= p;
            }
            prev = cipher;
        }
    }

    #[cfg(test)]
    pub(crate) fn key(&self) -> &[u8; 32] {
        &self.key
    }
}
