//! Digits, `-` and `.` from a 3×5 pixel font, drawn straight into an RGB buffer: chart
//! labels without a font file or a font library.

use plotters::style::RGBColor;

/// Pixels per font pixel.
const SCALE: i32 = 2;
/// Glyph width plus the gap, in screen pixels.
const ADVANCE: i32 = 4 * SCALE;
const HEIGHT: i32 = 5 * SCALE;

/// Rows of 3 bits, top first.
fn glyph(c: char) -> Option<[u8; 5]> {
    Some(match c {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b001, 0b001],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        _ => return None,
    })
}

/// A text and where its top-left corner goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub x: i32,
    pub y: i32,
    pub text: String,
    pub color: RGBColor,
}

fn width(text: &str) -> i32 {
    text.chars().count() as i32 * ADVANCE - SCALE
}

impl Label {
    /// Ends at `x`, vertically centred on `y`.
    pub fn right_of_end(x: i32, y: i32, text: String, color: RGBColor) -> Label {
        Label {
            x: x - width(&text),
            y: y - HEIGHT / 2,
            text,
            color,
        }
    }

    /// Centred on `x`, its top at `y`.
    pub fn centred(x: i32, y: i32, text: String, color: RGBColor) -> Label {
        Label {
            x: x - width(&text) / 2,
            y,
            text,
            color,
        }
    }
}

/// Draws `l` into an RGB buffer of `size`; pixels outside are skipped, unknown characters
/// left blank.
pub fn draw(rgb: &mut [u8], (w, h): (u32, u32), l: &Label) {
    let RGBColor(r, g, b) = l.color;
    for (i, c) in l.text.chars().enumerate() {
        let Some(rows) = glyph(c) else { continue };
        let x0 = l.x + i as i32 * ADVANCE;
        for (row, bits) in rows.iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) == 0 {
                    continue;
                }
                for dy in 0..SCALE {
                    for dx in 0..SCALE {
                        let x = x0 + col * SCALE + dx;
                        let y = l.y + row as i32 * SCALE + dy;
                        if x < 0 || y < 0 || x >= w as i32 || y >= h as i32 {
                            continue;
                        }
                        let at = (y as usize * w as usize + x as usize) * 3;
                        if let Some(px) = rgb.get_mut(at..at + 3) {
                            px.copy_from_slice(&[r, g, b]);
                        }
                    }
                }
            }
        }
    }
}
