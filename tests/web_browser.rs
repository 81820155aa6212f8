//! The web console in a real browser (headless Chromium over WebDriver): sign in with a
//! link from the console, approve a pending registration, see the row change and the
//! member's console receive the approval. Runs when Chromium is installed (`.ci/run`
//! installs it); in CI (`CI` or `YUNQI_TEST_BROWSER=1`) a missing browser fails the test.
//! With `YUNQI_SCREENSHOTS=<dir>` it also saves the guest list and the door page.

use crate::web_support::{app_with_screens, console, delivered_to, say};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Ends chromedriver (and with it the browser) however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var("YUNQI_TEST_BROWSER").as_deref() == Ok("1")
}

async fn start_driver() -> (Driver, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (driver, url)
}

async fn browser(driver: &str, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ];
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a WebDriver session")
}

async fn until<F, Fut>(what: &str, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !f().await {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_organizer_approves_in_a_real_browser_and_the_member_hears_of_it() {
    if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
        assert!(
            !required(),
            "CI needs {CHROMIUM} and {CHROMEDRIVER} (.ci/run installs them)"
        );
        eprintln!("SKIPPED: the browser test needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)");
        return;
    }
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(120), run())
        .await
        .expect("the browser test is bounded");
    eprintln!("browser test took {:.1} s", started.elapsed().as_secs_f64());
}

async fn run() {
    // Registrations spread over the last days, so the chart has a shape.
    let now = chrono::Utc::now();
    let clock = crate::common::manual_clock(now - chrono::Duration::days(6));
    // The salon ten days ahead: every registration above comes before it.
    let date = (now + chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let salon = testkit::salon_toml(None)
        .replace("next-saturday", &date)
        .replace("测试沙龙", "云栖开发者基地 · 第二期线下沙龙")
        .replace("Test salon", "Yunqi Developer Base · Salon #2");
    let (t, screens) = app_with_screens(clock.clone(), &["admin", "bob"], &salon).await;
    let (admin_screen, bob_screen) = (&screens[0], &screens[1]);
    let people = [
        ("bob", "Bob", "13812345678", "后端工程师", 5, 0),
        ("lin", "林晓", "13900001234", "产品经理", 4, 1),
        ("wang", "王磊", "13700005678", "前端工程师", 6, 1),
        ("zhao", "赵敏", "13600009876", "架构师", 10, 2),
        ("chen", "陈静", "15800002468", "测试工程师", 3, 0),
        ("sun", "孙浩", "18600001357", "运维工程师", 7, 2),
    ];
    for (id, name, phone, position, years, days_later) in people {
        clock.advance(chrono::Duration::days(days_later));
        let line =
            format!("/register 1 name={name} phone={phone} position={position} years={years}");
        say(&t, id, &line).await;
    }
    clock.set(now);
    say(&t, "admin", "/approve 1 wang zhao").await;
    say(&t, "admin", "/checkin 1 wang").await;
    // The link, as the organizer's console shows it.
    t.app
        .core
        .submit(yunqi_bot::Inbound::text(console("admin"), "/dashboard"))
        .await
        .unwrap();
    let token = {
        let screen = admin_screen.clone();
        until("the sign-in link on the console", move || {
            let seen = screen.text().contains("/admin/login?token=");
            async move { seen }
        })
        .await;
        let text = admin_screen.text();
        let (_, rest) = text.split_once("/admin/login?token=").unwrap();
        rest.chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect::<String>()
    };
    let (_driver, driver_url) = start_driver().await;
    let profile = tempfile::tempdir().unwrap();
    let c = browser(&driver_url, profile.path()).await;
    c.goto(&format!("{}/admin/login?token={token}", t.base))
        .await
        .unwrap();
    c.find(Locator::Css("#signin"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    if std::env::var_os("YUNQI_DEBUG_BROWSER").is_some() {
        tokio::time::sleep(Duration::from_secs(2)).await;
        eprintln!("url: {:?}", c.current_url().await);
        eprintln!("{}", c.source().await.unwrap_or_default());
    }
    let cc = c.clone();
    until("the overview", move || {
        let c = cc.clone();
        async move {
            c.current_url()
                .await
                .map(|u| u.path() == "/admin")
                .unwrap_or(false)
        }
    })
    .await;
    c.goto(&format!("{}/admin/salons/1", t.base)).await.unwrap();
    let row = r#"tr[data-user="console:bob"]"#;
    let status = |c: Client| async move {
        match c.find(Locator::Css(row)).await {
            Ok(e) => e.attr("data-status").await.ok().flatten(),
            Err(_) => None,
        }
    };
    assert_eq!(status(c.clone()).await.as_deref(), Some("pending"));
    c.find(Locator::Css(&format!("{row} button.approve")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let cc = c.clone();
    until("the row to show approved", move || {
        let c = cc.clone();
        async move { status(c).await.as_deref() == Some("approved") }
    })
    .await;
    let screen = bob_screen.clone();
    until("the approval on bob's console", move || {
        let seen = screen.text().contains("已通过！");
        async move { seen }
    })
    .await;
    delivered_to(&t, "bob").await;
    assert_eq!(bob_screen.text().matches("已通过！").count(), 1);
    if let Some(dir) = std::env::var_os("YUNQI_SCREENSHOTS") {
        let dir = Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        c.set_window_size(1280, 1000).await.unwrap();
        std::fs::write(
            dir.join("web-guest-list.png"),
            c.screenshot().await.unwrap(),
        )
        .unwrap();
        c.set_window_size(420, 820).await.unwrap();
        c.goto(&format!("{}/admin/salons/1/door?find=赵", t.base))
            .await
            .unwrap();
        std::fs::write(dir.join("web-door.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
    t.shutdown().await;
}
