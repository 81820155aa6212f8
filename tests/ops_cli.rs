//! Operator commands against a running `yunqi serve` child: backup.

use crate::proc_support::*;
use std::os::unix::fs::PermissionsExt;

#[test]
fn backup_runs_beside_a_running_server_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path(), None);
    let out = run(
        dir.path(),
        &["console", "--as", "alice"],
        "/register 1 name=张三 phone=13800001234 position=dev years=5\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = run(dir.path(), &["backup", "copy.db"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("quick_check ok"),
        "{}",
        text(&out.stdout)
    );
    let copy = dir.path().join("copy.db");
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // A second backup to the same file is refused and leaves it as it was.
    let before = std::fs::read(&copy).unwrap();
    let out = run(dir.path(), &["backup", "copy.db"], "");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    server.terminate();

    // Restore: the copy in place of the database, the registration is there.
    std::fs::rename(&copy, dir.path().join("yunqi.db")).unwrap();
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("yunqi.db{suffix}")));
    }
    let out = run(dir.path(), &["export", "salon", "1"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("13800001234"),
        "{}",
        text(&out.stdout)
    );
}
