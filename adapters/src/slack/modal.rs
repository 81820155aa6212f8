//! The registration modal: `views.open` JSON for `/register <id>`, and its `view_submission`
//! turned into the core's inline form `/register <id> name="…" phone="…" …`, validated with
//! the core's own types first so mistakes show inside the modal (docs/platforms/slack.md §4.3).

use super::dto::View;
use serde_json::{json, Map, Value};
use yunqi_bot::command::{self, Command, Parsed, ProfileFields};
use yunqi_bot::dialogue::Field;
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::ids::SalonId;
use yunqi_bot::validate::{Invalid, PersonName, Phone, Position, Years};

/// `callback_id` = this prefix + the salon id.
pub const CALLBACK_PREFIX: &str = "register:";

/// (field, block_id, max_length); labels and examples come from `PlatformMsg`.
const INPUTS: [(Field, &str, u32); 4] = [
    (Field::Name, "name", 40),
    (Field::Phone, "phone", 20),
    (Field::Position, "position", 60),
    (Field::Years, "years", 10),
];

/// The salon of a `/register <id>` that gives no profile fields: the case the modal is for.
pub fn wants_modal(text: &str) -> Option<SalonId> {
    // `/register <id>` is two words; skip the parser for everything else (the hot path).
    if text.split_whitespace().count() != 2 {
        return None;
    }
    match command::parse(text) {
        Parsed::Command(Command::Register { salon, fields }) if fields.is_empty() => Some(salon),
        _ => None,
    }
}

pub fn registration_view(salon: SalonId) -> Value {
    let blocks: Vec<Value> = INPUTS
        .iter()
        .map(|(field, id, max)| {
            let label = PlatformMsg::FieldLabel(*field).bilingual();
            let placeholder = PlatformMsg::FieldExample(*field).bilingual();
            json!({
                "type": "input",
                "block_id": id,
                "label": {"type": "plain_text", "text": label},
                "element": {
                    "type": "plain_text_input",
                    "action_id": format!("{id}_input"),
                    "max_length": max,
                    "placeholder": {"type": "plain_text", "text": placeholder},
                },
            })
        })
        .collect();
    json!({
        "type": "modal",
        "callback_id": format!("{CALLBACK_PREFIX}{}", salon.0),
        "title": {"type": "plain_text", "text": format!("{} #{}", PlatformMsg::ModalTitle.bilingual(), salon.0)},
        "submit": {"type": "plain_text", "text": PlatformMsg::ModalSubmit.bilingual()},
        "close": {"type": "plain_text", "text": PlatformMsg::ModalCancel.bilingual()},
        "blocks": blocks,
    })
}

/// What a view submission amounts to.
#[derive(Debug, Clone, PartialEq)]
pub enum Submission {
    /// Not the registration modal: close it, nothing else.
    NotOurs,
    /// Keep the modal open with these errors (the ack's body).
    Errors(Value),
    /// Submit this text to the core as the user's command.
    Register(String),
}

pub fn submission(view: &View) -> Submission {
    let Some(salon) = view
        .callback_id
        .strip_prefix(CALLBACK_PREFIX)
        .and_then(|id| id.parse::<i64>().ok())
        .filter(|id| *id > 0)
    else {
        return Submission::NotOurs;
    };
    let get = |block: &str| view.state.text(block).unwrap_or("");
    let mut errors = Map::new();
    let mut check = |field: Field, block: &str, r: Result<String, Invalid>| match r {
        Ok(v) if v.contains(['"', '“', '”']) => {
            errors.insert(block.into(), PlatformMsg::NoQuotes.bilingual().into());
            None
        }
        Ok(v) => Some(v),
        Err(why) => {
            errors.insert(
                block.into(),
                PlatformMsg::InvalidField { field, why }.bilingual().into(),
            );
            None
        }
    };
    let name = check(
        Field::Name,
        "name",
        PersonName::parse(get("name")).map(|v| v.as_str().to_string()),
    );
    let phone = check(
        Field::Phone,
        "phone",
        Phone::parse(get("phone")).map(|v| v.as_str().to_string()),
    );
    let position = check(
        Field::Position,
        "position",
        Position::parse(get("position")).map(|v| v.as_str().to_string()),
    );
    let years = check(
        Field::Years,
        "years",
        Years::parse(get("years")).map(|v| v.get().to_string()),
    );
    match (name, phone, position, years) {
        (Some(n), Some(p), Some(pos), Some(y)) => Submission::Register(
            Command::Register {
                salon: SalonId(salon),
                fields: ProfileFields {
                    name: Some(n),
                    phone: Some(p),
                    position: Some(pos),
                    years: Some(y),
                    skills: None,
                },
            }
            .to_text(),
        ),
        _ => Submission::Errors(json!({"response_action": "errors", "errors": errors})),
    }
}

#[cfg(test)]
#[path = "modal_tests.rs"]
mod tests;
