//! The dataset's reads return the rows its formulas predict (storage/src/bench.rs), so
//! the timings measure real answers, not empty ones.

use super::*;
use yunqi_bot::ports::MemberTx;

const SMALL: DatasetSize = DatasetSize {
    members: 1_000,
    jobs: 2_000,
    questions: 10_000,
    guests: 20,
};

async fn small() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("d.db").display().to_string();
    let store = SqliteStore::open(&path).await.expect("open");
    ensure_dataset(&store, SMALL).await.expect("dataset");
    (dir, store)
}

fn job_of_call(i: i64) -> i64 {
    i * 7919 % SMALL.jobs + 1
}

/// Public answered questions of `job` by the formulas.
fn faq_expected(job: i64) -> usize {
    (1..=SMALL.questions)
        .filter(|q| q % SMALL.jobs + 1 == job)
        .filter(|q| {
            let t = q / SMALL.jobs;
            t % 2 == 1 && t % 4 != 3
        })
        .count()
}

/// Open jobs tagged `tag{t}`, newest first, as many as `/jobs` shows.
fn tagged_expected(t: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = (1..=SMALL.jobs)
        .filter(|j| (j / 10) % 50 == t && j % 10 < 7)
        .collect();
    ids.reverse();
    ids.truncate(JOBS_SHOWN as usize);
    ids
}

#[tokio::test]
async fn reads_return_the_rows_the_dataset_holds() {
    let (_dir, store) = small().await;
    // Salon 1: 20 guests (members 50, 100, …), k = 9 and 19 cancelled.
    let guests = store.console_guests(1).await.expect("guests");
    assert_eq!(guests.len(), 20);
    assert_eq!(guests[0].user_id, "UD0000050");
    assert_eq!(guests[8].status, "cancelled");
    // No-shows at salon 2 (members 1..=500, every 20th): guests 100, 200, …, 500.
    let no_shows: Vec<&str> = guests
        .iter()
        .filter(|g| g.no_shows == 1)
        .map(|g| g.user_id.as_str())
        .collect();
    assert_eq!(
        no_shows,
        [
            "UD0000100",
            "UD0000200",
            "UD0000300",
            "UD0000400",
            "UD0000500"
        ]
    );
    for i in 0..7 {
        let job = job_of_call(i);
        let want = [
            (Read::WebGuests, 20),
            (Read::Attendees, 18),
            (Read::Applicants, 5),
            (Read::JobsByTag, tagged_expected(i % 50).len()),
            (Read::Faq, faq_expected(job)),
        ];
        for (read, n) in want {
            let (rows, ms) = read.call(&store, SMALL, i).await.expect("read");
            assert_eq!(rows, n, "{read:?} call {i}");
            assert!(ms >= 0.0);
        }
    }
    // The small dataset still exercises each shape: full pages and answered questions.
    assert_eq!(tagged_expected(7).len(), JOBS_SHOWN as usize);
    assert!((0..7).any(|i| faq_expected(job_of_call(i)) > 0));
}

#[tokio::test]
async fn rows_are_the_right_ones() {
    let (_dir, store) = small().await;
    let mut tx = store.begin().await.expect("begin");
    let tag = Tag::parse("tag7").expect("tag");
    let jobs = tx
        .jobs_with_status(JobStatus::Open, Some(&tag), JOBS_SHOWN)
        .await
        .expect("jobs");
    let ids: Vec<i64> = jobs.iter().map(|j| j.id.0).collect();
    assert_eq!(ids, tagged_expected(7));
    assert!(jobs.iter().all(|j| j.draft.tags.contains(&tag)));

    let job = 123;
    let mut members: Vec<i64> = tx
        .applicants(JobId(job))
        .await
        .expect("applicants")
        .iter()
        .map(|a| a.member.id.0)
        .collect();
    members.sort();
    let mut want: Vec<i64> = (0..5)
        .map(|k| (31 * job + 1009 * k) % SMALL.members + 1)
        .collect();
    want.sort();
    assert_eq!(members, want);

    let listed = tx
        .registrations(SalonId(1), &LISTED)
        .await
        .expect("attendees");
    assert!(listed.iter().all(|r| r.reg.salon == SalonId(1)));
    assert!(listed.iter().all(|r| r.reg.status != RegStatus::Cancelled));
    let m = tx
        .member_find(&yunqi_bot::UserRef::new(
            yunqi_bot::Platform::Slack,
            "UD0000999",
        ))
        .await
        .expect("member");
    assert!(m.is_some(), "every member has an account");
    tx.rollback().await.expect("rollback");
}

#[tokio::test]
async fn a_built_dataset_is_reused_not_doubled() {
    let (_dir, store) = small().await;
    let (size, built) = store.bench_dataset(FULL).await.expect("again");
    assert!(!built);
    assert_eq!(size, SMALL);
    assert_eq!(store.console_guests(1).await.expect("guests").len(), 20);
}
