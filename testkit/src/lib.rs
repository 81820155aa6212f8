//! The test kit shared by every package's integration tests (a dev-dependency only): one
//! fake server per platform on 127.0.0.1:0 with its error switches, a recording
//! [`Sink`], an in-memory [`MemKv`], the test salon and the wait helpers.

pub mod discord;
pub mod kv;
pub mod pg;
pub mod salon;
pub mod sink;
pub mod slack;
pub mod telegram;
pub mod wait;
pub mod wecom;

pub use kv::MemKv;
pub use salon::salon_toml;
pub use sink::{text_of, Sink};
pub use wait::{eventually, until};

/// Locks a mutex even if a panicking test poisoned it.
pub fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A listener on 127.0.0.1 with a free port, and its URL (`http://…`, `ws://…`).
pub(crate) async fn loopback(scheme: &str) -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let url = format!("{scheme}://{}", listener.local_addr().expect("local addr"));
    (listener, url)
}
