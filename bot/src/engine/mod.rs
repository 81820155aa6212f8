//! The event handler: one inbound event (or a clock tick) in one transaction, producing
//! state changes through the `Tx` port and the messages to send.

mod account;
mod checklist;
mod failed_note;
mod feedback;
mod jobs;
mod jobs_client;
mod jobs_ops;
mod limit;
mod organizer;
mod salon;
mod salon_admin;
mod salon_channels;
mod salon_chat;
mod salon_member;
mod spec_edit;
mod spec_post;
mod stats;
mod threads;
mod tick;
mod ticket;
mod web;

use crate::command::{self, Command, Parsed, Role, Roles};
use crate::dialogue::{self, Dialogue, Step};
use crate::event::{EventKind, Inbound};
use crate::i18n::{Locale, Msg};
use crate::ids::UserRef;
use crate::message::{Outgoing, Recipient, Reply};
use crate::model::{Member, NewSalon};
use crate::ports::{StoreResult, Tx};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Accounts with the organizer role (`[roles] organizers`).
    pub organizers: HashSet<UserRef>,
    /// How long an offered seat waits for `/confirm`.
    pub claim_window: Duration,
    /// Reminders before a salon starts, e.g. 24 h and 2 h.
    pub reminders: Vec<Duration>,
    pub link_code_ttl: Duration,
    pub jobs: JobsConfig,
    pub threads: ThreadsConfig,
    pub web: WebConfig,
    /// Community channels new salons are posted to (`[announce]`).
    pub announce: Vec<Recipient>,
    /// Newly published jobs are posted there too (`[announce] jobs`).
    pub announce_jobs: bool,
    /// Draws `/stats`'s chart (the composition root's; none: text only).
    pub charts: crate::ports::Charts,
}

/// The web console's sign-in links (`/dashboard`).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The base of the link, `[http] public_url`.
    pub public_url: String,
    /// How long a sign-in link works (once).
    pub token_ttl: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            public_url: "http://127.0.0.1:8080".into(),
            token_ttl: Duration::minutes(10),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ThreadsConfig {
    /// First reminder to the client about an unanswered question; then daily, 3 at most.
    pub remind_after: Duration,
    /// Mask phone numbers, e-mail and WeChat/QQ ids in relayed text until a job is assigned.
    pub mask_contacts: bool,
}

impl Default for ThreadsConfig {
    fn default() -> Self {
        ThreadsConfig {
            remind_after: Duration::hours(12),
            mask_contacts: true,
        }
    }
}

#[derive(Debug, Clone)]
pub struct JobsConfig {
    /// Jobs wait for an operator's `/publish` before anyone sees them.
    pub moderation: bool,
    /// Accounts that moderate jobs (`[roles] operators`; organizers may too).
    pub operators: HashSet<UserRef>,
    /// When daily digests go out (`[jobs] digest_cron`, in `timezone`).
    pub digest: cron::Schedule,
    /// Where deadlines, digests and quiet hours are reckoned.
    pub timezone: chrono_tz::Tz,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            moderation: false,
            operators: HashSet::new(),
            digest: DEFAULT_DIGEST
                .parse()
                .unwrap_or_else(|_| unreachable!("a valid constant")),
            timezone: chrono_tz::Asia::Shanghai,
        }
    }
}

/// 09:00 every day (sec min hour day-of-month month day-of-week).
pub const DEFAULT_DIGEST: &str = "0 0 9 * * *";

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            organizers: HashSet::new(),
            claim_window: Duration::hours(12),
            reminders: vec![Duration::hours(24), Duration::hours(2)],
            link_code_ttl: Duration::minutes(10),
            jobs: JobsConfig::default(),
            threads: ThreadsConfig::default(),
            web: WebConfig::default(),
            announce: Vec::new(),
            announce_jobs: false,
            charts: crate::ports::Charts::default(),
        }
    }
}

pub struct Engine {
    pub cfg: EngineConfig,
}

