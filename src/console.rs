//! Console chat: `yunqi console --as <user>` and the chat attached to `yunqi serve`.

use anyhow::Result;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::Notify;
use yunqi_adapters::console::ConsoleOut;
use yunqi_bot::ids::Platform;
use yunqi_bot::ports::Store;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Inbound, UserRef};
use yunqi_storage::SqliteStore;

/// Longest wait for the replies to one line before reading the next.
const DRAIN_LIMIT: Duration = Duration::from_secs(30);

pub fn adapter(user: &str, files_dir: &str) -> Arc<ConsoleOut> {
    Arc::new(ConsoleOut::new(
        user,
        Box::new(std::io::stdout()),
        files_dir,
    ))
}

/// Waits until nothing is queued for the console user (everything printed).
pub async fn drained(store: &SqliteStore, user: &str, delivered: &Notify) {
    let start = Instant::now();
    loop {
        let notified = delivered.notified();
        match store.outbox_pending(Platform::Console, Some(user)).await {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot read the outbox");
                return;
            }
        }
        if start.elapsed() > DRAIN_LIMIT {
            tracing::warn!("messages for {user} are still queued; they will be shown next time");
            return;
        }
        let _ = tokio::time::timeout(Duration::from_millis(20), notified).await;
    }
}

/// Reads stdin line by line as `user` until EOF or `/quit`; each line's replies are printed
/// before the next line is read. Piped input is echoed so transcripts read as a chat.
pub async fn chat(core: &Core<SqliteStore>, user: &str, delivered: &Notify) -> Result<()> {
    let echo = !std::io::stdin().is_terminal();
    let me = UserRef::new(Platform::Console, user);
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    drained(core.store(), user, delivered).await;
    while let Some(line) = lines.next_line().await? {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if echo {
            println!("> {line}");
        }
        if matches!(line, "/quit" | "/exit" | "/退出") {
            break;
        }
        if let Err(e) = core.submit(Inbound::text(me.clone(), line)).await {
            tracing::error!(error = %e, "the line was not handled");
        }
        drained(core.store(), user, delivered).await;
    }
    drained(core.store(), user, delivered).await;
    Ok(())
}
