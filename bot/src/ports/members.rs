//! Members and their accounts, account-link codes and dialogue state.

use super::StoreResult;
use crate::dialogue::Dialogue;
use crate::ids::{MemberId, UserRef};
use crate::model::Member;
use crate::Locale;
use chrono::{DateTime, Utc};

#[trait_variant::make(Send)]
pub trait MemberTx {
    /// The member behind an account, created (with `locale`) on first contact; `true` if new.
    async fn member_for(
        &mut self,
        user: &UserRef,
        locale: Locale,
        at: DateTime<Utc>,
    ) -> StoreResult<(Member, bool)>;
    async fn member_find(&mut self, user: &UserRef) -> StoreResult<Option<Member>>;
    async fn member_get(&mut self, id: MemberId) -> StoreResult<Option<Member>>;
    async fn member_save(&mut self, m: &Member) -> StoreResult<()>;
    async fn member_accounts(&mut self, id: MemberId) -> StoreResult<Vec<UserRef>>;
    /// Moves every account and registration of `from` to `into`; `from` is removed.
    async fn member_merge(&mut self, from: MemberId, into: MemberId) -> StoreResult<()>;
    /// Stores `member`'s code (replacing its own older one); `false`, storing nothing, when
    /// another member holds the same live code (draw a new one).
    async fn link_code_put(
        &mut self,
        code: &str,
        member: MemberId,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Takes a code once; `None` when unknown or expired.
    async fn link_code_take(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<MemberId>>;
    /// A link `(into, from, confirmer)` waiting for `confirmer`'s token; `false` when the
    /// token is taken (draw a new one).
    async fn link_pending_put(
        &mut self,
        token: &str,
        link: (MemberId, MemberId, MemberId),
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Takes a pending link `(into, from)` once, only for its confirming member; `None`
    /// when unknown, someone else's or expired.
    async fn link_pending_take(
        &mut self,
        token: &str,
        confirmer: MemberId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<(MemberId, MemberId)>>;

    async fn dialogue_get(&mut self, user: &UserRef) -> StoreResult<Option<Dialogue>>;
    async fn dialogue_put(
        &mut self,
        user: &UserRef,
        d: &Dialogue,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn dialogue_delete(&mut self, user: &UserRef) -> StoreResult<()>;
}
