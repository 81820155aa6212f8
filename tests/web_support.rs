//! Helpers for the web console tests: console screens, sign-in from chat, requests
//! with the session cookie.

use crate::common::{self, TestApp};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use yunqi_bot::ports::{Outbound, Store};
use yunqi_bot::{Inbound, Platform, UserRef};

/// What a console user's screen shows (their delivered messages).
#[derive(Clone, Default)]
pub struct Screen(Arc<Mutex<Vec<u8>>>);

impl Write for Screen {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Screen {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

pub fn console(id: &str) -> UserRef {
    UserRef::new(Platform::Console, id)
}

/// The app with console screens for `users`.
pub async fn app_with_screens(
    clock: Arc<dyn yunqi_bot::ports::Clock>,
    users: &[&str],
    extra: &str,
) -> (TestApp, Vec<Screen>) {
    let mut screens = Vec::new();
    let mut outs = Vec::new();
    for u in users {
        let screen = Screen::default();
        let out = yunqi_adapters::console::ConsoleOut::new(
            *u,
            Box::new(screen.clone()),
            std::env::temp_dir().to_str().unwrap_or("/tmp"),
        );
        outs.push(Arc::new(out) as Arc<dyn Outbound>);
        screens.push(screen);
    }
    (
        common::spawn_app_outbounds(extra, clock, outs).await,
        screens,
    )
}

/// The app with a console screen for `bob`, registered for salon 1 and pending.
pub async fn app_with_bob(clock: Arc<dyn yunqi_bot::ports::Clock>) -> (TestApp, Screen) {
    let (t, mut screens) = app_with_screens(clock, &["bob"], "").await;
    say(
        &t,
        "bob",
        "/register 1 name=Bob phone=13812345678 position=后端工程师 years=5",
    )
    .await;
    (t, screens.remove(0))
}

pub async fn say(t: &TestApp, who: &str, text: &str) -> Vec<String> {
    let mut ev = Inbound::text(console(who), text);
    ev.reply_inline = true;
    let done = t.app.core.submit(ev).await.unwrap();
    done.inline
        .into_iter()
        .map(|o| std::sync::Arc::unwrap_or_clone(o.reply).text)
        .collect()
}

/// `/dashboard` as `who`; the token from the link in the answer.
pub async fn dashboard_token(t: &TestApp, who: &str) -> Option<String> {
    let answers = say(t, who, "/dashboard").await.join("\n");
    let (_, rest) = answers.split_once("/admin/login?token=")?;
    Some(rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect())
}

/// Waits (5 s at most) until nothing is queued for a console user.
pub async fn delivered_to(t: &TestApp, user: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let n = t
            .app
            .store
            .outbox_pending(Platform::Console, Some(user))
            .await
            .unwrap();
        if n == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{n} messages for {user} still queued"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

pub async fn sign_in_raw(t: &TestApp, token: &str) -> reqwest::Response {
    client()
        .post(format!("{}/admin/login", t.base))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}

/// Signs in with the token; the `name=value` session cookie.
pub async fn sign_in(t: &TestApp, token: &str) -> String {
    let r = sign_in_raw(t, token).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/admin");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    set.split(';').next().unwrap().to_string()
}

pub async fn get(t: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", t.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

/// The form token on a page.
pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..].chars().take_while(|c| *c != '"').collect()
}

pub async fn post(
    t: &TestApp,
    cookie: &str,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client()
        .post(format!("{}{path}", t.base))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap()
}

pub async fn bounded<F: std::future::Future<Output = TestApp>>(f: F) {
    let t = tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("bounded");
    t.shutdown().await;
}
