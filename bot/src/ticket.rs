//! Personal salon tickets: a random 8-character code from an alphabet without look-alikes,
//! shown as `K7Q2-M9XD`, and its QR code as a PNG.

use rand::Rng;

/// No 0/O, 1/I/L: read aloud or typed from a phone, nothing is confused.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

/// A new code (31^8 ≈ 8.5·10^11 codes) from the thread's CSPRNG (ChaCha, seeded and
/// reseeded from the OS): `OsRng` made one `getrandom` call per character, on the writer.
pub fn generate() -> String {
    let mut rng = rand::thread_rng();
    (0..LEN)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// The code in `input` with separators and case ignored; `None` if it is not ticket-shaped.
pub fn normalize(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '_' | '.' | '\u{2014}' | '\u{2013}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let ok = code.len() == LEN && code.bytes().all(|b| ALPHABET.contains(&b));
    ok.then_some(code)
}

/// `first second` is a code typed in its two halves (`K7Q2 M9XD`, also `7232 M9XD`, whose
/// first half could pass for a salon number).
pub fn is_split_code(first: &str, second: &str) -> bool {
    first.chars().count() == LEN / 2
        && second.chars().count() == LEN / 2
        && normalize(&format!("{first}{second}")).is_some()
}

/// `K7Q2M9XD` → `K7Q2-M9XD`.
pub fn display(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(a), Some(b)) if !b.is_empty() => format!("{a}-{b}"),
        _ => code.to_string(),
    }
}

/// Pixels per QR module and the quiet zone in modules (the standard asks for 4).
const SCALE: usize = 8;
const QUIET: usize = 4;

/// The QR code of the displayed code, as a black-on-white 1-bit PNG (about 1 KB).
pub fn qr_png(code: &str) -> Option<Vec<u8>> {
    qr_png_of(&display(code))
}

/// The QR code of `text` as a 1-bit PNG: one bit per pixel, fast deflate. Drawn at delivery
/// (`Attachment::drawn`), not in the writer.
pub fn qr_png_of(text: &str) -> Option<Vec<u8>> {
    let qr = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let modules = qr.width();
    let dark: Vec<bool> = qr
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    let side = (modules + 2 * QUIET) * SCALE;
    let row_bytes = side.div_ceil(8);
    // 1 = white in a 1-bit grayscale row; dark modules clear their bits.
    let mut pixels = vec![0xffu8; row_bytes * side];
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (mx, my) = (i % modules + QUIET, i / modules + QUIET);
        for y in my * SCALE..(my + 1) * SCALE {
            for x in mx * SCALE..(mx + 1) * SCALE {
                pixels[y * row_bytes + x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }
    let mut out = Vec::new();
    let side32 = u32::try_from(side).ok()?;
    let mut enc = png::Encoder::new(&mut out, side32, side32);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::One);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().ok()?;
    w.write_image_data(&pixels).ok()?;
    w.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_characters_of_the_alphabet_and_differ() {
        let a = generate();
        assert_eq!(a.len(), LEN);
        assert_eq!(normalize(&a).as_deref(), Some(a.as_str()));
        let many: std::collections::HashSet<String> = (0..1000).map(|_| generate()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn every_character_of_the_alphabet_is_drawn_in_every_position() {
        let codes: Vec<String> = (0..4000).map(|_| generate()).collect();
        for pos in 0..LEN {
            let seen: std::collections::HashSet<u8> =
                codes.iter().map(|c| c.as_bytes()[pos]).collect();
            // 4,000 draws of 31 symbols: a missing one has odds below 10^-50.
            assert_eq!(seen.len(), ALPHABET.len(), "position {pos}");
        }
    }

    #[test]
    fn separators_and_case_are_ignored() {
        assert_eq!(normalize("k7q2-m9xd").as_deref(), Some("K7Q2M9XD"));
        assert_eq!(normalize(" K7Q2 M9XD ").as_deref(), Some("K7Q2M9XD"));
        assert_eq!(display("K7Q2M9XD"), "K7Q2-M9XD");
        // Look-alikes and the shared 6-digit code are not tickets.
        assert_eq!(normalize("K7Q2-M9X0"), None);
        assert_eq!(normalize("483920"), None);
    }

    #[test]
    fn the_qr_code_is_a_png_with_a_quiet_zone() {
        let png = qr_png("K7Q2M9XD").expect("encodes");
        assert!(png.len() < 2048, "{} bytes", png.len());
        let mut dec = png::Decoder::new(std::io::Cursor::new(png));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut r = dec.read_info().expect("a PNG");
        let mut buf = vec![0; r.output_buffer_size().expect("size")];
        let info = r.next_frame(&mut buf).expect("a frame");
        assert_eq!(info.width, info.height);
        assert_eq!(info.width as usize % SCALE, 0);
        let px = &buf[..info.buffer_size()];
        assert_eq!(px[0], 255, "quiet zone is white");
        assert!(px.contains(&0), "has dark modules");
    }
}
