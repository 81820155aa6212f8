//! Every known-answer vector of tests/vectors/wecom-crypto.json, read at test time, plus
//! the extra rejection cases §9.4 recommends.

use super::crypto::{decode_key, signature, CryptoError, WxCrypt};
use super::xml::reply_envelope;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/vectors/wecom-crypto.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).expect("vectors are JSON")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} missing in {}", v["id"]))
}

fn random_of(v: &Value) -> [u8; 16] {
    let bytes = match v.get("random_hex").and_then(Value::as_str) {
        Some(h) => hex::decode(h).expect("hex"),
        None => s(v, "random_ascii").as_bytes().to_vec(),
    };
    bytes.try_into().expect("16 random bytes")
}

#[test]
fn every_key_vector_decodes_to_its_aes_key_and_iv() {
    let v = vectors();
    let keys = v["keys"].as_array().expect("keys");
    assert_eq!(keys.len(), 4);
    for k in keys {
        let key =
            decode_key(s(k, "encoding_aes_key")).expect("real keys load despite trailing bits");
        assert_eq!(hex::encode(key), s(k, "aes_key_hex"));
        assert_eq!(hex::encode(&key[..16]), s(k, "iv_hex"));
    }
}

#[test]
fn every_encrypt_vector_gives_the_exact_ciphertext_signature_and_reply() {
    let v = vectors();
    let cases = v["encrypt"].as_array().expect("encrypt");
    assert_eq!(cases.len(), 6);
    for c in cases {
        let id = s(c, "id");
        let crypt =
            WxCrypt::new(s(c, "token"), s(c, "encoding_aes_key"), s(c, "receiveid")).expect(id);
        let random = random_of(c);
        let padded = crypt.padded_plaintext(s(c, "message"), random);
        assert_eq!(
            hex::encode(&padded),
            s(c, "expect_plaintext_padded_hex"),
            "{id}"
        );
        assert_eq!(
            padded.last().map(|&b| b as u64),
            c["expect_pad_len"].as_u64(),
            "{id}"
        );
        let sealed = crypt.seal_with(s(c, "message"), s(c, "timestamp"), s(c, "nonce"), random);
        assert_eq!(sealed.encrypt, s(c, "expect_encrypt"), "{id}");
        assert_eq!(sealed.signature, s(c, "expect_msg_signature"), "{id}");
        assert_eq!(
            reply_envelope(&sealed),
            s(c, "expect_passive_reply_xml"),
            "{id}"
        );
        // and back again
        let opened = crypt.decrypt(&sealed.encrypt).expect(id);
        assert_eq!(opened.message, s(c, "message"), "{id}");
        assert_eq!(
            opened.message.len() as u64,
            c["expect_msg_len"].as_u64().unwrap_or(0),
            "{id}"
        );
    }
}

#[test]
fn every_decrypt_vector_verifies_and_yields_the_exact_message() {
    let v = vectors();
    let cases = v["decrypt"].as_array().expect("decrypt");
    assert_eq!(cases.len(), 7);
    for c in cases {
        let id = s(c, "id");
        let crypt =
            WxCrypt::new(s(c, "token"), s(c, "encoding_aes_key"), s(c, "receiveid")).expect(id);
        let (sig, ts, nonce, ct) = (
            s(c, "msg_signature"),
            s(c, "timestamp"),
            s(c, "nonce"),
            s(c, "ciphertext"),
        );
        assert_eq!(
            crypt.open(sig, ts, nonce, ct).as_deref(),
            Ok(s(c, "expect_message")),
            "{id}"
        );
        let opened = crypt.decrypt(ct).expect(id);
        assert_eq!(
            hex::encode(opened.random),
            s(c, "expect_random_hex"),
            "{id}"
        );
        assert_eq!(opened.receive_id, s(c, "expect_receiveid"), "{id}");
        assert_eq!(
            Some(opened.pad_len as u64),
            c["expect_pad_len"].as_u64(),
            "{id}"
        );
        assert_eq!(
            Some(opened.message.len() as u64),
            c["expect_msg_len"].as_u64(),
            "{id}"
        );
    }
}

#[test]
fn every_negative_vector_is_rejected_for_its_own_reason() {
    let v = vectors();
    let cases = v["negative"].as_array().expect("negative");
    assert_eq!(cases.len(), 2);
    for c in cases {
        let id = s(c, "id");
        let expect = &c["expect"];
        let (sig, ts, nonce, ct) = (
            s(c, "msg_signature"),
            s(c, "timestamp"),
            s(c, "nonce"),
            s(c, "ciphertext"),
        );
        assert_eq!(
            signature(s(c, "token"), ts, nonce, ct),
            s(expect, "computed_signature"),
            "{id}"
        );
        let matches = expect["signature_matches"]
            .as_bool()
            .expect("signature_matches");
        // N1 carries no key: a mismatch must be decided before any key is needed.
        let key = c
            .get("encoding_aes_key")
            .and_then(Value::as_str)
            .unwrap_or("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        let receive_id = c
            .get("expected_receiveid")
            .and_then(Value::as_str)
            .unwrap_or("");
        let crypt = WxCrypt::new(s(c, "token"), key, receive_id).expect(id);
        let got = crypt.open(sig, ts, nonce, ct);
        if matches {
            assert_eq!(crypt.verify(sig, ts, nonce, ct), Ok(()), "{id}");
            assert_eq!(expect["receiveid_rejected"].as_bool(), Some(true), "{id}");
            assert_eq!(got, Err(CryptoError::ReceiveId), "{id}");
        } else {
            assert_eq!(got, Err(CryptoError::Signature), "{id}");
        }
    }
}
