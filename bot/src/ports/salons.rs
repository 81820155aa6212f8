//! Salons, and registrations with their decisions and reminders.

use super::StoreResult;
use crate::ids::{MemberId, RegistrationId, SalonId, UserRef};
use crate::model::{
    Decision, NewSalon, RegStatus, Registration, RegistrationRow, Salon, SeatCounts,
};
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait SalonTx {
    async fn salon_insert(&mut self, s: &NewSalon) -> StoreResult<SalonId>;
    async fn salon_count(&mut self) -> StoreResult<i64>;
    /// The salon with its seat counts.
    async fn salon_get(&mut self, id: SalonId) -> StoreResult<Option<(Salon, SeatCounts)>>;
    /// Salons that have not started yet, soonest first.
    async fn salons_upcoming(
        &mut self,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<(Salon, SeatCounts)>>;
    async fn salon_set_checkin_code(&mut self, id: SalonId, code: &str) -> StoreResult<()>;
    async fn salon_by_checkin_code(&mut self, code: &str) -> StoreResult<Option<Salon>>;
    /// Ended salons whose no-shows have not been recorded yet.
    async fn salons_ended_unsettled(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Salon>>;
    async fn salon_mark_settled(&mut self, id: SalonId) -> StoreResult<()>;
}

#[trait_variant::make(Send)]
pub trait RegistrationTx {
    async fn registration_latest(
        &mut self,
        salon: SalonId,
        member: MemberId,
    ) -> StoreResult<Option<Registration>>;
    async fn registration_insert(
        &mut self,
        salon: SalonId,
        member: MemberId,
        account: &UserRef,
        status: RegStatus,
        at: DateTime<Utc>,
    ) -> StoreResult<Registration>;
    /// Writes status, offer deadline and reason.
    async fn registration_update(&mut self, r: &Registration) -> StoreResult<()>;
    /// The latest registration of each member in one of `statuses`, oldest first (FIFO).
    async fn registrations(
        &mut self,
        salon: SalonId,
        statuses: &[RegStatus],
    ) -> StoreResult<Vec<RegistrationRow>>;
    async fn offers_expired(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Registration>>;
    async fn no_show_count(&mut self, member: MemberId) -> StoreResult<u32>;
    async fn decision_log(&mut self, d: &Decision) -> StoreResult<()>;
    /// Records that reminder `kind` went out for a registration; `false` if it had already.
    async fn reminder_once(
        &mut self,
        id: RegistrationId,
        kind: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
