//! Rejection rules beyond the vectors (docs/platforms/wecom.md §9.4 "recommended extra unit tests").

use super::crypto::{decode_key, CryptoError, WxCrypt};

const KEY_J: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

#[test]
fn keys_of_the_wrong_length_or_alphabet_are_refused() {
    assert_eq!(decode_key(&KEY_J[..42]), Err(CryptoError::InvalidKey));
    assert_eq!(
        decode_key(&format!("{KEY_J}H")),
        Err(CryptoError::InvalidKey)
    );
    assert_eq!(
        decode_key(&format!("{}!", &KEY_J[..42])),
        Err(CryptoError::InvalidKey)
    );
    assert_eq!(
        WxCrypt::new("t", "short", "ww").err(),
        Some(CryptoError::InvalidKey)
    );
    assert_eq!(decode_key(KEY_J).map(|k| k.len()), Ok(32));
}

/// Encrypts raw bytes (already padded) so malformed plaintexts can be fed to `decrypt`.
fn raw_cipher(crypt: &WxCrypt, plain: &[u8]) -> String {
    use aes::cipher::{generic_array::GenericArray, BlockEncrypt, KeyInit};
    use base64::Engine;
    let key = crypt.key();
    let aes = aes::Aes256::new(GenericArray::from_slice(key));
    let mut prev: Vec<u8> = key[..16].to_vec();
    let mut out = Vec::new();
    for chunk in plain.chunks(16) {
        let mut block: Vec<u8> = chunk.iter().zip(&prev).map(|(a, b)| a ^ b).collect();
        aes.encrypt_block(GenericArray::from_mut_slice(&mut block));
        prev = block.clone();
        out.extend(block);
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

#[test]
fn malformed_ciphertexts_are_errors_never_panics() {
    let crypt = WxCrypt::new("t", KEY_J, "ww1").expect("key");
    let pad = |mut v: Vec<u8>, n: u8| {
        v.resize(v.len() + n as usize, n);
        v
    };
    let mut body = vec![b'r'; 16];
    body.extend(5u32.to_be_bytes());
    body.extend(b"helloww1");
    let good = pad(body.clone(), 32 - (body.len() % 32) as u8);
    assert_eq!(
        crypt.decrypt(&raw_cipher(&crypt, &good)).map(|o| o.message),
        Ok("hello".into())
    );

    let cases: Vec<(&str, String, CryptoError)> = vec![
        ("not base64", "%%%".into(), CryptoError::Base64),
        ("spaces in base64", "abc def=".into(), CryptoError::Base64),
        ("empty", String::new(), CryptoError::Decrypt),
        (
            "length not a multiple of 16",
            "AAAAAAAAAAAAAAAAAAAAAA==".into(),
            CryptoError::Decrypt,
        ),
        (
            "pad byte 0",
            raw_cipher(&crypt, &[0u8; 32]),
            CryptoError::Decrypt,
        ),
        (
            "pad byte 33",
            raw_cipher(&crypt, &[33u8; 64]),
            CryptoError::Decrypt,
        ),
        (
            "inconsistent padding",
            raw_cipher(&crypt, &{
                let mut v = good.clone();
                let l = v.len();
                v[l - 2] ^= 1;
                v
            }),
            CryptoError::Decrypt,
        ),
        (
            "shorter than 20 bytes",
            raw_cipher(&crypt, &pad(vec![b'r'; 16], 16)),
            CryptoError::Buffer,
        ),
        (
            "msg_len past the end",
            raw_cipher(
                &crypt,
                &pad(
                    {
                        let mut v = vec![b'r'; 16];
                        v.extend(999u32.to_be_bytes());
                        v.extend(b"hi");
                        v
                    },
                    10,
                ),
            ),
            CryptoError::Buffer,
        ),
        (
            "msg_len at u32::MAX",
            raw_cipher(
                &crypt,
                &pad(
                    {
                        let mut v = vec![b'r'; 16];
                        v.extend(u32::MAX.to_be_bytes());
                        v
                    },
                    12,
                ),
            ),
            CryptoError::Buffer,
        ),
        (
            "wrong receiveid",
            raw_cipher(
                &crypt,
                &pad(
                    {
                        let mut v = vec![b'r'; 16];
                        v.extend(2u32.to_be_bytes());
                        v.extend(b"hiww2");
                        v
                    },
                    7,
                ),
            ),
            CryptoError::ReceiveId,
        ),
        (
            "not UTF-8",
            raw_cipher(
                &crypt,
                &pad(
                    {
                        let mut v = vec![b'r'; 16];
                        v.extend(2u32.to_be_bytes());
                        v.extend([0xff, 0xfe]);
                        v.extend(b"ww1");
                        v
                    },
                    7,
                ),
            ),
            CryptoError::Utf8,
        ),
    ];
    for (what, ct, want) in cases {
        assert_eq!(crypt.decrypt(&ct).err(), Some(want), "{what}");
    }
}

#[test]
fn a_signature_in_upper_case_or_of_another_length_does_not_verify() {
    let crypt = WxCrypt::new(
        "QDG6eK",
        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
        "wx5823bf96d3bd56c7",
    )
    .expect("key");
    let (ts, nonce, ct) = ("1", "2", "abc");
    let sig = crypt.signature(ts, nonce, ct);
    assert_eq!(crypt.verify(&sig, ts, nonce, ct), Ok(()));
    assert_eq!(
        crypt.verify(&sig.to_uppercase(), ts, nonce, ct),
        Err(CryptoError::Signature)
    );
    assert_eq!(
        crypt.verify(&sig[..39], ts, nonce, ct),
        Err(CryptoError::Signature)
    );
    assert_eq!(crypt.verify("", ts, nonce, ct), Err(CryptoError::Signature));
}

#[test]
fn fresh_encryptions_differ_but_both_open() {
    let crypt = WxCrypt::new("t", KEY_J, "").expect("key");
    let (a, b) = (crypt.encrypt("同一条消息"), crypt.encrypt("同一条消息"));
    assert_ne!(a, b);
    assert_eq!(
        crypt.decrypt(&a).map(|o| o.message),
        Ok("同一条消息".into())
    );
    assert_eq!(
        crypt.decrypt(&b).map(|o| o.message),
        Ok("同一条消息".into())
    );
}
