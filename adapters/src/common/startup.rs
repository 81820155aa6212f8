//! Start-up calls to a platform (Telegram getMe/setMyCommands/setWebhook, Slack
//! auth.test) retried in the background with backoff: a platform briefly unreachable
//! when the bot starts must not leave the command menu unregistered until a restart.

use std::fmt::Display;
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;

/// First wait after a failure; doubles up to `MAX_WAIT`.
pub const FIRST_WAIT: Duration = Duration::from_millis(500);
pub const MAX_WAIT: Duration = Duration::from_secs(300);

/// Calls `call` until it succeeds or `shutdown` turns true; `None` only on shutdown.
pub async fn retry<T, E, F, Fut>(
    what: &str,
    mut shutdown: watch::Receiver<bool>,
    mut call: F,
) -> Option<T>
where
    E: Display,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut wait = FIRST_WAIT;
    for attempt in 1u32.. {
        if *shutdown.borrow() {
            return None;
        }
        match call().await {
            Ok(v) => {
                if attempt > 1 {
                    tracing::info!(what, attempt, "start-up call succeeded after retries");
                }
                return Some(v);
            }
            Err(e) => {
                tracing::warn!(what, attempt, error = %e, retry_in = ?wait, "start-up call failed; retrying");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.changed() => return None,
        }
        wait = (wait * 2).min(MAX_WAIT);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_success_returns_at_once_and_shutdown_ends_the_retries() {
        let (_stop, shutdown) = watch::channel(false);
        let got = retry("test", shutdown, || async { Ok::<_, String>(7) }).await;
        assert_eq!(got, Some(7));
        let (stop, shutdown) = watch::channel(false);
        let task = tokio::spawn(retry("test", shutdown, || async { Err::<(), _>("down") }));
        let _ = stop.send(true);
        assert_eq!(task.await.unwrap(), None);
    }
}