/// What one event is being handled with: who, when, and the messages it causes.
pub(crate) struct Ctx<'e> {
    pub ev: &'e Inbound,
    pub member: Member,
    pub now: DateTime<Utc>,
    pub out: Vec<Outgoing>,
}

impl Ctx<'_> {
    pub fn locale(&self) -> Locale {
        self.member.locale
    }
    fn here(&self) -> Recipient {
        Recipient {
            user: self.ev.user.clone(),
            conversation: self.ev.conversation.clone(),
        }
    }
    /// Answers where the event came from.
    pub fn say(&mut self, m: Msg) {
        let r = Reply::text(m.render(self.locale()));
        self.send_here(r);
    }
    /// Answers in a direct message: personal data is never asked for in a shared channel.
    pub fn say_private(&mut self, m: Msg) {
        let r = Reply::text(m.render(self.locale())).private();
        self.send_here(r);
    }
    pub fn say_thread(&mut self, m: crate::i18n::ThreadMsg) {
        let r = Reply::text(m.render(self.locale()));
        self.send_here(r);
    }
    pub fn say_job(&mut self, m: crate::i18n::JobMsg) {
        let r = Reply::text(m.render(self.locale()));
        self.send_here(r);
    }
    pub fn send_here(&mut self, r: Reply) {
        let to = self.here();
        self.out.push(Outgoing::new(to, r));
    }
    pub fn send(&mut self, to: &UserRef, r: Reply) {
        self.out.push(Outgoing::direct(to, r));
    }
}

impl Engine {
    pub fn new(cfg: EngineConfig) -> Engine {
        Engine { cfg }
    }

    /// Writes the configured salons into an empty database; returns how many.
    pub async fn seed<T: Tx>(&self, tx: &mut T, salons: &[NewSalon]) -> StoreResult<usize> {
        if tx.salon_count().await? > 0 {
            return Ok(0);
        }
        for s in salons {
            tx.salon_insert(s).await?;
        }
        Ok(salons.len())
    }

    /// Sets a user's language (the console's `--locale`), creating the member if new.
    pub async fn set_locale<T: Tx>(
        &self,
        tx: &mut T,
        user: &UserRef,
        locale: Locale,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (mut m, _) = tx.member_for(user, locale, now).await?;
        if m.locale != locale {
            m.locale = locale;
            tx.member_save(&m).await?;
        }
        Ok(())
    }

