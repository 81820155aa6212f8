//! Personal salon tickets: an 8-character code from an alphabet without look-alikes (two
//! characters for the registration's block, six random), shown as `K7Q2-M9XD`, and its QR
//! code as a PNG.

use rand::Rng;

/// No 0/O, 1/I/L: read aloud or typed from a phone, nothing is confused.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const LEN: usize = 8;

/// Registrations whose codes share their first two characters.
const BLOCK: u64 = 256;

/// A new code for registration `seq`. The first two characters name the block of 256
/// registrations it falls in (31² = 961 blocks, then round again); the other six come from
/// the thread's CSPRNG (ChaCha, seeded and reseeded from the OS): 31^6 ≈ 8.9·10^8 codes a
/// block, where only an organizer may try one, 5 wrong tries per 10 minutes. Like a
/// UUIDv7's time prefix, the block keeps the codes one write group issues next to each
/// other in the `tickets.code` index: eight random characters put every new ticket on
/// its own index page, which was the largest share of a group's WAL frames.
pub fn generate(seq: u64) -> String {
    let n = ALPHABET.len() as u64;
    let block = (seq / BLOCK) % (n * n);
    let mut code = String::with_capacity(LEN);
    code.push(char::from(ALPHABET[(block / n) as usize]));
    code.push(char::from(ALPHABET[(block % n) as usize]));
    let mut rng = rand::thread_rng();
    code.extend((2..LEN).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])));
    code
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
        let a = generate(7);
        assert_eq!(a.len(), LEN);
        assert_eq!(normalize(&a).as_deref(), Some(a.as_str()));
        let many: std::collections::HashSet<String> = (0..1000).map(|_| generate(7)).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn every_character_of_the_alphabet_is_drawn_in_every_random_position() {
        let codes: Vec<String> = (0..4000).map(|_| generate(12_345)).collect();
        for pos in 2..LEN {
            let seen: std::collections::HashSet<u8> =
                codes.iter().map(|c| c.as_bytes()[pos]).collect();
            // 4,000 draws of 31 symbols: a missing one has odds below 10^-50.
            assert_eq!(seen.len(), ALPHABET.len(), "position {pos}");
        }
    }

    #[test]
    fn a_block_of_registrations_shares_its_first_two_characters() {
        let prefix = |seq: u64| generate(seq)[..2].to_string();
        assert_eq!(prefix(0), "22");
        assert_eq!(prefix(255), "22");
        assert_eq!(prefix(256), "23");
        assert_eq!(prefix(256 * 31), "32");
        // 961 blocks, then round again.
        assert_eq!(prefix(256 * 961), "22");
        let blocks: std::collections::HashSet<String> =
            (0..961u64).map(|b| prefix(b * 256)).collect();
        assert_eq!(blocks.len(), 961);
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
