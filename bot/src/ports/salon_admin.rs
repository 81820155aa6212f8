//! Salons as a series: created and changed at runtime, with their audit; roles granted
//! in chat; a member's own registrations.

use super::StoreResult;
use crate::ids::{MemberId, SalonId, UserRef};
use crate::job::Job;
use crate::model::{NewSalon, Registration, Salon, SeatCounts};
use chrono::{DateTime, Utc};

/// One organizer action on a salon. Never updated, only appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalonAudit {
    pub salon: SalonId,
    pub actor: String,
    /// `create`, `edit`, `cancel`, `close`, `open`, `announce`.
    pub action: String,
    /// What changed (`start: … → …`), the reason, or the count.
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// A role given in chat with `/grant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantedRole {
    Organizer,
    Operator,
    Client,
}

impl GrantedRole {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantedRole::Organizer => "organizer",
            GrantedRole::Operator => "operator",
            GrantedRole::Client => "client",
        }
    }
    pub fn parse(s: &str) -> Option<GrantedRole> {
        match s.to_lowercase().as_str() {
            "organizer" | "组织者" => Some(GrantedRole::Organizer),
            "operator" | "运营" => Some(GrantedRole::Operator),
            "client" | "需求方" | "客户" => Some(GrantedRole::Client),
            _ => None,
        }
    }
}

#[trait_variant::make(Send)]
pub trait SalonAdminTx {
    /// A new salon; its id follows the highest one. `key` names a config entry.
    async fn salon_create(&mut self, s: &NewSalon, key: Option<&str>) -> StoreResult<SalonId>;
    async fn salon_key_exists(&mut self, key: &str) -> StoreResult<bool>;
    /// Writes every field of the salon (info, status, closing time, sequence).
    async fn salon_save(&mut self, s: &Salon) -> StoreResult<()>;
    /// Every salon, soonest first, with seat counts.
    async fn salons_all(&mut self) -> StoreResult<Vec<(Salon, SeatCounts)>>;
    async fn salon_audit(&mut self, a: &SalonAudit) -> StoreResult<()>;
    async fn salon_audit_of(&mut self, salon: SalonId) -> StoreResult<Vec<SalonAudit>>;
    /// The member's latest registration per salon, newest salon first.
    async fn registrations_of(&mut self, member: MemberId) -> StoreResult<Vec<Registration>>;
    /// Jobs the member applied to, newest first.
    async fn applications_of(&mut self, member: MemberId) -> StoreResult<Vec<Job>>;
    async fn role_granted(&mut self, user: &UserRef, role: GrantedRole) -> StoreResult<bool>;
    /// Every role granted to any of these accounts.
    async fn roles_granted(&mut self, users: &[UserRef]) -> StoreResult<Vec<GrantedRole>>;
    /// Every account holding `role` by a grant in chat.
    async fn role_holders(&mut self, role: GrantedRole) -> StoreResult<Vec<UserRef>>;
    /// Grants (`true`) or revokes (`false`) and audits it; `false` when nothing changed.
    async fn role_set(
        &mut self,
        user: &UserRef,
        role: GrantedRole,
        grant: bool,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
