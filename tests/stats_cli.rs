//! `/stats` and `yunqi export feedback` through the real executable: the chart is a PNG
//! file the console names, and the export has its pinned header.

use crate::cli::{text, yunqi};

#[test]
fn stats_come_with_a_png_chart_and_the_feedback_export_has_its_header() {
    let dir = tempfile::tempdir().unwrap();
    yunqi(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1 name=张三 phone=13800001234 position=dev years=5\n",
    );
    let out = yunqi(dir.path(), &["console", "--as", "admin"], "/统计 1\n");
    let admin = text(&out.stdout);
    assert!(admin.contains("报名 1：待审核 1"), "{admin}");
    assert!(admin.contains("salon-1-stats.png"), "{admin}");
    let file = dir.path().join("data/files/salon-1-stats.png");
    let png = std::fs::read(&file).expect("the chart file");
    assert!(
        png.starts_with(b"\x89PNG"),
        "the console writes the PNG's bytes"
    );
    let info = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .expect("a PNG")
        .info()
        .clone();
    assert_eq!(
        (info.width, info.height),
        (yunqi::chart::WIDTH, yunqi::chart::HEIGHT)
    );

    let out = yunqi(
        dir.path(),
        &["console", "--as", "alice"],
        "/stats 1\n/反馈 1\n",
    );
    let alice = text(&out.stdout);
    assert!(alice.contains("只有组织者"), "{alice}");
    assert!(alice.contains("只有签到参加"), "{alice}");

    let out = yunqi(dir.path(), &["export", "feedback", "1"], "");
    assert_eq!(
        text(&out.stdout),
        "salon,user,platform,rating,comment,answered_at\n"
    );
}
