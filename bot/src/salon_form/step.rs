//! The `/newsalon` dialogue: title, start, end, place, capacity, minimum years, approval,
//! agenda (one item a line until an empty line or `-`), group link (or `-`).

use super::{agenda_lines, FormError, SalonDraft, SalonField};
use crate::dialogue::{Dialogue, Step};
use chrono::NaiveDate;

/// The questions, in the order they are asked.
pub const DIALOGUE_ORDER: [SalonField; 9] = [
    SalonField::Title,
    SalonField::Start,
    SalonField::End,
    SalonField::Place,
    SalonField::Capacity,
    SalonField::MinYears,
    SalonField::Approval,
    SalonField::Agenda,
    SalonField::GroupLink,
];

fn missing(d: &SalonDraft) -> Option<SalonField> {
    DIALOGUE_ORDER.into_iter().find(|f| match f {
        SalonField::Title => d.title.is_none(),
        SalonField::Start => d.starts_at.is_none(),
        SalonField::End => d.ends_at.is_none(),
        SalonField::Place => d.venue.is_none(),
        SalonField::Capacity => d.capacity.is_none(),
        SalonField::MinYears => d.min_years.is_none(),
        SalonField::Approval => d.auto_approve.is_none(),
        SalonField::Agenda => d.agenda.is_none(),
        _ => d.group_link.is_none(),
    })
}

fn ask(draft: SalonDraft, field: SalonField, error: Option<FormError>) -> Step {
    Step::AskSalon {
        state: Dialogue::NewSalon {
            draft: Box::new(draft),
            asking: field,
        },
        field,
        error,
    }
}

/// The next open question, or the finished draft.
pub fn start_dialogue(draft: SalonDraft) -> Step {
    match missing(&draft) {
        Some(f) => ask(draft, f, None),
        None => Step::SalonDone(Box::new(draft)),
    }
}

fn agenda_done(line: &str) -> bool {
    matches!(
        line.trim().to_lowercase().as_str(),
        "" | "-" | "—" | "." | "done" | "end" | "完成" | "结束" | "无"
    )
}

/// One answer in, the next question (or the same one with a reason) out. `today` (the
/// salon's local date) refuses a start on a past day at once; the engine checks the hour.
pub fn step(mut draft: SalonDraft, asking: SalonField, input: &str, today: NaiveDate) -> Step {
    if asking == SalonField::Agenda {
        // Items until an empty line (or `-`): several a message or one a message.
        let mut items: Vec<String> = draft
            .agenda
            .as_ref()
            .map(|a| a.zh.lines().map(str::to_string).collect())
            .unwrap_or_default();
        let mut done = false;
        for line in input.split('\n') {
            if agenda_done(line) {
                done = true;
                break;
            }
            items.push(agenda_lines(line));
        }
        let agenda = items.join("\n");
        if let Err(e) = crate::validate::long_text(&agenda, 2000) {
            if !agenda.is_empty() {
                return ask(draft, asking, Some(FormError::Text(asking, e)));
            }
        }
        draft.agenda = Some(crate::model::Text2 {
            zh: agenda,
            en: String::new(),
        });
        return if done {
            start_dialogue(draft)
        } else {
            ask(draft, asking, None)
        };
    }
    if let Err(e) = draft.set(asking, input) {
        return ask(draft, asking, Some(e));
    }
    let tz = draft.tz();
    if asking == SalonField::Start
        && draft
            .starts_at
            .is_some_and(|s| s.with_timezone(&tz).date_naive() < today)
    {
        draft.starts_at = None;
        return ask(draft, asking, Some(FormError::StartInPast));
    }
    if asking == SalonField::End && draft.ends_at <= draft.starts_at {
        draft.ends_at = None;
        return ask(draft, asking, Some(FormError::EndBeforeStart));
    }
    start_dialogue(draft)
}
