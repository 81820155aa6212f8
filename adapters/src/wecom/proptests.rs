//! WeCom's XML and its message crypto: what we render parses back to the same values,
//! what we seal opens back to the same message, and arbitrary input never panics.

use super::crypto::WxCrypt;
use super::xml::{cdata, parse, parse_envelope, reply_envelope, text_reply};
use proptest::prelude::*;

const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// Text XML 1.0 can carry: no control characters but tab and newline (a CR would be
/// normalised), no U+FFFE/U+FFFF.
fn xml_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}\u{FFFE}\u{FFFF}]{0,40}(\n|\t)?[^\\p{Cc}\u{FFFE}\u{FFFF}]{0,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_text_reply_parses_back_to_its_fields(
        to in xml_text(), from in xml_text(), t in any::<i64>(), content in xml_text(),
    ) {
        let doc = text_reply(&to, &from, t, &content);
        let root = parse(&doc).map_err(|e| TestCaseError::fail(format!("{e}: {doc}")))?;
        // Exact text, whitespace included (`get` would trim).
        let raw = |name: &str| root.child(name).map(|c| c.text.clone());
        prop_assert_eq!(raw("ToUserName"), Some(to));
        prop_assert_eq!(raw("FromUserName"), Some(from));
        prop_assert_eq!(raw("Content"), Some(content));
        prop_assert_eq!(root.get_i64("CreateTime").ok().flatten(), Some(t));
    }

    #[test]
    fn cdata_keeps_any_text_even_with_its_terminator(text in "([^\\p{Cc}]|\\]\\]>){0,30}") {
        let root = parse(&format!("<xml><A>{}</A></xml>", cdata(&text)))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(root.child("A").map(|c| c.text.clone()), Some(text));
    }

    #[test]
    fn arbitrary_documents_never_panic(doc in "(<[/!?]?[a-zA-Z\\[\\]]{0,8}|[^<]{0,8}|&[a-z#0-9]{0,6};?|\\]\\]>){0,30}") {
        let _ = parse(&doc);
        let _ = parse_envelope(&doc);
    }

    #[test]
    fn arbitrary_strings_never_panic(doc in any::<String>()) {
        let _ = parse(&doc);
    }

    #[test]
    fn a_sealed_message_opens_to_the_same_message(
        message in any::<String>(), timestamp in "[0-9]{1,10}", nonce in "[a-zA-Z0-9]{1,16}",
        random in any::<[u8; 16]>(),
    ) {
        let crypt = WxCrypt::new("token", KEY, "wwCorp").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let sealed = crypt.seal_with(&message, &timestamp, &nonce, random);
        let opened = crypt
            .open(&sealed.signature, &sealed.timestamp, &sealed.nonce, &sealed.encrypt)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&opened, &message);
        let d = crypt.decrypt(&sealed.encrypt).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(d.random, random);
        prop_assert_eq!(d.receive_id.as_str(), "wwCorp");
        // The passive reply envelope carries it intact.
        let env = parse_envelope(&reply_envelope(&sealed)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&env.encrypt, &sealed.encrypt);
        // Another receiver, or a changed signature, is refused.
        let other = WxCrypt::new("token", KEY, "wwOther").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(other.decrypt(&sealed.encrypt).is_err());
        prop_assert!(crypt.open("0", &sealed.timestamp, &sealed.nonce, &sealed.encrypt).is_err());
    }

    #[test]
    fn arbitrary_ciphertexts_never_panic(encrypt in any::<String>(), b64 in "[A-Za-z0-9+/]{0,64}={0,2}") {
        let crypt = WxCrypt::new("token", KEY, "wwCorp").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = crypt.decrypt(&encrypt);
        let _ = crypt.decrypt(&b64);
        let _ = crypt.open("sig", "1", "n", &b64);
    }
}
