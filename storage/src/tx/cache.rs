//! What one transaction has read and what it has yet to write. Safe because a domain
//! transaction is `BEGIN IMMEDIATE`: nobody else writes the file until it ends.

use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashSet};
use std::collections::BTreeMap;
use yunqi_bot::dialogue::Dialogue;
use yunqi_bot::ids::{MemberId, Platform, RegistrationId, SalonId, UserRef};
use yunqi_bot::message::Outgoing;
use yunqi_bot::model::{Decision, Member, Registration, Salon, SeatCounts};

#[derive(Default)]
pub struct Cache {
    /// Account → member; `None` = known not to exist.
    pub accounts: HashMap<UserRef, Option<MemberId>>,
    pub members: HashMap<MemberId, Member>,
    pub salons: HashMap<SalonId, (Salon, SeatCounts)>,
    /// Latest registration per (salon, member); `None` = known to have none.
    pub latest: HashMap<(SalonId, MemberId), Option<Registration>>,
    pub dialogues: HashMap<UserRef, Option<Dialogue>>,
    /// Event ids known to be in the database (or recorded by this transaction).
    pub seen: HashSet<(Platform, String)>,
    /// Event ids the prefetch looked up: absent from `seen` means new.
    pub looked_up: HashSet<(Platform, String)>,
    /// Members created in this transaction: no registrations, no no-shows.
    pub new_members: HashSet<MemberId>,
    /// Accounts holding a role granted in chat, by role (`roles` table).
    pub role_holders: HashMap<&'static str, Vec<UserRef>>,
    pub next_member: Option<i64>,
    pub next_registration: Option<i64>,
    /// Ticket code per registration; `None` = known to have none.
    pub tickets: HashMap<RegistrationId, Option<String>>,
    pub w: Writes,
}

/// Writes not yet sent to the database; `flush` sends each table's as one statement.
#[derive(Default)]
pub struct Writes {
    pub seen: Vec<(Platform, String, i64)>,
    /// Members to insert or update (full rows from the cache).
    pub members: BTreeMap<MemberId, i64>,
    pub accounts: Vec<(UserRef, MemberId, i64)>,
    /// Registrations not in the database yet.
    pub new_regs: BTreeMap<RegistrationId, Registration>,
    /// Registrations in the database with a changed status, deadline or reason.
    pub changed_regs: BTreeMap<RegistrationId, Registration>,
    pub decisions: Vec<Decision>,
    pub dialogues: BTreeMap<UserRef, (Option<Dialogue>, i64)>,
    pub outbox: Vec<Outgoing>,
    /// When the buffered messages were queued (one transaction, one clock reading).
    pub outbox_at: Option<DateTime<Utc>>,
    /// Tickets to insert: registration, code, issued at (ms).
    pub tickets: Vec<(RegistrationId, String, i64)>,
}

impl Writes {
    /// Buffered registration rows: the salons' seat counts (kept by triggers) lag them.
    pub fn moves_seats(&self) -> bool {
        !self.new_regs.is_empty() || !self.changed_regs.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
            && self.members.is_empty()
            && self.accounts.is_empty()
            && self.new_regs.is_empty()
            && self.changed_regs.is_empty()
            && self.decisions.is_empty()
            && self.dialogues.is_empty()
            && self.outbox.is_empty()
            && self.tickets.is_empty()
    }
}
