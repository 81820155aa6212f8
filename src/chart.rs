//! `/stats`'s chart as a PNG: the domain's `ChartRenderer` port, drawn with plotters'
//! bitmap backend and encoded with `png`. Labels are digits drawn from a built-in 3×5 pixel
//! font (`digits.rs`), so no font library or font file is needed at build or run time.

mod digits;

use plotters::prelude::*;
use std::sync::Arc;
use yunqi_bot::ports::{ChartRenderer, Charts, RegistrationChart};

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 400;

const BACKGROUND: RGBColor = WHITE;
const GRID: RGBColor = RGBColor(225, 225, 225);
const AXIS: RGBColor = RGBColor(90, 90, 90);
const LINE: RGBColor = RGBColor(31, 119, 180);
const CAPACITY: RGBColor = RGBColor(214, 39, 40);
const SALON_DAY: RGBColor = RGBColor(255, 207, 140);

/// The plotters renderer, for `EngineConfig::charts`.
pub fn charts() -> Charts {
    Charts(Some(Arc::new(PlottersCharts)))
}

pub struct PlottersCharts;

impl ChartRenderer for PlottersCharts {
    fn registrations_png(&self, c: &RegistrationChart) -> Option<Vec<u8>> {
        let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
        let labels = draw(&mut rgb, c)?;
        for l in labels {
            digits::draw(&mut rgb, (WIDTH, HEIGHT), &l);
        }
        encode(&rgb)
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }
}

/// A step of 1, 2 or 5 × 10ⁿ giving at most 6 grid lines up to `max`.
fn nice_step(max: u32) -> u32 {
    let mut base = 1;
    loop {
        for m in [1, 2, 5] {
            if max / (base * m) <= 6 {
                return base * m;
            }
        }
        base *= 10;
    }
}

/// Draws everything but the labels; returns the labels with their pixel positions.
fn draw(rgb: &mut [u8], c: &RegistrationChart) -> Option<Vec<digits::Label>> {
    let n = c.cumulative.len().max(1) as f64;
    let highest = c.cumulative.iter().map(|d| d.1).max().unwrap_or(0);
    let step = nice_step(highest.max(c.capacity).max(1));
    let top = (highest.max(c.capacity) / step + 1) * step;
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&BACKGROUND).ok()?;
    let mut chart = ChartBuilder::on(&root)
        .margin_left(64)
        .margin_right(24)
        .margin_top(24)
        .margin_bottom(40)
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..f64::from(top))
        .ok()?;
    let day = c.cumulative.iter().position(|(d, _)| *d == c.salon_day);
    if let Some(i) = day {
        let x = i as f64;
        let band = [(x - 0.45, 0.0), (x + 0.45, f64::from(top))];
        chart
            .draw_series([Rectangle::new(band, SALON_DAY.filled())])
            .ok()?;
    }
    let mut labels = Vec::new();
    let line = |a: (f64, f64), b: (f64, f64), color: RGBColor, w: u32| {
        PathElement::new(vec![a, b], color.stroke_width(w))
    };
    for y in (0..=top).step_by(step as usize) {
        let y = f64::from(y);
        chart
            .draw_series([line((-0.5, y), (n - 0.5, y), GRID, 1)])
            .ok()?;
        let (px, py) = chart.backend_coord(&(-0.5, y));
        labels.push(digits::Label::right_of_end(px - 8, py, y.to_string(), AXIS));
    }
    let cap = f64::from(c.capacity);
    // Dashes: 0.25 day on, 0.15 off.
    let mut x = -0.5;
    while x < n - 0.5 {
        let end = (x + 0.25).min(n - 0.5);
        chart
            .draw_series([line((x, cap), (end, cap), CAPACITY, 2)])
            .ok()?;
        x += 0.4;
    }
    let (px, py) = chart.backend_coord(&(n - 0.5, cap));
    labels.push(digits::Label::right_of_end(
        px,
        py - 14,
        c.capacity.to_string(),
        CAPACITY,
    ));
    chart
        .draw_series([
            line((-0.5, 0.0), (n - 0.5, 0.0), AXIS, 2),
            line((-0.5, 0.0), (-0.5, f64::from(top)), AXIS, 2),
        ])
        .ok()?;
    let points: Vec<(f64, f64)> = c
        .cumulative
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (i as f64, f64::from(*v)))
        .collect();
    chart
        .draw_series(LineSeries::new(points.clone(), LINE.stroke_width(3)))
        .ok()?;
    chart
        .draw_series(points.iter().map(|p| Circle::new(*p, 4, LINE.filled())))
        .ok()?;
    // Dates under the first day, the salon's day and the last day, never overlapping.
    let mut shown: Vec<i32> = Vec::new();
    let last = c.cumulative.len().saturating_sub(1);
    for i in [day, Some(0), Some(last)].into_iter().flatten() {
        let Some((d, _)) = c.cumulative.get(i) else {
            continue;
        };
        let (px, py) = chart.backend_coord(&(i as f64, 0.0));
        if shown.iter().any(|s| (s - px).abs() < 48) {
            continue;
        }
        shown.push(px);
        let color = if Some(i) == day { CAPACITY } else { AXIS };
        let text = d.format("%m-%d").to_string();
        labels.push(digits::Label::centred(px, py + 12, text, color));
    }
    root.present().ok()?;
    Some(labels)
}

fn encode(rgb: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut w = enc.write_header().ok()?;
    w.write_image_data(rgb).ok()?;
    w.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests;
