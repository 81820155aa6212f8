//! Personal tickets (one per registration) and how each check-in happened.

use super::StoreResult;
use crate::ids::RegistrationId;
use crate::model::RegistrationRow;
use chrono::{DateTime, Utc};

/// How a person was checked in: their ticket scanned or typed by an organizer, the shared
/// salon code sent by themselves, or an organizer's `/checkin <salon> <user>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckinMethod {
    Ticket,
    Code,
    Manual,
}

impl CheckinMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinMethod::Ticket => "ticket",
            CheckinMethod::Code => "code",
            CheckinMethod::Manual => "manual",
        }
    }
    pub fn parse(s: &str) -> Option<CheckinMethod> {
        match s {
            "ticket" => Some(CheckinMethod::Ticket),
            "code" => Some(CheckinMethod::Code),
            "manual" => Some(CheckinMethod::Manual),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRecord {
    pub method: CheckinMethod,
    /// Who did it: the organizer's account, or the attendee's own.
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[trait_variant::make(Send)]
pub trait TicketTx {
    /// The registration's ticket code (normalized), if it has one.
    async fn ticket_of(&mut self, reg: RegistrationId) -> StoreResult<Option<String>>;
    /// Gives the registration `code`; codes are unique (the store refuses a duplicate).
    async fn ticket_issue(
        &mut self,
        reg: RegistrationId,
        code: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The registration (with its member) whose ticket is `code` (normalized).
    async fn ticket_find(&mut self, code: &str) -> StoreResult<Option<RegistrationRow>>;
    async fn checkin_record(&mut self, reg: RegistrationId, r: &CheckinRecord) -> StoreResult<()>;
    async fn checkin_of(&mut self, reg: RegistrationId) -> StoreResult<Option<CheckinRecord>>;
    /// Salons not cancelled whose check-in is open at `now`: from `opens_before` their start
    /// to their end.
    async fn salons_checking_in(
        &mut self,
        now: DateTime<Utc>,
        opens_before: chrono::Duration,
    ) -> StoreResult<Vec<crate::model::Salon>>;
}
