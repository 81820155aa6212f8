//! The bot's command menu (setMyCommands) from the core's command list, and the way back:
//! Telegram command names allow only `a-z 0-9 _`, so `checkin-code` is `/checkin_code`.

use teloxide::types::BotCommand;
use yunqi_bot::command::Name;
use yunqi_bot::i18n::usage;
use yunqi_bot::Locale;

/// A command's description (1–256 characters).
const MAX_DESCRIPTION: usize = 256;

/// The Telegram name of a core command: lower case, `-` → `_`.
pub fn telegram_name(n: Name) -> String {
    n.english().to_lowercase().replace('-', "_")
}

fn valid(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// "报名 <沙龙编号> […]" / "register <salon id> […]": the usage line without its slash.
pub fn description(n: Name, l: Locale) -> String {
    let u = usage(n, l);
    let d = u.trim_start_matches('/').trim();
    let d = if d.is_empty() { n.english() } else { d };
    d.chars().take(MAX_DESCRIPTION).collect()
}

/// The menu in one language, in the core's order.
pub fn menu(l: Locale) -> Vec<BotCommand> {
    Name::all()
        .filter_map(|n| {
            let name = telegram_name(n);
            valid(&name).then(|| BotCommand::new(name, description(n, l)))
        })
        .collect()
}

/// A `/checkin_code 1` typed from the menu back into the core's `/checkin-code 1`; any
/// other text is unchanged.
pub fn to_core(text: &str) -> String {
    let Some(rest) = text.strip_prefix('/') else {
        return text.to_string();
    };
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '@')
        .unwrap_or(rest.len());
    let word = &rest[..end];
    if !word.contains('_') {
        return text.to_string();
    }
    match Name::all().find(|n| telegram_name(*n) == word.to_lowercase()) {
        Some(n) => format!("/{}{}", n.english(), &rest[end..]),
        None => text.to_string(),
    }
}
