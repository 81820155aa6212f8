//! The open HTTP connections, for `http_serve`: when each last moved a byte, whether it
//! is inside a request, and a way to close the one idle longest when the cap is reached.

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Default)]
pub struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    next: u64,
    open: HashMap<u64, Arc<State>>,
}

struct State {
    base: Instant,
    /// Milliseconds after `base` of the last byte read or written.
    last: AtomicU64,
    /// A request is being handled: from its head read to its response (head) made.
    busy: AtomicBool,
    evict: Notify,
}

impl State {
    fn touch(&self) {
        let ms = self.base.elapsed().as_millis() as u64;
        self.last.store(ms, Ordering::Relaxed);
    }
}

/// One connection's entry; removed from the registry when dropped.
#[derive(Clone)]
pub struct Slot {
    state: Arc<State>,
    _guard: Arc<Guard>,
}

struct Guard {
    id: u64,
    registry: Arc<Registry>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.registry.inner.lock() {
            inner.open.remove(&self.id);
        }
    }
}

impl Registry {
    pub fn register(self: &Arc<Self>) -> Slot {
        let state = Arc::new(State {
            base: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicBool::new(false),
            evict: Notify::new(),
        });
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.next += 1;
        let id = inner.next;
        inner.open.insert(id, state.clone());
        Slot {
            state,
            _guard: Arc::new(Guard {
                id,
                registry: self.clone(),
            }),
        }
    }

    /// With `cap` or more open, closes the connection idle longest outside a request
    /// (else the oldest), and forgets it at once so the new one fits.
    pub fn make_room(&self, cap: usize) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        while inner.open.len() >= cap.max(1) {
            let idle = |s: &State| {
                let now = s.base.elapsed().as_millis() as u64;
                now.saturating_sub(s.last.load(Ordering::Relaxed))
            };
            let victim = inner
                .open
                .iter()
                .max_by_key(|(_, s)| (!s.busy.load(Ordering::Relaxed), idle(s)))
                .map(|(id, _)| *id);
            let Some(id) = victim else { return };
            if let Some(s) = inner.open.remove(&id) {
                s.evict.notify_one();
            }
        }
    }
}

impl Slot {
    pub fn watch<T>(&self, io: T) -> Watched<T> {
        Watched {
            io,
            state: self.state.clone(),
        }
    }

    pub fn request_started(&self) {
        self.state.busy.store(true, Ordering::Relaxed);
        self.state.touch();
    }

    pub fn request_done(&self) {
        self.state.busy.store(false, Ordering::Relaxed);
        self.state.touch();
    }

    pub fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.state.last.load(Ordering::Relaxed));
        self.state.base.elapsed().saturating_sub(last)
    }

    /// Resolves when the registry closed this connection to make room.
    pub async fn evicted(&self) {
        self.state.evict.notified().await
    }
}

/// The connection's socket, noting every byte that moves.
pub struct Watched<T> {
    io: T,
    state: Arc<State>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.touch();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.state.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
