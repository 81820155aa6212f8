//! `yunqi serve` as the benchmarks start it (`yunqi-bench --startup`, `yunqi-load`): the
//! given config and database, bound to a loopback port, its log in `log` at `RUST_LOG` or
//! `level`. Callers add their platform's variables and spawn it.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

pub fn serve(bin: &Path, config: &Path, db: &str, port: u16, log: File, level: &str) -> Command {
    let mut c = Command::new(bin);
    c.arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .arg("serve")
        .env("YUNQI_HTTP__BIND", format!("127.0.0.1:{port}"))
        .env(
            "RUST_LOG",
            std::env::var("RUST_LOG").unwrap_or_else(|_| level.into()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    c
}
