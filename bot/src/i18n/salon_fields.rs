//! Salon fields in the organizer's language: their names, the `/newsalon` questions, and
//! why a value or a form is refused.

use super::Locale;
use crate::salon_form::{FormError, SalonField};
use crate::validate::Invalid;

pub(super) fn field_zh(f: SalonField) -> &'static str {
    match f {
        SalonField::Timezone => "时区",
        SalonField::Title => "标题",
        SalonField::TitleEn => "英文标题",
        SalonField::Start => "开始时间",
        SalonField::End => "结束时间",
        SalonField::Place => "地点",
        SalonField::PlaceEn => "英文地点",
        SalonField::Capacity => "名额",
        SalonField::MinYears => "最低工作年限",
        SalonField::Approval => "审核方式",
        SalonField::Agenda => "议程",
        SalonField::AgendaEn => "英文议程",
        SalonField::GroupLink => "群链接",
        SalonField::Closes => "报名截止时间",
    }
}

pub(super) fn invalid_text(why: Invalid, l: Locale) -> String {
    match (l, why) {
        (Locale::Zh, Invalid::Empty) => "不能为空".into(),
        (Locale::Zh, Invalid::TooLong { max }) => format!("太长了，最多 {max} 个字"),
        (Locale::Zh, _) => "含有无法识别的字符".into(),
        (Locale::En, Invalid::Empty) => "cannot be empty".into(),
        (Locale::En, Invalid::TooLong { max }) => format!("is too long (at most {max} characters)"),
        (Locale::En, _) => "has characters that cannot be read".into(),
    }
}

pub(super) fn error_zh(e: &FormError) -> String {
    match e {
        FormError::UnknownField(k) => format!("没有「{k}」这个字段。可用：标题 开始 结束 地点 名额 最低年限 审核 议程 群链接 截止 时区。"),
        FormError::Text(f, why) => format!("{}{}。", field_zh(*f), invalid_text(*why, Locale::Zh)),
        FormError::BadTime(f) => format!("{}格式不对：请写成 2026-12-19 14:00（结束时间也可以只写 17:00）。", field_zh(*f)),
        FormError::BadTimezone => "时区不对：请写成 Asia/Shanghai 这样的名称。".into(),
        FormError::EndBeforeStart => "结束时间必须晚于开始时间。".into(),
        FormError::StartInPast => "开始时间已经过去了，请填写将来的时间。".into(),
        FormError::ClosesAfterStart => "报名截止时间不能晚于开始时间。".into(),
        FormError::CapacityNotPositive => "名额必须是正整数，例如 30。".into(),
        FormError::MinYearsNotNumber => "最低工作年限请填 0 到 60 的整数。".into(),
        FormError::BadApproval => "审核方式请填 manual（人工审核）或 auto（自动通过）。".into(),
        FormError::Missing(f) => format!("缺少{}（{}=…）。", field_zh(*f), f.key()),
        FormError::CapacityBelowHeld { held } => format!("已有 {held} 个名额被占用（已通过、待领取或已签到），名额不能少于 {held}。"),
        FormError::PastOnlyTitle => "这场沙龙已经开始或结束，只能修改标题。".into(),
        FormError::Cancelled => "这场沙龙已取消，不能再修改或重新开放。".into(),
        FormError::UnknownSalon(id) => format!("没有编号为 {id} 的沙龙。"),
    }
}

pub(super) fn error_en(e: &FormError) -> String {
    match e {
        FormError::UnknownField(k) => format!("There is no field \"{k}\". Fields: title start end place capacity min_years approval agenda group_link closes timezone."),
        FormError::Text(f, why) => format!("The {} {}.", f.key(), invalid_text(*why, Locale::En)),
        FormError::BadTime(f) => format!("The {} is not a date and time: write 2026-12-19 14:00 (the end may be just 17:00).", f.key()),
        FormError::BadTimezone => "Unknown time zone: write a name such as Asia/Shanghai.".into(),
        FormError::EndBeforeStart => "The end must be after the start.".into(),
        FormError::StartInPast => "The start is in the past; give a time in the future.".into(),
        FormError::ClosesAfterStart => "Registration cannot close after the start.".into(),
        FormError::CapacityNotPositive => "The capacity must be a positive whole number, e.g. 30.".into(),
        FormError::MinYearsNotNumber => "The minimum years must be a whole number from 0 to 60.".into(),
        FormError::BadApproval => "Approval is manual or auto.".into(),
        FormError::Missing(f) => format!("The {} is missing ({}=…).", f.key(), f.key()),
        FormError::CapacityBelowHeld { held } => format!("{held} seats are already held (approved, offered or checked in); the capacity cannot go below {held}."),
        FormError::PastOnlyTitle => "This salon has started or ended: only its title can change.".into(),
        FormError::Cancelled => "This salon is cancelled: it cannot be changed or reopened.".into(),
        FormError::UnknownSalon(id) => format!("There is no salon {id}."),
    }
}

pub(super) fn ask_zh(f: SalonField) -> &'static str {
    match f {
        SalonField::Title => "沙龙标题（例如：第二期线下沙龙）：",
        SalonField::Start => "开始时间（例如 2026-12-19 14:00，北京时间）：",
        SalonField::End => "结束时间（例如 17:00，或完整的日期时间）：",
        SalonField::Place => "地点：",
        SalonField::Capacity => "名额（正整数）：",
        SalonField::MinYears => "最低工作年限（整数，不限填 0）：",
        SalonField::Approval => "审核方式：manual（人工审核）或 auto（自动通过）：",
        SalonField::Agenda => "议程：每行一项，例如「14:00-14:30 签到」；发送空行或 - 结束：",
        SalonField::GroupLink => "活动群链接（没有请发 -）：",
        _ => "请输入：",
    }
}

pub(super) fn ask_en(f: SalonField) -> &'static str {
    match f {
        SalonField::Title => "The salon's title (e.g. Salon #2):",
        SalonField::Start => "Start (e.g. 2026-12-19 14:00, Beijing time):",
        SalonField::End => "End (e.g. 17:00, or a full date and time):",
        SalonField::Place => "Place:",
        SalonField::Capacity => "Capacity (a positive whole number):",
        SalonField::MinYears => "Minimum years of experience (0 for none):",
        SalonField::Approval => "Approval: manual or auto:",
        SalonField::Agenda => {
            "Agenda: one item a line, e.g. \"14:00-14:30 sign-in\"; an empty line or - ends it:"
        }
        SalonField::GroupLink => "Event group link (- for none):",
        _ => "Please enter:",
    }
}
