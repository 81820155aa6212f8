//! The salon fields organizers type, by English and Chinese key.

use serde::{Deserialize, Serialize};

/// A salon field, in the order inline fields are applied (time zone first, start before
/// end and closing time, which may be given as a time of the start's day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalonField {
    Timezone,
    Title,
    TitleEn,
    Start,
    End,
    Place,
    PlaceEn,
    Capacity,
    MinYears,
    Approval,
    Agenda,
    AgendaEn,
    GroupLink,
    Closes,
}

impl SalonField {
    pub const ALL: [SalonField; 14] = [
        SalonField::Timezone,
        SalonField::Title,
        SalonField::TitleEn,
        SalonField::Start,
        SalonField::End,
        SalonField::Place,
        SalonField::PlaceEn,
        SalonField::Capacity,
        SalonField::MinYears,
        SalonField::Approval,
        SalonField::Agenda,
        SalonField::AgendaEn,
        SalonField::GroupLink,
        SalonField::Closes,
    ];

    /// The English key, as written back and shown in errors.
    pub fn key(self) -> &'static str {
        match self {
            SalonField::Timezone => "timezone",
            SalonField::Title => "title",
            SalonField::TitleEn => "title_en",
            SalonField::Start => "start",
            SalonField::End => "end",
            SalonField::Place => "place",
            SalonField::PlaceEn => "place_en",
            SalonField::Capacity => "capacity",
            SalonField::MinYears => "min_years",
            SalonField::Approval => "approval",
            SalonField::Agenda => "agenda",
            SalonField::AgendaEn => "agenda_en",
            SalonField::GroupLink => "group_link",
            SalonField::Closes => "closes",
        }
    }

    /// English and Chinese keys, any case.
    pub fn parse(key: &str) -> Option<SalonField> {
        let k = key.trim().to_lowercase().replace('-', "_");
        let f = match k.as_str() {
            "timezone" | "tz" | "时区" => SalonField::Timezone,
            "title" | "标题" | "名称" => SalonField::Title,
            "title_en" | "英文标题" => SalonField::TitleEn,
            "start" | "starts" | "开始" | "开始时间" | "时间" => SalonField::Start,
            "end" | "ends" | "结束" | "结束时间" => SalonField::End,
            "place" | "venue" | "地点" => SalonField::Place,
            "place_en" | "venue_en" | "英文地点" => SalonField::PlaceEn,
            "capacity" | "seats" | "名额" | "人数" => SalonField::Capacity,
            "min_years" | "years" | "最低年限" | "年限" => SalonField::MinYears,
            "approval" | "审核" => SalonField::Approval,
            "agenda" | "议程" => SalonField::Agenda,
            "agenda_en" | "英文议程" => SalonField::AgendaEn,
            "group_link" | "group" | "群链接" | "群" => SalonField::GroupLink,
            "closes" | "close" | "截止" | "报名截止" => SalonField::Closes,
            _ => return None,
        };
        Some(f)
    }
}
