//! The access-token cache of one app (docs/platforms/wecom.md §4.1): shared by every caller,
//! refreshed ahead of expiry, fetched by one caller at a time (single flight) so a
//! stampede cannot trip the `gettoken` frequency block.

use super::error::ApiError;
use std::future::Future;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Refresh when less than this is left (or half the lifetime, if that is shorter).
const REFRESH_AHEAD: Duration = Duration::from_secs(300);

struct Cached {
    token: String,
    refresh_at: Instant,
}

#[derive(Default)]
pub struct TokenCache {
    // Held across the fetch: waiters queue on it and then find the fresh token.
    slot: Mutex<Option<Cached>>,
}

impl TokenCache {
    pub fn new() -> TokenCache {
        TokenCache::default()
    }

    /// The cached token, or a fresh one from `fetch` (token, `expires_in` seconds).
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<String, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(String, u64), ApiError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(c) = slot.as_ref() {
            if Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        let (token, expires_in) = fetch().await?;
        let life = Duration::from_secs(expires_in);
        let refresh_at = Instant::now() + life - REFRESH_AHEAD.min(life / 2);
        *slot = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// Forgets `used` if it is still the cached token; a newer one is kept, so callers that
    /// failed with the same old token cause one refresh, not one each.
    pub async fn invalidate(&self, used: &str) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| c.token == used) {
            *slot = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    async fn fetch_counting(
        n: Arc<AtomicUsize>,
        expires_in: u64,
    ) -> Result<(String, u64), ApiError> {
        let i = n.fetch_add(1, Ordering::SeqCst) + 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
        Ok((format!("tok{i}"), expires_in))
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let cache = Arc::new(TokenCache::new());
        let n = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, n) = (cache.clone(), n.clone());
                tokio::spawn(async move { cache.get(|| fetch_counting(n, 7200)).await })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), "tok1");
        }
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn invalidating_an_old_token_keeps_a_newer_one() {
        let cache = TokenCache::new();
        let n = Arc::new(AtomicUsize::new(0));
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 7200)).await.unwrap(),
            "tok1"
        );
        cache.invalidate("tok1").await;
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 7200)).await.unwrap(),
            "tok2"
        );
        cache.invalidate("tok1").await;
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 7200)).await.unwrap(),
            "tok2"
        );
        assert_eq!(n.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_token_near_its_expiry_is_refreshed_ahead_of_time() {
        let cache = TokenCache::new();
        let n = Arc::new(AtomicUsize::new(0));
        // a 0-second lifetime is already inside the refresh margin
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 0)).await.unwrap(),
            "tok1"
        );
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 7200)).await.unwrap(),
            "tok2"
        );
        assert_eq!(
            cache.get(|| fetch_counting(n.clone(), 7200)).await.unwrap(),
            "tok2"
        );
    }

    #[tokio::test]
    async fn a_failed_fetch_caches_nothing() {
        let cache = TokenCache::new();
        let err = cache.get(|| async { Err(ApiError::Timeout) }).await;
        assert_eq!(err, Err(ApiError::Timeout));
        let n = Arc::new(AtomicUsize::new(0));
        assert_eq!(cache.get(|| fetch_counting(n, 7200)).await.unwrap(), "tok1");
    }
}
