//! Console chat: `yunqi console --as <user>` and the chat attached to `yunqi serve`.

use anyhow::Result;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};
use tokio::sync::Notify;
use yunqi_adapters::console::ConsoleOut;
use yunqi_bot::i18n::InputMsg;
use yunqi_bot::ids::Platform;
use yunqi_bot::runtime::Core;
use yunqi_bot::{Inbound, UserRef};
use yunqi_storage::AppStore;

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
pub async fn drained<S: AppStore>(store: &S, user: &str, delivered: &Notify) {
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

/// One line of console input.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Text(String),
    /// Not valid UTF-8: answered, then the chat goes on.
    Unreadable,
}

/// The next line, or `None` at EOF. Invalid UTF-8 is a line of its own, not an error that
/// would end the chat.
pub async fn next_line<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Line>> {
    let mut buf = Vec::new();
    if r.read_until(b'\n', &mut buf).await? == 0 {
        return Ok(None);
    }
    Ok(Some(match String::from_utf8(buf) {
        Ok(s) => Line::Text(s.trim_end_matches(['\n', '\r']).to_string()),
        Err(_) => Line::Unreadable,
    }))
}

/// Reads stdin line by line as `user` until EOF or `/quit`; each line's replies are printed
/// before the next line is read. Piped input is echoed so transcripts read as a chat.
pub async fn chat<S: AppStore>(core: &Core<S>, user: &str, delivered: &Notify) -> Result<()> {
    let echo = !std::io::stdin().is_terminal();
    let me = UserRef::new(Platform::Console, user);
    let mut input = BufReader::new(tokio::io::stdin());
    drained(core.store().as_ref(), user, delivered).await;
    while let Some(line) = next_line(&mut input).await? {
        let Line::Text(line) = line else {
            println!("{}", InputMsg::UnreadableLine.both());
            continue;
        };
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
        drained(core.store().as_ref(), user, delivered).await;
    }
    drained(core.store().as_ref(), user, delivered).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_invalid_utf8_line_is_reported_and_the_next_line_still_read() {
        let mut input: &[u8] = b"/help\r\n\xff\xfe bad\n/quit\n";
        let mut got = Vec::new();
        while let Some(l) = next_line(&mut input).await.unwrap() {
            got.push(l);
        }
        assert_eq!(
            got,
            [
                Line::Text("/help".into()),
                Line::Unreadable,
                Line::Text("/quit".into())
            ]
        );
    }
}
