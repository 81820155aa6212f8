//! Start-up: settings → store → core → dispatcher, scheduler, HTTP, adapters.

use crate::settings::{load_table, Settings};
use anyhow::{Context, Result};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use yunqi_bot::ports::{Clock, Outbound, SystemClock};
use yunqi_bot::runtime::lease::while_held;
use yunqi_bot::runtime::{Core, DeliveryLog, Dispatcher, LeaseTerms};
use yunqi_bot::Engine;
use yunqi_storage::{AppStore, SqliteStore};

/// The running bot on one storage backend (`S`: SQLite by default, or PostgreSQL).
pub struct App<S: AppStore = SqliteStore> {
    pub settings: Settings,
    pub table: toml::Table,
    pub store: Arc<S>,
    pub core: Core<S>,
    pub clock: Arc<dyn Clock>,
    /// Each lane's latest delivery outcomes (`/readyz`).
    pub deliveries: Arc<DeliveryLog>,
    writer: JoinHandle<()>,
}

/// Reads the layered configuration; `db` overrides `[storage] url`.
pub fn configure(config: Option<&str>, db: Option<&str>) -> Result<(Settings, toml::Table)> {
    let mut table = load_table(config, std::env::vars())?;
    if let Some(db) = db {
        if let Some(toml::Value::Table(s)) = table.get_mut("storage") {
            s.insert("url".into(), toml::Value::String(db.to_string()));
        }
    }
    let settings = Settings::from_table(&table)?;
    Ok((settings, table))
}

impl<S: AppStore> App<S> {
    /// Opens the database (migrating it), starts the core and seeds configured salons.
    pub async fn open(
        settings: Settings,
        table: toml::Table,
        clock: Arc<dyn Clock>,
    ) -> Result<App<S>> {
        let store = Arc::new(crate::db::open::<S>(&settings.storage.url).await?);
        if settings.storage.pin_writer {
            if let Some(cpu) = store.pin_writer() {
                tracing::info!(cpu, "the writer and its SQLite connection share one CPU");
            }
        }
        let engine = Engine::new(settings.engine_config()?);
        let (core, writer) = Core::start(store.clone(), engine, clock.clone());
        let salons = settings.seed_salons(clock.now())?;
        core.seed(salons).await.context("seeding salons")?;
        // After the unkeyed seed, which only writes into an empty database.
        let keyed = settings.keyed_salons(clock.now())?;
        if !keyed.is_empty() {
            core.add_salons(keyed)
                .await
                .context("adding keyed salons")?;
        }
        Ok(App {
            settings,
            table,
            store,
            core,
            clock,
            deliveries: Arc::new(DeliveryLog::default()),
            writer,
        })
    }

    pub async fn open_default(settings: Settings, table: toml::Table) -> Result<App<S>> {
        App::open(settings, table, Arc::new(SystemClock)).await
    }

    fn dispatcher(&self) -> Dispatcher<S> {
        Dispatcher {
            store: self.store.clone(),
            clock: self.clock.clone(),
            changed: self.core.outbox_changed(),
            idle_poll: Duration::from_secs(1),
        }
    }

    /// Delivers the outbox through `adapters` until `shutdown`.
    pub fn spawn_dispatcher(
        &self,
        adapters: Vec<Arc<dyn Outbound>>,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        self.dispatcher()
            .spawn_observed(adapters, shutdown, self.deliveries.clone())
    }

    /// `spawn_dispatcher` for one of several replicas: each platform's lane runs while
    /// this replica holds its `lane:<platform>` lease, reading through row claims.
    pub fn spawn_leased_dispatcher(
        &self,
        adapters: Vec<Arc<dyn Outbound>>,
        terms: LeaseTerms,
        shutdown: watch::Receiver<bool>,
    ) -> Vec<JoinHandle<()>> {
        self.dispatcher()
            .spawn_leased(adapters, terms, shutdown, self.deliveries.clone())
    }

    /// The scheduler (tick and retention) while `leading` says this replica leads.
    pub fn spawn_scheduler_leading(
        &self,
        leading: watch::Receiver<bool>,
        shutdown: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let core = self.core.clone();
        let every = Duration::from_secs(self.settings.scheduler.tick_seconds.max(1));
        let retention = crate::ops::Retention::new(self);
        tokio::spawn(while_held(leading, shutdown, move |stop| {
            vec![scheduler(core.clone(), every, retention.clone(), stop)]
        }))
    }

    /// Runs the clock-driven work every `[scheduler] tick_seconds` until `shutdown`.
    pub fn spawn_scheduler(&self, shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        let core = self.core.clone();
        let every = Duration::from_secs(self.settings.scheduler.tick_seconds.max(1));
        scheduler(core, every, crate::ops::Retention::new(self), shutdown)
    }

    /// Stops the core after the last event: the writer finishes what it has and exits.
    pub async fn close(self) {
        let App {
            core,
            writer,
            store,
            ..
        } = self;
        drop(core);
        let _ = writer.await;
        store.close().await;
    }
}

/// Ticks the core and runs the retention pass until `shutdown`.
fn scheduler<S: AppStore>(
    core: Core<S>,
    every: Duration,
    mut retention: crate::ops::Retention<S>,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = interval.tick() => {
                    if let Err(e) = core.tick().await {
                        tracing::error!(error = %e, "scheduled work failed");
                    }
                    retention.run_if_due().await;
                }
                _ = shutdown.changed() => return,
            }
        }
    })
}
