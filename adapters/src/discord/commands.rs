//! Application (slash) commands from the core's command list: one command per core
//! command, English names, descriptions in English with a Chinese localization, and one
//! optional string option `args` for whatever follows the command word.

use super::inbound::ARGS_OPTION;
use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};
use yunqi_bot::command::Name;
use yunqi_bot::i18n::usage;
use yunqi_bot::i18n::PlatformMsg;
use yunqi_bot::Locale;

/// Descriptions are 1–100 characters.
const MAX_DESCRIPTION: usize = 100;

fn valid(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The usage line without the slash, cut to 100 characters.
pub fn description(n: Name, l: Locale) -> String {
    let u = usage(n, l);
    let d = u.trim_start_matches('/').trim();
    let d = if d.is_empty() { n.english() } else { d };
    if d.chars().count() <= MAX_DESCRIPTION {
        d.to_string()
    } else {
        d.chars().take(MAX_DESCRIPTION - 1).chain(['…']).collect()
    }
}

/// Whether the command takes arguments (its usage line has more than the name).
pub fn takes_args(n: Name) -> bool {
    usage(n, Locale::En).trim().contains(' ')
}

pub fn commands() -> Vec<CreateCommand> {
    Name::all()
        .filter(|n| valid(n.english()))
        .map(|n| {
            let mut c = CreateCommand::new(n.english())
                .description(description(n, Locale::En))
                .description_localized("zh-CN", description(n, Locale::Zh));
            if takes_args(n) {
                c = c.add_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        ARGS_OPTION,
                        PlatformMsg::CommandArgs.render(Locale::En),
                    )
                    .description_localized("zh-CN", PlatformMsg::CommandArgs.render(Locale::Zh))
                    .required(false),
                );
            }
            c
        })
        .collect()
}