    /// Handles one event. `Ok` with no messages for a duplicate.
    pub async fn handle<T: Tx>(
        &self,
        tx: &mut T,
        ev: &Inbound,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Outgoing>> {
        Ok(self.handle_once(tx, ev, now).await?.unwrap_or_default())
    }

    /// Handles one event; `None` when its id was seen before (a platform retry).
    pub async fn handle_once<T: Tx>(
        &self,
        tx: &mut T,
        ev: &Inbound,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Vec<Outgoing>>> {
        if let Some(id) = &ev.event_id {
            if !tx.first_sighting(ev.user.platform, id, now).await? {
                return Ok(None);
            }
        }
        self.handle_new(tx, ev, now).await.map(Some)
    }

    async fn handle_new<T: Tx>(
        &self,
        tx: &mut T,
        ev: &Inbound,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Outgoing>> {
        let text = match &ev.kind {
            EventKind::Text(t) | EventKind::Button(t) => t.as_str(),
            EventKind::Joined { .. } => return Ok(Vec::new()),
        };
        let locale = ev.locale_hint.unwrap_or_default();
        let (member, _new) = tx.member_for(&ev.user, locale, now).await?;
        let mut cx = Ctx {
            ev,
            member,
            now,
            out: Vec::new(),
        };
        match command::parse(text) {
            Parsed::Command(Command::Cancel(None)) => self.leave_dialogue(tx, &mut cx).await?,
            Parsed::Command(c) => self.command(tx, &mut cx, c).await?,
            Parsed::Usage(n) => cx.say(Msg::Usage(n)),
            Parsed::Unknown(w) => cx.say(Msg::Unknown(&w)),
            Parsed::NotACommand if self.thread_reply(tx, &mut cx, text).await? => {}
            Parsed::NotACommand => match tx.dialogue_get(&ev.user).await? {
                Some(d) => self.continue_dialogue(tx, &mut cx, d, text).await?,
                // People talk among themselves in shared channels: answer only when spoken to.
                None if ev.conversation.is_some() => {}
                None => cx.say(Msg::Chatter),
            },
        }
        Ok(cx.out)
    }

    async fn command<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>, c: Command) -> StoreResult<()> {
        match c.name().role() {
            Role::Organizer if !self.is_organizer(tx, cx).await? => {
                cx.say(Msg::OrganizerOnly);
                return Ok(());
            }
            Role::Operator if !self.is_operator(tx, cx).await? => {
                cx.say(Msg::OperatorOnly);
                return Ok(());
            }
            _ => {}
        }
        match c {
            Command::Help => {
                let roles = self.roles(tx, cx).await?;
                // Each part fits one WeCom message.
                for part in crate::i18n::help_parts(roles, cx.locale()) {
                    cx.send_here(Reply::text(part));
                }
            }
            Command::Lang(l) => {
                cx.member.locale = l;
                tx.member_save(&cx.member).await?;
                cx.say(Msg::LangSet);
            }
            Command::Salons => self.list_salons(tx, cx).await?,
            Command::Salon(id) => self.show_salon(tx, cx, id).await?,
            Command::Register { salon, fields } => self.register(tx, cx, salon, &fields).await?,
            Command::Cancel(Some(id)) => self.cancel(tx, cx, id).await?,
            Command::Cancel(None) => self.leave_dialogue(tx, cx).await?,
            Command::Confirm(id) => self.confirm(tx, cx, id).await?,
            Command::Ticket(id) => self.ticket(tx, cx, id).await?,
            Command::CheckIn(code) => self.check_in(tx, cx, &code).await?,
            Command::CheckInUser { salon, user } => {
                if self.is_organizer(tx, cx).await? {
                    self.check_in_user(tx, cx, salon, &user).await?
                } else {
                    cx.say(Msg::OrganizerOnly)
                }
            }
            Command::Profile(fields) => self.profile(tx, cx, &fields).await?,
            Command::Link(code) => self.link(tx, cx, code.as_deref()).await?,
            Command::LinkConfirm(token) => self.link_confirm(tx, cx, &token).await?,
            Command::Whoami => self.whoami(tx, cx).await?,
            Command::Pending(id) => self.pending(tx, cx, id).await?,
            Command::Approve { salon, who } => self.approve(tx, cx, salon, who).await?,
            Command::Reject {
                salon,
                user,
                reason,
            } => self.reject(tx, cx, salon, &user, reason).await?,
            Command::CheckinCode(id) => self.checkin_code(tx, cx, id).await?,
            Command::Attendees(id) => self.attendees(tx, cx, id).await?,
            Command::Post(fields) => self.post(tx, cx, &fields).await?,
            Command::MyJobs => self.my_jobs(tx, cx).await?,
            Command::Applicants(id) => self.list_applicants(tx, cx, id).await?,
            Command::Assign { job, user } => self.assign(tx, cx, job, &user).await?,
            Command::Accept(id) => self.accept(tx, cx, id).await?,
            Command::Close(id) => self.close_job(tx, cx, id).await?,
            Command::Jobs(tag) => self.list_jobs(tx, cx, tag.as_deref()).await?,
            Command::Job(id) => self.show_job(tx, cx, id).await?,
            Command::Subscribe(tags) => self.subscribe(tx, cx, &tags).await?,
            Command::Unsubscribe(tags) => self.unsubscribe(tx, cx, &tags).await?,
            Command::Digest(mode) => self.set_digest(tx, cx, mode).await?,
            Command::Quiet(q) => self.set_quiet(tx, cx, q).await?,
            Command::Apply { job, pitch } => self.apply(tx, cx, job, &pitch).await?,
            Command::Deliver(id) => self.deliver(tx, cx, id).await?,
            Command::Moderate => self.moderation_queue(tx, cx).await?,
            Command::Publish(id) => self.publish(tx, cx, id).await?,
            Command::Decline { job, reason } => self.decline(tx, cx, job, &reason).await?,
            Command::Ask { job, private, text } => self.ask(tx, cx, job, private, &text).await?,
            Command::Answer { question, text } => self.answer(tx, cx, question, text).await?,
            Command::Faq(job) => self.faq(tx, cx, job).await?,
            Command::Spec { job, version } => self.spec(tx, cx, job, version).await?,
            Command::Questions => self.open_questions(tx, cx).await?,
            Command::Follow(job) => self.follow(tx, cx, job, true).await?,
            Command::Unfollow(job) => self.follow(tx, cx, job, false).await?,
            Command::AcceptItem { job, item } => self.accept_item(tx, cx, job, item).await?,
            Command::DeliverItem {
                job,
                item,
                evidence,
            } => self.deliver_item(tx, cx, job, item, evidence).await?,
            Command::RejectItem { job, item, reason } => {
                self.reject_item(tx, cx, job, item, &reason).await?
            }
            Command::Dispute { job, reason } => self.dispute(tx, cx, job, &reason).await?,
            Command::Resolve { job, how, note } => self.resolve(tx, cx, job, how, &note).await?,
            Command::SpecEdit { job, fields } => self.spec_edit(tx, cx, job, &fields).await?,
            Command::Dashboard => self.dashboard(tx, cx).await?,
            Command::SalonsAll => self.salons_all(tx, cx).await?,
            Command::NewSalon { copy, fields } => self.new_salon_cmd(tx, cx, copy, &fields).await?,
            Command::EditSalon { salon, fields } => {
                self.edit_salon_cmd(tx, cx, salon, &fields).await?
            }
            Command::CancelSalon { salon, reason } => {
                self.cancel_salon_cmd(tx, cx, salon, &reason).await?
            }
            Command::CloseSalon(id) => self.open_salon_cmd(tx, cx, id, false).await?,
            Command::OpenSalon(id) => self.open_salon_cmd(tx, cx, id, true).await?,
            Command::Announce { salon, all, text } => {
                self.announce(tx, cx, salon, all, &text).await?
            }
            Command::Mine => self.mine(tx, cx).await?,
            Command::Grant { role, user } => self.grant(tx, cx, role, &user, true).await?,
            Command::Revoke { role, user } => self.grant(tx, cx, role, &user, false).await?,
            Command::Feedback { salon, rating } => self.feedback_cmd(tx, cx, salon, rating).await?,
            Command::Stats(id) => self.stats(tx, cx, id).await?,
        }
        Ok(())
    }

    async fn leave_dialogue<T: Tx>(&self, tx: &mut T, cx: &mut Ctx<'_>) -> StoreResult<()> {
        if tx.dialogue_get(&cx.ev.user).await?.is_some() {
            tx.dialogue_delete(&cx.ev.user).await?;
            cx.say(Msg::DialogueCancelled);
        } else {
            cx.say(Msg::NoDialogue);
        }
        Ok(())
    }

    async fn continue_dialogue<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        d: Dialogue,
        input: &str,
    ) -> StoreResult<()> {
        let step = dialogue::step(d, input, self.today(cx.now));
        self.apply_step(tx, cx, step).await
    }

    /// Stores the dialogue's next state (or ends it) and acts on a finished one.
    pub(crate) async fn apply_step<T: Tx>(
        &self,
        tx: &mut T,
        cx: &mut Ctx<'_>,
        step: Step,
    ) -> StoreResult<()> {
        match step {
            Step::Ask {
                state,
                field,
                error,
            } => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                match error {
                    Some(why) => cx.say_private(Msg::InvalidAnswer { field, why }),
                    None => cx.say_private(Msg::Ask(field)),
                }
            }
            Step::AskReason(state) => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                match &state {
                    Dialogue::RejectReason { user, .. } => {
                        cx.say(Msg::RejectAskReason(&user.to_string()))
                    }
                    Dialogue::Answer { question } => {
                        if let Some(q) = tx.question_get(*question).await? {
                            cx.say_thread(crate::i18n::ThreadMsg::AskAnswer(&q));
                        }
                    }
                    _ => {}
                }
            }
            Step::AnswerDone { question, text } => {
                tx.dialogue_delete(&cx.ev.user).await?;
                self.answer(tx, cx, question, Some(text)).await?;
            }
            Step::RegisterDone { salon, answers } => {
                tx.dialogue_delete(&cx.ev.user).await?;
                self.complete_registration(tx, cx, salon, answers).await?;
            }
            Step::AskJob {
                state,
                field,
                error,
            } => {
                tx.dialogue_put(&cx.ev.user, &state, cx.now).await?;
                match error {
                    Some(why) => cx.say_job(crate::i18n::JobMsg::Invalid { field, why }),
                    None => cx.say_job(crate::i18n::JobMsg::Ask(field)),
                }
            }
            Step::PostDone(draft) => {
                tx.dialogue_delete(&cx.ev.user).await?;
                self.finish_post(tx, cx, draft, None).await?;
            }
            s @ (Step::AskSpec { .. }
            | Step::SpecReview { .. }
            | Step::SpecDone(_)
            | Step::Evidence { .. }) => self.spec_step(tx, cx, s).await?,
            Step::RejectDone {
                salon,
                user,
                reason,
            } => {
                tx.dialogue_delete(&cx.ev.user).await?;
                self.reject_user(tx, cx, salon, &user, &reason).await?;
            }
            s @ (Step::AskSalon { .. } | Step::SalonDone(_)) => {
                self.apply_salon_step(tx, cx, s).await?
            }
            Step::Feedback(s) => self.feedback_step(tx, cx, s).await?,
        }
        Ok(())
    }

    pub(crate) async fn is_organizer<T: Tx>(&self, tx: &mut T, cx: &Ctx<'_>) -> StoreResult<bool> {
        // A linked account carries the role of any of the member's accounts.
        if self.is_config_organizer(tx, cx).await? {
            return Ok(true);
        }
        // Granted in chat (`/grant organizer`).
        self.has_granted(tx, cx, crate::ports::GrantedRole::Organizer)
            .await
    }

    pub(crate) async fn roles<T: Tx>(&self, tx: &mut T, cx: &Ctx<'_>) -> StoreResult<Roles> {
        Ok(Roles {
            organizer: self.is_organizer(tx, cx).await?,
            operator: self.is_operator(tx, cx).await?,
        })
    }

    /// Organizer accounts with their language, for notifications.
    pub(crate) async fn organizers<T: Tx>(
        &self,
        tx: &mut T,
    ) -> StoreResult<Vec<(UserRef, Locale)>> {
        let mut out = Vec::with_capacity(self.cfg.organizers.len());
        let mut orgs: Vec<UserRef> = self.cfg.organizers.iter().cloned().collect();
        orgs.sort();
        // Organizers granted in chat (`/grant organizer`) hear it too.
        for g in tx
            .role_holders(crate::ports::GrantedRole::Organizer)
            .await?
        {
            if !orgs.contains(&g) {
                orgs.push(g);
            }
        }
        for o in orgs {
            let locale = tx
                .member_find(&o)
                .await?
                .map(|m| m.locale)
                .unwrap_or_default();
            out.push((o, locale));
        }
        Ok(out)
    }
}

/// A member's language (the default when the member is unknown).
pub(crate) async fn locale_of<T: Tx>(
    tx: &mut T,
    member: crate::ids::MemberId,
) -> StoreResult<Locale> {
    Ok(tx
        .member_get(member)
        .await?
        .map(|m| m.locale)
        .unwrap_or_default())
}

/// Whether `job` may move to `to`; if not, says why.
pub(crate) fn may_become(
    cx: &mut Ctx<'_>,
    job: &crate::job::Job,
    to: crate::job::JobStatus,
) -> bool {
    let ok = job.status.can_become(to);
    if !ok {
        cx.say_job(crate::i18n::JobMsg::Illegal { job, to });
    }
    ok
}
