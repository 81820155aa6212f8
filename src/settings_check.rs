//! Start-up checks of the merged configuration: an unknown section or key (a typo such as
//! `[slak]` or `bot_tokn`) is an error naming it, a half-filled platform section a warning
//! naming what is missing. Key lists come from the config types themselves, so a field
//! added to a section is known without touching this file.

use crate::settings::{
    Console, Http, JobsSettings, Log, Roles, SalonRules, SalonSeed, Scheduler, Settings, Storage,
    ThreadsSettings,
};
use anyhow::{bail, Result};
use serde::de::{self, Deserialize, Deserializer, Visitor};
use yunqi_adapters::{discord, slack, telegram, wecom};

/// The field names a `Deserialize` struct accepts (serde passes them to
/// `deserialize_struct` before reading anything).
fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("probe")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// Keys per section; `salons` is an array of tables.
fn section_keys(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "http" => fields_of::<Http>(),
        "storage" => fields_of::<Storage>(),
        "console" => fields_of::<Console>(),
        "salon" => fields_of::<SalonRules>(),
        "scheduler" => fields_of::<Scheduler>(),
        "roles" => fields_of::<Roles>(),
        "jobs" => fields_of::<JobsSettings>(),
        "threads" => fields_of::<ThreadsSettings>(),
        "log" => fields_of::<Log>(),
        "replicas" => fields_of::<crate::replicas::Replicas>(),
        "salons" => fields_of::<SalonSeed>(),
        "wecom" => fields_of::<wecom::WecomConfig>(),
        "slack" => fields_of::<slack::SlackConfig>(),
        "telegram" => fields_of::<telegram::TelegramConfig>(),
        "discord" => fields_of::<discord::DiscordConfig>(),
        _ => return None,
    })
}

/// Credentials per platform: every group needs one key set for the adapter to start.
const CREDENTIALS: &[(&str, &[&[&str]])] = &[
    (
        "wecom",
        &[&["corp_id"], &["secret"], &["token"], &["encoding_aes_key"]],
    ),
    ("slack", &[&["bot_token"], &["signing_secret", "app_token"]]),
    ("telegram", &[&["token"]]),
    ("discord", &[&["token"], &["application_id"]]),
];

fn is_set(v: Option<&toml::Value>) -> bool {
    match v {
        Some(toml::Value::String(s)) => !s.trim().is_empty(),
        Some(_) => true,
        None => false,
    }
}

/// Errors for unknown sections and keys; the warnings to log for half-filled platform
/// sections (the adapter stays off).
pub fn check(table: &toml::Table) -> Result<Vec<String>> {
    let top = fields_of::<Settings>();
    let mut unknown = Vec::new();
    for (name, value) in table {
        let Some(keys) = section_keys(name) else {
            if !top.contains(&name.as_str()) {
                unknown.push(format!("unknown section [{name}]"));
            }
            continue;
        };
        let tables: Vec<&toml::Table> = match value {
            toml::Value::Table(t) => vec![t],
            toml::Value::Array(a) => a.iter().filter_map(|v| v.as_table()).collect(),
            _ => continue, // the type error comes from deserializing
        };
        for t in tables {
            for key in t.keys() {
                if !keys.contains(&key.as_str()) {
                    unknown.push(format!("unknown key `{key}` in [{name}]"));
                }
            }
        }
    }
    if !unknown.is_empty() {
        unknown.dedup();
        bail!(
            "configuration: {} (config/example.toml lists every key)",
            unknown.join(", ")
        );
    }
    let mut warnings = Vec::new();
    for (name, groups) in CREDENTIALS {
        let Some(toml::Value::Table(t)) = table.get(*name) else {
            continue;
        };
        let any = groups
            .iter()
            .flat_map(|g| g.iter())
            .any(|k| is_set(t.get(*k)));
        let missing: Vec<String> = groups
            .iter()
            .filter(|g| !g.iter().any(|k| is_set(t.get(*k))))
            .map(|g| g.join(" or "))
            .collect();
        if any && !missing.is_empty() {
            warnings.push(format!(
                "[{name}] is incomplete, missing {}: the {name} adapter stays off",
                missing.join(", ")
            ));
        }
    }
    if let Some(toml::Value::Table(t)) = table.get("telegram") {
        if is_set(t.get("webhook_url")) && !is_set(t.get("webhook_secret")) {
            warnings.push(
                "[telegram] webhook_url is set without webhook_secret: long polling is used".into(),
            );
        }
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::load_table;

    fn table(extra: &str) -> toml::Table {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, extra).unwrap();
        load_table(Some(path.to_str().unwrap()), std::iter::empty()).unwrap()
    }

    #[test]
    fn the_defaults_and_the_example_file_pass_without_warnings() {
        assert!(check(&load_table(None, std::iter::empty()).unwrap())
            .unwrap()
            .is_empty());
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/config/example.toml");
        let t = load_table(Some(path), std::iter::empty()).unwrap();
        assert_eq!(check(&t).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_misspelt_section_or_key_is_an_error_naming_it() {
        let err = check(&table("[slak]\nbot_token = \"xoxb-1\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown section [slak]"), "{err}");
        let err = check(&table("[slack]\nbot_tokn = \"xoxb-1\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown key `bot_tokn` in [slack]"), "{err}");
        assert!(
            !err.contains("xoxb-1"),
            "values (secrets) are never shown: {err}"
        );
        let err = check(&table("[http]\nbnd = \"0.0.0.0:80\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("`bnd` in [http]"), "{err}");
        let err = check(&table(
            "[[salons]]\ntitle_zh = \"x\"\nvenue_zh = \"y\"\ndate = \"2027-01-02\"\nstart = \"14:00\"\nend = \"15:00\"\ncapacity = 5\ncapcity = 6\n",
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("`capcity` in [salons]"), "{err}");
        // From the environment too.
        let env = vec![("YUNQI_SLACK__BOT_TOKN".to_string(), "x".to_string())];
        let err = check(&load_table(None, env.into_iter()).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("`bot_tokn` in [slack]"), "{err}");
    }

    #[test]
    fn a_half_filled_platform_section_is_a_warning_naming_the_missing_keys() {
        let w = check(&table("[slack]\nbot_token = \"xoxb-1\"\n")).unwrap();
        assert_eq!(
            w,
            vec!["[slack] is incomplete, missing signing_secret or app_token: the slack adapter stays off"]
        );
        let w = check(&table("[wecom]\ncorp_id = \"ww1\"\ntoken = \"t\"\n")).unwrap();
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("missing secret, encoding_aes_key"), "{w:?}");
        let w = check(&table("[discord]\napplication_id = 123\n")).unwrap();
        assert!(
            w[0].contains("[discord] is incomplete, missing token"),
            "{w:?}"
        );
        // Complete, or untouched (only defaults such as api_base): nothing to say.
        assert!(
            check(&table("[slack]\nbot_token = \"x\"\napp_token = \"y\"\n"))
                .unwrap()
                .is_empty()
        );
        assert!(check(&table("[slack]\nbot_token = \"  \"\n"))
            .unwrap()
            .is_empty());
    }
}
