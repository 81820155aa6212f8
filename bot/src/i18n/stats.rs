//! The text of `/stats`, zh and en.

use super::{Locale, Msg};
use crate::model::Salon;
use crate::stats::SalonStats;

pub enum StatsMsg<'a> {
    Stats {
        salon: &'a Salon,
        stats: &'a SalonStats,
        /// The chart is attached: say how to read it.
        chart: bool,
    },
}

fn percent(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{:.0}%", x * 100.0))
}

impl StatsMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        let StatsMsg::Stats {
            salon,
            stats: s,
            chart,
        } = self;
        let zh = l == Locale::Zh;
        let statuses = s
            .by_status
            .iter()
            .map(|(st, n)| format!("{} {n}", Msg::StatusName(*st).render(l)))
            .collect::<Vec<_>>()
            .join(" · ");
        let platforms = s
            .by_platform
            .iter()
            .map(|(p, n)| format!("{} {n}", p.as_str()))
            .collect::<Vec<_>>()
            .join(" · ");
        let avg = s.feedback_average.map_or("–".into(), |a| format!("{a:.1}"));
        let title = salon.info.title.get(l);
        let mut out = if zh {
            format!(
                "「{title}」统计\n报名 {}：{statuses}\n平台：{platforms}\n已批准 {} / 容量 {}\n签到 {} · 缺席 {} · 到场率 {}\n反馈平均 {avg}（{} 人）",
                s.total,
                s.approved,
                s.capacity,
                s.checked_in,
                s.no_shows,
                percent(s.show_rate),
                s.feedback_answered
            )
        } else {
            format!(
                "Stats of \"{title}\"\nRegistrations {}: {statuses}\nPlatforms: {platforms}\nApproved {} / capacity {}\nChecked in {} · no-shows {} · show rate {}\nFeedback average {avg} ({} answers)",
                s.total,
                s.approved,
                s.capacity,
                s.checked_in,
                s.no_shows,
                percent(s.show_rate),
                s.feedback_answered
            )
        };
        if *chart {
            out += if zh {
                "\n图：蓝线为每日累计报名，红色虚线为容量，橙色竖条为活动日。"
            } else {
                "\nChart: blue = registrations so far, day by day; red dashes = capacity; orange bar = the salon's day."
            };
        }
        out
    }
}
