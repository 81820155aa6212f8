use anyhow::{Context, Result};
use clap::Parser;
use std::io::IsTerminal;
use std::sync::Arc;
use tokio::sync::watch;
use yunqi::app::{configure, App};
use yunqi::cli::{Cli, Command, Export, SalonCmd};
use yunqi::server::{Options, Running};
use yunqi::{console, export, ops, telemetry};
use yunqi_bot::ports::Outbound;
use yunqi_bot::{Locale, Platform, UserRef};
use yunqi_storage::{AppStore, Backend, PgStore, SqliteStore};

fn main() -> Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> Result<()> {
    let (settings, table) = configure(cli.config.as_deref(), cli.db.as_deref())?;
    telemetry::configure(settings.log.json()?, settings.warnings.clone());
    let command = cli.command.unwrap_or(Command::Serve);
    // One program, compiled for each backend; the URL picks which one runs.
    match Backend::of(&settings.storage.url) {
        Backend::Sqlite => run_on::<SqliteStore>(command, settings, table).await,
        Backend::Postgres => run_on::<PgStore>(command, settings, table).await,
    }
}

async fn run_on<S: AppStore>(
    command: Command,
    settings: yunqi::settings::Settings,
    table: toml::Table,
) -> Result<()> {
    match command {
        Command::Migrate => {
            telemetry::init("info");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            store.close().await;
            tracing::info!(backend = ?S::BACKEND, "migrations applied");
            Ok(())
        }
        Command::Export {
            what: Export::Salon { id },
        } => {
            telemetry::init("warn");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            let rows = store.export_salon(id).await?;
            let mut out = std::io::stdout().lock();
            export::write_salon(&mut out, &rows)?;
            Ok(())
        }
        Command::Export {
            what: Export::Feedback { id },
        } => {
            telemetry::init("warn");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            let rows = store.export_feedback(id).await?;
            let mut out = std::io::stdout().lock();
            export::write_feedback(&mut out, &rows)?;
            Ok(())
        }
        Command::Export { what: Export::Jobs } => {
            telemetry::init("warn");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            let rows = store.export_jobs().await?;
            let mut out = std::io::stdout().lock();
            export::write_jobs(&mut out, &rows)?;
            Ok(())
        }
        Command::Export {
            what: Export::Spec { id, locale },
        } => {
            telemetry::init("warn");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            let l = locale
                .as_deref()
                .and_then(Locale::parse)
                .unwrap_or_default();
            let md = store
                .export_spec(id, l)
                .await?
                .with_context(|| format!("no job {id}"))?;
            use std::io::Write;
            std::io::stdout().lock().write_all(md.as_bytes())?;
            Ok(())
        }
        Command::Console { user, locale } => {
            telemetry::init("warn");
            let app = App::<S>::open_default(settings, table).await?;
            if let Some(l) = locale.as_deref().and_then(Locale::parse) {
                app.core
                    .set_locale(UserRef::new(Platform::Console, &user), l)
                    .await?;
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
        Command::Outbox { what } => {
            telemetry::init("warn");
            ops::outbox::<S>(&settings, what).await
        }
        Command::Copy { from, to } => {
            telemetry::init("warn");
            yunqi::db::copy(&from, &to).await
        }
        Command::Backup { file } => {
            telemetry::init("warn");
            ops::backup(&settings, &file).await
        }
        Command::Wecom {
            what: yunqi::cli::WecomCmd::Menu { print },
        } => {
            telemetry::init("warn");
            yunqi::wecom_cli::menu(&table, print).await
        }
        Command::Salon {
            what: SalonCmd::List,
        } => {
            telemetry::init("warn");
            let store = yunqi::db::open::<S>(&settings.storage.url).await?;
            yunqi::salon_cli::list(&store).await?;
            store.close().await;
            Ok(())
        }
        Command::Salon {
            what: SalonCmd::Add { file },
        } => {
            telemetry::init("warn");
            let app = App::<S>::open_default(settings, table).await?;
            let done = yunqi::salon_cli::add(&app, &file).await;
            app.close().await;
            done
        }
        Command::Serve => serve::<S>(settings, table).await,
    }
}

async fn serve<S: AppStore>(settings: yunqi::settings::Settings, table: toml::Table) -> Result<()> {
    let attach = std::io::stdin().is_terminal();
    telemetry::init(if attach { "warn" } else { "info" });
    // Before anything opens the database: a second server would deliver everything twice.
    let _lock = yunqi::serve_lock::acquire(&settings.storage.url)?;
    let app = App::<S>::open_default(settings, table).await?;
    let console_user = app.settings.console.user.clone();
    let console_out =
        attach.then(|| console::adapter(&console_user, &app.settings.console.files_dir));
    let mut opts = Options::default();
    if let Some(c) = &console_out {
        opts.extra_outbounds.push(c.clone() as Arc<dyn Outbound>);
    }
    let listener = tokio::net::TcpListener::bind(&app.settings.http.bind)
        .await
        .with_context(|| format!("binding {}", app.settings.http.bind))?;
    let running = Running::start(&app, listener, opts).await?;
    tracing::info!(addr = %running.addr, platforms = ?running.platforms, "listening");
    if let Some(c) = console_out {
        let delivered = c.delivered();
        eprintln!("yunqi-bot 已启动 / started — http://{} — 以 {console_user} 身份聊天，/help 查看命令，/quit 退出 / chatting as {console_user}: /help for commands, /quit to leave", running.addr);
        tokio::select! {
            r = console::chat(&app.core, &console_user, &delivered) => r?,
            _ = shutdown_signal() => {}
        }
    } else {
        shutdown_signal().await;
    }
    tracing::info!("shutting down");
    running.shutdown().await;
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
