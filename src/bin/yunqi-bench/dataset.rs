//! `--dataset`: builds (once) a database of 100,000 members, 10,000 jobs and 100,000
//! questions (`SqliteStore::bench_dataset`, the formulas are in its module doc), then times
//! the reads behind the organizer's guest list and `/applicants`, `/jobs <tag>`, `/faq`,
//! in-process, one read per call on a fresh transaction (the read is timed, not BEGIN).

use anyhow::{ensure, Result};
use std::time::Instant;
use yunqi_bot::ids::SalonId;
use yunqi_bot::job::{JobId, JobStatus};
use yunqi_bot::model::RegStatus;
use yunqi_bot::ports::{JobTx, RegistrationTx, Store, ThreadTx, Tx};
use yunqi_bot::tag::Tag;
use yunqi_storage::{DatasetSize, SqliteStore};

pub const FULL: DatasetSize = DatasetSize {
    members: 100_000,
    jobs: 10_000,
    questions: 100_000,
    guests: 200,
};

/// The statuses `/attendees` lists (engine/organizer.rs).
pub const LISTED: [RegStatus; 5] = [
    RegStatus::Approved,
    RegStatus::CheckedIn,
    RegStatus::Offered,
    RegStatus::Waitlisted,
    RegStatus::Pending,
];

/// `/jobs` shows this many (engine/jobs.rs `LIST_LIMIT`).
pub const JOBS_SHOWN: u32 = 20;

/// The reads, each returning how many rows it got (so an empty answer shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `/admin/salons/<id>`: the web console's guest list.
    WebGuests,
    /// `/attendees <salon>`: the organizer's list in chat.
    Attendees,
    Applicants,
    JobsByTag,
    Faq,
}

impl Read {
    pub const ALL: [Read; 5] = [
        Read::WebGuests,
        Read::Attendees,
        Read::Applicants,
        Read::JobsByTag,
        Read::Faq,
    ];

    fn label(self) -> &'static str {
        match self {
            Read::WebGuests => "guest list (web /admin/salons/1)",
            Read::Attendees => "guest list (/attendees 1)",
            Read::Applicants => "/applicants <job>",
            Read::JobsByTag => "/jobs <tag>",
            Read::Faq => "/faq <job>",
        }
    }

    /// Call `i` of this read: jobs and tags vary with `i`. Returns rows and the time of the
    /// read alone, in ms.
    pub async fn call(
        self,
        store: &SqliteStore,
        size: DatasetSize,
        i: i64,
    ) -> Result<(usize, f64)> {
        let job = JobId(i * 7919 % size.jobs + 1);
        let mut tx = store.begin().await?;
        let t = Instant::now();
        let rows = match self {
            Read::WebGuests => store.console_guests(1).await?.len(),
            Read::Attendees => tx.registrations(SalonId(1), &LISTED).await?.len(),
            Read::Applicants => tx.applicants(job).await?.len(),
            Read::JobsByTag => {
                let tag = Tag::parse(&format!("tag{}", i % 50))
                    .map_err(|e| anyhow::anyhow!("tag: {e:?}"))?;
                tx.jobs_with_status(JobStatus::Open, Some(&tag), JOBS_SHOWN)
                    .await?
                    .len()
            }
            // What `/faq` shows: public answered questions (engine/threads.rs).
            Read::Faq => tx
                .questions_of_job(job)
                .await?
                .iter()
                .filter(|q| !q.q.private && q.answer.is_some())
                .count(),
        };
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        tx.rollback().await?;
        Ok((rows, ms))
    }
}

/// Builds the dataset in `store` if it is not there yet; returns its size.
pub async fn ensure_dataset(store: &SqliteStore, size: DatasetSize) -> Result<DatasetSize> {
    let t = Instant::now();
    let (size, built) = store.bench_dataset(size).await?;
    if built {
        println!(
            "dataset built       {} members, {} jobs, {} questions, {} guests in {:.1} s",
            size.members,
            size.jobs,
            size.questions,
            size.guests,
            t.elapsed().as_secs_f64()
        );
    } else {
        println!(
            "dataset reused      {} members, {} jobs, {} questions, {} guests",
            size.members, size.jobs, size.questions, size.guests
        );
    }
    Ok(size)
}

pub async fn run(store: &SqliteStore, path: &str, calls: usize) -> Result<()> {
    ensure!(calls > 0, "--calls must be positive");
    let size = ensure_dataset(store, FULL).await?;
    println!("yunqi-bench --dataset: reads in-process on {path}, {calls} calls each");
    println!(
        "  {:<34} {:>6} {:>9} {:>9} {:>9}",
        "read", "rows", "p50 ms", "p99 ms", "max ms"
    );
    for read in Read::ALL {
        // One warm-up call: the first one pays for statement preparation and cold pages.
        read.call(store, size, 0).await?;
        let mut lat = Vec::with_capacity(calls);
        let mut rows = 0;
        for i in 0..calls {
            let (n, ms) = read.call(store, size, i as i64).await?;
            rows += n;
            lat.push(ms);
        }
        lat.sort_by(f64::total_cmp);
        println!(
            "  {:<34} {:>6.0} {:>9.3} {:>9.3} {:>9.3}",
            read.label(),
            rows as f64 / calls as f64,
            super::pct(&lat, 0.5),
            super::pct(&lat, 0.99),
            super::pct(&lat, 1.0)
        );
    }
    println!("  (rows: the mean per call)");
    Ok(())
}

#[cfg(test)]
#[path = "dataset_tests.rs"]
mod tests;
