//! Tests of `signature.rs`.

use super::*;

/// (case, timestamp header, signature header, body, now, expected)
type Case<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [u8],
    i64,
    Result<(), SignatureError>,
);
use crate::slack::vectors::{Signed, EXAMPLES, KNOWN_ANSWERS};

fn all() -> impl Iterator<Item = Signed> {
    KNOWN_ANSWERS.into_iter().chain(EXAMPLES)
}

fn check(
    v: &Signed,
    ts: Option<&str>,
    sig: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    Verifier::new(v.secret).verify(ts, sig, body, now)
}

#[test]
fn every_signed_example_of_the_spec_is_reproduced_and_accepted() {
    let mut n = 0;
    for v in all() {
        let at: i64 = v.timestamp.parse().unwrap();
        assert_eq!(
            Verifier::new(v.secret).sign(v.timestamp, v.body.as_bytes()),
            v.signature,
            "{}",
            v.name
        );
        assert_eq!(
            check(
                &v,
                Some(v.timestamp),
                Some(v.signature),
                v.body.as_bytes(),
                at
            ),
            Ok(()),
            "{}",
            v.name
        );
        n += 1;
    }
    assert_eq!(n, 16, "the spec has 16 signed vectors");
}

#[test]
fn tampered_stale_upper_case_and_missing_headers_are_refused_for_every_vector() {
    for v in all() {
        let at: i64 = v.timestamp.parse().unwrap();
        let body = v.body.as_bytes();
        let upper = format!("v0={}", v.signature[3..].to_uppercase());
        let mut spaced = body.to_vec();
        spaced.push(b' ');
        let table: [Case; 10] = [
            (
                "window edge +300",
                Some(v.timestamp),
                Some(v.signature),
                body,
                at + 300,
                Ok(()),
            ),
            (
                "window edge -300",
                Some(v.timestamp),
                Some(v.signature),
                body,
                at - 300,
                Ok(()),
            ),
            (
                "trailing space",
                Some(v.timestamp),
                Some(v.signature),
                &spaced,
                at,
                Err(SignatureError::Mismatch),
            ),
            (
                "301 s late",
                Some(v.timestamp),
                Some(v.signature),
                body,
                at + 301,
                Err(SignatureError::Stale),
            ),
            (
                "301 s early",
                Some(v.timestamp),
                Some(v.signature),
                body,
                at - 301,
                Err(SignatureError::Stale),
            ),
            (
                "upper-case hex",
                Some(v.timestamp),
                Some(&upper),
                body,
                at,
                Err(SignatureError::Mismatch),
            ),
            (
                "no timestamp",
                None,
                Some(v.signature),
                body,
                at,
                Err(SignatureError::MissingTimestamp),
            ),
            (
                "no signature",
                Some(v.timestamp),
                None,
                body,
                at,
                Err(SignatureError::MissingSignature),
            ),
            (
                "timestamp not a number",
                Some("17e8"),
                Some(v.signature),
                body,
                at,
                Err(SignatureError::BadTimestamp),
            ),
            (
                "truncated signature",
                Some(v.timestamp),
                Some(&v.signature[..66]),
                body,
                at,
                Err(SignatureError::Mismatch),
            ),
        ];
        for (case, ts, sig, body, now, want) in table {
            assert_eq!(check(&v, ts, sig, body, now), want, "{} {case}", v.name);
        }
    }
}

#[test]
fn another_secret_or_another_timestamp_does_not_verify() {
    for v in all() {
        let at: i64 = v.timestamp.parse().unwrap();
        let other = Verifier::new("not-the-secret");
        assert_eq!(
            other.verify(Some(v.timestamp), Some(v.signature), v.body.as_bytes(), at),
            Err(SignatureError::Mismatch)
        );
        let moved = (at + 1).to_string();
        assert_eq!(
            check(&v, Some(&moved), Some(v.signature), v.body.as_bytes(), at),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn an_extreme_timestamp_is_stale_rather_than_an_overflow() {
    let v = KNOWN_ANSWERS[0];
    let min = i64::MIN.to_string();
    assert_eq!(
        check(&v, Some(&min), Some(v.signature), b"", i64::MAX),
        Err(SignatureError::Stale)
    );
}
