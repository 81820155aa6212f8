use super::*;
use chrono::{Duration, NaiveDate};
use std::collections::HashSet;

fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let d = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut r = d.read_info().expect("a PNG");
    let mut buf = vec![0; r.output_buffer_size().expect("a size")];
    let info = r.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn chart(days: u32, capacity: u32) -> RegistrationChart {
    let first = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    RegistrationChart {
        cumulative: (0..days)
            .map(|i| (first + Duration::days(i64::from(i)), i * 3))
            .collect(),
        capacity,
        salon_day: first + Duration::days(i64::from(days.saturating_sub(2))),
    }
}

fn count(rgb: &[u8], c: RGBColor) -> usize {
    rgb.chunks(3).filter(|p| *p == [c.0, c.1, c.2]).count()
}

#[test]
fn the_chart_is_a_png_of_the_stated_size_with_line_capacity_and_salon_day() {
    let png = PlottersCharts
        .registrations_png(&chart(10, 20))
        .expect("drawn");
    let (w, h, rgb) = decode(&png);
    assert_eq!((w, h), PlottersCharts.size());
    assert_eq!((w, h), (WIDTH, HEIGHT));
    let total = (w * h) as usize;
    let background = count(&rgb, BACKGROUND);
    assert!(
        background < total * 95 / 100,
        "not blank: {background}/{total}"
    );
    assert!(count(&rgb, LINE) > 500, "the registrations line");
    assert!(count(&rgb, CAPACITY) > 200, "the capacity dashes and label");
    assert!(count(&rgb, SALON_DAY) > 1000, "the salon day's bar");
    assert!(count(&rgb, AXIS) > 300, "axes and digit labels");
    let colours: HashSet<&[u8]> = rgb.chunks(3).collect();
    assert!(colours.len() >= 6, "{} colours", colours.len());
}

#[test]
fn a_chart_with_no_registrations_still_draws_axes_and_capacity() {
    let c = RegistrationChart {
        cumulative: vec![(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 0)],
        capacity: 0,
        salon_day: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let (w, h, rgb) = decode(&PlottersCharts.registrations_png(&c).expect("drawn"));
    assert_eq!((w, h), (WIDTH, HEIGHT));
    assert!(count(&rgb, AXIS) > 300);
    assert!(count(&rgb, SALON_DAY) > 1000);
}

#[test]
fn grid_steps_are_round_and_few() {
    assert_eq!(nice_step(1), 1);
    assert_eq!(nice_step(6), 1);
    assert_eq!(nice_step(7), 2);
    assert_eq!(nice_step(30), 5);
    assert_eq!(nice_step(120), 20);
    assert_eq!(nice_step(5000), 1000);
}

#[test]
fn digit_labels_are_drawn_where_asked() {
    let (w, h) = (40u32, 20u32);
    let mut rgb = vec![255u8; (w * h * 3) as usize];
    let l = digits::Label::centred(20, 5, "12-01".into(), AXIS);
    digits::draw(&mut rgb, (w, h), &l);
    let n = count(&rgb, AXIS);
    // 1:8 2:11 -:3 0:12 1:8 font pixels, 4 screen pixels each.
    assert_eq!(n, (8 + 11 + 3 + 12 + 8) * 4);
    let off = digits::Label::centred(-100, -100, "8".into(), AXIS);
    digits::draw(&mut rgb, (w, h), &off);
    assert_eq!(count(&rgb, AXIS), n, "off-screen pixels are skipped");
}
