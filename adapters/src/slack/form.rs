//! Strict form decoding: `serde_urlencoded` decodes invalid UTF-8 lossily (`%FF` becomes
//! "�"), which would store garbage; a form whose decoded bytes are not UTF-8 is refused.

/// Whether every key and value of `application/x-www-form-urlencoded` `body` decodes to
/// valid UTF-8.
pub fn is_utf8_form(body: &[u8]) -> bool {
    body.split(|b| *b == b'&')
        .flat_map(|pair| pair.splitn(2, |b| *b == b'='))
        .all(|part| {
            // Without a `%` decoding changes only `+` (ASCII): the bytes are checked as they
            // are, with no copy (every slash command's form passes here).
            if !part.contains(&b'%') {
                return std::str::from_utf8(part).is_ok();
            }
            std::str::from_utf8(&percent_decode(part)).is_ok()
        })
}

/// `+` is a space and `%XX` a byte; a `%` not followed by two hex digits stays as it is
/// (as `form_urlencoded` does).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_forms_pass_and_any_invalid_byte_fails() {
        assert!(is_utf8_form(b"text=%E4%BD%A0%E5%A5%BD+ok&user_id=U1"));
        assert!(is_utf8_form(b"a=100%&b=%zz&c"));
        assert!(is_utf8_form(b""));
        assert!(!is_utf8_form(b"text=%FF%FE"));
        assert!(!is_utf8_form(b"%C3=x"));
        assert!(!is_utf8_form(b"text=%E4%BD"));
        assert!(!is_utf8_form(b"text=\xff"));
    }

    #[test]
    fn percent_decoding_matches_the_form_rules() {
        assert_eq!(percent_decode(b"a+b%20c%2"), b"a b c%2");
        assert_eq!(percent_decode(b"%41%4a"), b"AJ");
    }
}
