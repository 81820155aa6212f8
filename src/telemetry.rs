//! Logs to stderr through `tracing`; `RUST_LOG` overrides the default level, `[log] format
//! = "json"` writes one JSON object per line (for log collectors) instead of text.

use std::fmt;
use std::io::IsTerminal;
use std::sync::OnceLock;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

struct Setup {
    json: bool,
    warnings: Vec<String>,
}

static SETUP: OnceLock<Setup> = OnceLock::new();

/// The format and the configuration warnings to log once `init` runs (called after the
/// configuration is read, before `init`).
pub fn configure(json: bool, warnings: Vec<String>) {
    let _ = SETUP.set(Setup { json, warnings });
}

pub fn init(default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let setup = SETUP.get();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless.
    let installed = if setup.is_some_and(|s| s.json) {
        builder.event_format(Json).try_init().is_ok()
    } else {
        let ansi = std::io::stderr().is_terminal();
        builder.with_ansi(ansi).try_init().is_ok()
    };
    if installed {
        for w in setup.map(|s| s.warnings.as_slice()).unwrap_or_default() {
            tracing::warn!("{w}");
        }
    }
}

/// `{"timestamp":…,"level":…,"target":…,"message":…,"fields":{…},"spans":[…]}`.
pub struct Json;

impl<S, N> FormatEvent<S, N> for Json
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        use serde_json::{Map, Value};
        let meta = event.metadata();
        let mut fields = Map::new();
        event.record(&mut Fields(&mut fields));
        let mut obj = Map::new();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        obj.insert("timestamp".into(), now.into());
        obj.insert("level".into(), meta.level().as_str().into());
        obj.insert("target".into(), meta.target().into());
        if let Some(m) = fields.remove("message") {
            obj.insert("message".into(), m);
        }
        if !fields.is_empty() {
            obj.insert("fields".into(), Value::Object(fields));
        }
        if let Some(scope) = ctx.event_scope() {
            let spans: Vec<Value> = scope.from_root().map(|s| s.name().into()).collect();
            obj.insert("spans".into(), spans.into());
        }
        writeln!(writer, "{}", Value::Object(obj))
    }
}

struct Fields<'a>(&'a mut serde_json::Map<String, serde_json::Value>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn json_lines_carry_level_target_message_fields_and_spans() {
        let buf = Buf::default();
        let out = buf.clone();
        let sub = tracing_subscriber::fmt()
            .event_format(Json)
            .with_writer(move || out.clone())
            .finish();
        tracing::subscriber::with_default(sub, || {
            let span = tracing::info_span!("dispatch");
            let _g = span.enter();
            tracing::warn!(platform = "slack", attempts = 3u64, "delivery \"failed\"");
        });
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let v: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["level"], "WARN");
        assert_eq!(v["message"], "delivery \"failed\"");
        assert_eq!(v["fields"]["platform"], "slack");
        assert_eq!(v["fields"]["attempts"], 3);
        assert_eq!(v["spans"][0], "dispatch");
        assert!(v["timestamp"].as_str().unwrap().ends_with('Z'));
    }
}
