use anyhow::{Context, Result};
use clap::Parser;
use std::io::IsTerminal;
use std::sync::Arc;
use tokio::sync::watch;
use yunqi::app::{configure, App};
use yunqi::cli::{Cli, Command, Export};
use yunqi::{console, export, http, telemetry};
use yunqi_bot::ports::Outbound;
use yunqi_bot::{Locale, Platform, UserRef};
use yunqi_storage::SqliteStore;

fn main() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> Result<()> {
    let (settings, table) = configure(cli.config.as_deref(), cli.db.as_deref())?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            telemetry::init("info");
            let store = SqliteStore::open(&settings.storage.url).await?;
            store.close().await;
            tracing::info!(url = %settings.storage.url, "migrations applied");
            Ok(())
        }
        Command::Export { what: Export::Salon { id } } => {
            telemetry::init("warn");
            let store = SqliteStore::open(&settings.storage.url).await?;
            let rows = store.export_salon(id).await?;
            let mut out = std::io::stdout().lock();
            export::write_salon(&mut out, &rows)?;
            Ok(())
        }
        Command::Console { user, locale } => {
            telemetry::init("warn");
            let app = App::open_default(settings, table).await?;
            if let Some(l) = locale.as_deref().and_then(Locale::parse) {
                app.core.set_locale(UserRef::new(Platform::Console, &user), l).await?;
            }
            let (stop, stopped) = watch::channel(false);
            let out = console::adapter(&user, &app.settings.console.files_dir);
            let delivered = out.delivered();
            let lanes = app.spawn_dispatcher(vec![out as Arc<dyn Outbound>], stopped.clone());
            let ticker = app.spawn_scheduler(stopped);
            console::chat(&app.core, &user, &delivered).await?;
            let _ = stop.send(true);
            for l in lanes {
                let _ = l.await;
            }
            let _ = ticker.await;
            app.close().await;
            Ok(())
        }
        Command::Serve => serve(settings, table).await,
    }
}

async fn serve(settings: yunqi::settings::Settings, table: toml::Table) -> Result<()> {
    let attach = std::io::stdin().is_terminal();
    telemetry::init(if attach { "warn" } else { "info" });
    let app = App::open_default(settings, table).await?;
    let (stop, stopped) = watch::channel(false);

    let wired = yunqi::platforms::wire(&app, stopped.clone()).await?;
    if !wired.on.is_empty() {
        tracing::info!(platforms = ?wired.on, "adapters on");
    }
    let mut adapters: Vec<Arc<dyn Outbound>> = wired.outbounds;
    let console_user = app.settings.console.user.clone();
    let console_out = attach.then(|| console::adapter(&console_user, &app.settings.console.files_dir));
    if let Some(c) = &console_out {
        adapters.push(c.clone());
    }
    let lanes = app.spawn_dispatcher(adapters, stopped.clone());
    let ticker = app.spawn_scheduler(stopped.clone());

    let router = http::router(http::HttpState { store: app.store.clone() }, wired.router);
    let listener = tokio::net::TcpListener::bind(&app.settings.http.bind).await.with_context(|| format!("binding {}", app.settings.http.bind))?;
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let mut http_stop = stopped.clone();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = http_stop.changed().await;
            })
            .await
    });

    if let Some(c) = console_out {
        let delivered = c.delivered();
        eprintln!("yunqi-bot 已启动 / started — 以 {console_user} 身份聊天，/help 查看命令，/quit 退出 / chatting as {console_user}: /help for commands, /quit to leave");
        tokio::select! {
            r = console::chat(&app.core, &console_user, &delivered) => r?,
            _ = shutdown_signal() => {}
        }
    } else {
        shutdown_signal().await;
    }
    tracing::info!("shutting down");
    let _ = stop.send(true);
    let _ = server.await;
    for l in lanes {
        let _ = l.await;
    }
    let _ = ticker.await;
    for t in wired.tasks {
        let _ = t.await;
    }
    app.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
