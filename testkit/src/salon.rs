//! The test salon every platform's end-to-end tests configure.

/// A `[[salons]]` entry like the first salon (20 seats, at least 3 years, manual
/// approval, next Saturday), with this platform's event group when given
/// (`("slack_channel", "C1")`).
pub fn salon_toml(group: Option<(&str, &str)>) -> String {
    let group = group
        .map(|(k, v)| format!("{k} = \"{v}\"\n"))
        .unwrap_or_default();
    format!(
        "[[salons]]\ntitle_zh = \"测试沙龙\"\ntitle_en = \"Test salon\"\nvenue_zh = \"杭州\"\nvenue_en = \"Hangzhou\"\n\
         agenda_zh = \"14:00–14:30 签到\"\nagenda_en = \"14:00–14:30 sign-in\"\n\
         date = \"next-saturday\"\nstart = \"14:00\"\nend = \"17:00\"\ncapacity = 20\nmin_years = 3\nauto_approve = false\n{group}"
    )
}
