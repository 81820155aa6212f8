//! A running bot: HTTP (health, metrics, webhooks), outbox dispatcher, scheduler and
//! adapters. Used by `yunqi serve` and by the integration tests (`tests/common`).

use crate::app::App;
use crate::http;
use anyhow::Result;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use yunqi_bot::ports::Outbound;
use yunqi_bot::runtime::lease;
use yunqi_storage::AppStore;

pub struct Running {
    pub addr: SocketAddr,
    pub platforms: Vec<&'static str>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

pub struct Options {
    /// Run the clock-driven work every `[scheduler] tick_seconds` (tests tick by hand).
    pub scheduler: bool,
    /// Extra sending sides, e.g. the attached console.
    pub extra_outbounds: Vec<Arc<dyn Outbound>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            scheduler: true,
            extra_outbounds: Vec::new(),
        }
    }
}

impl Running {
    pub async fn start<S: AppStore>(
        app: &App<S>,
        listener: TcpListener,
        opts: Options,
    ) -> Result<Running> {
        let (stop, stopped) = watch::channel(false);
        crate::metrics::handle();
        // SQLite: the serve lock makes this the only server on the file, so leases a dead
        // predecessor left are void and every lease below is taken at once. PostgreSQL:
        // other replicas' leases stand.
        app.store.serving_alone().await?;
        let terms = app.settings.replicas.terms()?;
        let (leading, leader) = lease::hold(
            app.store.clone(),
            app.clock.clone(),
            lease::LEADER.into(),
            terms.clone(),
            stopped.clone(),
        );
        let wired = crate::platforms::wire(app, stopped.clone(), leading.clone()).await?;
        let mut outbounds = wired.outbounds;
        outbounds.extend(opts.extra_outbounds);
        let lanes = outbounds.iter().map(|o| o.platform()).collect();
        let mut tasks = app.spawn_leased_dispatcher(outbounds, terms, stopped.clone());
        tasks.push(leader);
        if opts.scheduler {
            tasks.push(app.spawn_scheduler_leading(leading, stopped.clone()));
        }
        tasks.extend(wired.tasks);
        let router = http::router(
            http::HttpState {
                store: app.store.clone(),
                health: app.core.health(),
            },
            wired.router,
        )
        .merge(crate::ready::router(crate::ready::ReadyState {
            store: app.store.clone(),
            health: app.core.health(),
            deliveries: app.deliveries.clone(),
            clock: app.clock.clone(),
            lanes,
        }))
        .merge(crate::web::router(crate::web::WebState::new(app)?))
        .layer(axum::middleware::from_fn(crate::metrics::track));
        let addr = listener.local_addr()?;
        let limits = app.settings.http.limits()?;
        tasks.push(tokio::spawn(crate::http_serve::serve(
            listener, router, limits, stopped,
        )));
        Ok(Running {
            addr,
            platforms: wired.on,
            stop,
            tasks,
        })
    }

    /// Stops accepting, lets in-flight requests and deliveries finish, and waits.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
    }
}
