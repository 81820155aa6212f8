//! Account-link codes and confirmation tokens. People type them, so they are short, but
//! random enough (≥ 40 bits) that guessing within an attempt limit is hopeless.

use rand::Rng;

/// No 0/O or 1/I/L to confuse: 31 symbols.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// 9 × log2(31) ≈ 44.6 bits (8 characters would give 39.6).
pub const LEN: usize = 9;

/// A fresh code in normal form, e.g. `K7Q2M9XDF`.
pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> String {
    (0..LEN)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// How a code is shown: `K7Q-2M9-XDF`.
pub fn display(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The normal form of what someone typed: case, spaces and separators do not matter.
/// `None` when it cannot be a code.
pub fn normalise(input: &str) -> Option<String> {
    let mut out = String::with_capacity(LEN);
    for c in input.chars() {
        if c.is_whitespace() || matches!(c, '-' | '_' | '.' | '－' | '—' | '·') {
            continue;
        }
        let u = c.to_ascii_uppercase();
        if !u.is_ascii() || !ALPHABET.contains(&(u as u8)) || out.len() == LEN {
            return None;
        }
        out.push(u);
    }
    (out.len() == LEN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_length_and_alphabet_and_read_back() {
        let mut rng = rand::thread_rng();
        for _ in 0..200 {
            let c = generate(&mut rng);
            assert_eq!(c.len(), LEN);
            assert!(c.bytes().all(|b| ALPHABET.contains(&b)));
            let shown = display(&c);
            assert_eq!(shown.len(), LEN + 2);
            assert_eq!(normalise(&shown).as_deref(), Some(c.as_str()));
            let typed = shown.to_lowercase().replace('-', " ");
            assert_eq!(normalise(&typed).as_deref(), Some(c.as_str()));
        }
        assert!(LEN as f64 * (ALPHABET.len() as f64).log2() >= 40.0);
    }

    #[test]
    fn what_cannot_be_a_code_is_refused() {
        for bad in [
            "",
            "123456",
            "K7Q-2M9-XD",
            "K7Q-2M9-XDFF",
            "K7Q-2M9-XD0",
            "好好好好好好好好好",
        ] {
            assert_eq!(normalise(bad), None, "{bad}");
        }
    }
}
