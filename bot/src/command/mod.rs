//! Text → command. Every platform delivers commands as text (slash commands, buttons whose
//! payload is a command, plain messages), so this is the one parser for all of them.

mod args;
mod salon_args;
mod table;

use crate::ids::{Locale, SalonId};
use crate::job::{DigestMode, JobId, Quiet};
use crate::thread::QuestionId;
pub use args::tokenize;
use args::Args;
pub use table::{Name, Spec, TABLE};

/// Raw `key=value` profile fields given inline; validated later by the domain types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileFields {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub years: Option<String>,
    pub skills: Option<String>,
}

/// Raw inline job fields (`/post title="…" …`), validated by the job types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFields {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<String>,
    pub budget: Option<String>,
    pub deadline: Option<String>,
    pub acceptance: Option<String>,
    /// `kind=web` and spec sections (`goal="…"`, `scope_in="…"`), in the order given.
    pub spec: Vec<(String, String)>,
}

impl ProfileFields {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.phone.is_none()
            && self.position.is_none()
            && self.years.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    All,
    Users(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Lang(Locale),
    Salons,
    Salon(SalonId),
    Register {
        salon: SalonId,
        fields: ProfileFields,
    },
    /// `/cancel` alone leaves a running dialogue.
    Cancel(Option<SalonId>),
    Confirm(SalonId),
    /// `/ticket <salon>`: one's ticket again.
    Ticket(SalonId),
    CheckIn(String),
    /// Organizer check-in by name: `/checkin <salon> <user>`.
    CheckInUser {
        salon: SalonId,
        user: String,
    },
    Profile(ProfileFields),
    /// `/link` offers a code; `/link <code>` (spaces and case ignored) uses one.
    Link(Option<String>),
    /// `/link confirm <token>`: the role holder's side confirms a pending link.
    LinkConfirm(String),
    /// The asker's id as `[roles]` wants it, linked accounts and roles.
    Whoami,
    Pending(SalonId),
    Approve {
        salon: SalonId,
        who: Who,
    },
    Reject {
        salon: SalonId,
        user: String,
        reason: Option<String>,
    },
    CheckinCode(SalonId),
    Attendees(SalonId),
    Post(JobFields),
    MyJobs,
    Applicants(JobId),
    Assign {
        job: JobId,
        user: String,
    },
    Accept(JobId),
    Close(JobId),
    Jobs(Option<String>),
    Job(JobId),
    Subscribe(Vec<String>),
    /// Empty = all.
    Unsubscribe(Vec<String>),
    Digest(DigestMode),
    /// `None` = off.
    Quiet(Option<Quiet>),
    Apply {
        job: JobId,
        pitch: String,
    },
    Deliver(JobId),
    Moderate,
    Publish(JobId),
    Decline {
        job: JobId,
        reason: String,
    },
    Ask {
        job: JobId,
        private: bool,
        text: String,
    },
    /// Without text: asks for it in a dialogue (an "answer" button).
    Answer {
        question: QuestionId,
        text: Option<String>,
    },
    Faq(JobId),
    Spec {
        job: JobId,
        version: Option<u32>,
    },
    Questions,
    Follow(JobId),
    Unfollow(JobId),
    /// `/accept <job> <item>`: one acceptance item (`/accept <job> [all]` is `Accept`).
    AcceptItem {
        job: JobId,
        item: u32,
    },
    /// `/deliver <job> <item> [evidence]`: submits (again) one item.
    DeliverItem {
        job: JobId,
        item: u32,
        evidence: Option<String>,
    },
    RejectItem {
        job: JobId,
        item: u32,
        reason: String,
    },
    Dispute {
        job: JobId,
        reason: String,
    },
    Resolve {
        job: JobId,
        how: crate::spec::checklist::Resolution,
        note: String,
    },
    /// `/spec-edit <job> section="…" …`: a new spec version with a changelog line.
    SpecEdit {
        job: JobId,
        fields: Vec<(String, String)>,
    },
    /// A one-time sign-in link to the web console, sent privately.
    Dashboard,
    /// `/salons all`: organizers see closed, cancelled and past salons with counts.
    SalonsAll,
    /// `/newsalon` alone starts a dialogue; fields (and `copy=<id>`) create at once.
    NewSalon {
        copy: Option<SalonId>,
        fields: Vec<(String, String)>,
    },
    EditSalon {
        salon: SalonId,
        fields: Vec<(String, String)>,
    },
    CancelSalon {
        salon: SalonId,
        reason: String,
    },
    CloseSalon(SalonId),
    OpenSalon(SalonId),
    /// `all`: pending and waitlisted people too.
    Announce {
        salon: SalonId,
        all: bool,
        text: String,
    },
    /// My registrations, applications and posted jobs.
    Mine,
    Grant {
        role: crate::ports::GrantedRole,
        user: String,
    },
    Revoke {
        role: crate::ports::GrantedRole,
        user: String,
    },
    /// `/feedback <salon> [1-5]`: answer (a button carries the rating), or the summary.
    Feedback {
        salon: SalonId,
        rating: Option<u8>,
    },
    Stats(SalonId),
}

/// Who may run a command, as the engine checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Everyone,
    /// Anyone may post a job and so be a client; the handler checks the job's owner.
    Client,
    /// `[roles] organizers`.
    Organizer,
    /// `[roles] operators`; organizers are operators too.
    Operator,
}

/// The roles one asker holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Roles {
    pub organizer: bool,
    pub operator: bool,
}

impl Roles {
    pub fn may(self, role: Role) -> bool {
        match role {
            Role::Everyone | Role::Client => true,
            Role::Organizer => self.organizer,
            Role::Operator => self.operator || self.organizer,
        }
    }
}

impl Name {
    /// Every command, in the table's order.
    pub fn all() -> impl Iterator<Item = Name> {
        TABLE.iter().map(|s| s.name)
    }
    pub fn spec(self) -> &'static Spec {
        &TABLE[self as usize]
    }
    pub fn english(self) -> &'static str {
        self.spec().english
    }
    /// The first Chinese alias.
    pub fn chinese(self) -> &'static str {
        self.spec()
            .aliases
            .first()
            .copied()
            .unwrap_or(self.english())
    }
    pub fn role(self) -> Role {
        self.spec().role
    }
    fn lookup(word: &str) -> Option<Name> {
        let w = word.to_lowercase();
        TABLE
            .iter()
            .find(|s| s.english == w || s.aliases.contains(&w.as_str()))
            .map(|s| s.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Not a command: an answer in a dialogue, or chatter.
    NotACommand,
    /// A command word with arguments that do not fit; answer with its usage.
    Usage(Name),
    /// A `/word` that is no command.
    Unknown(String),
    Command(Command),
}

/// Parses one message. A leading `/` (or full-width `／`) marks a command; without it the
/// first word must be a command name or alias.
pub fn parse(text: &str) -> Parsed {
    let text = text.trim();
    let (slashed, body) = match text.strip_prefix('/').or_else(|| text.strip_prefix('／')) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut split = body.splitn(2, char::is_whitespace);
    let word = split.next().unwrap_or("");
    // Telegram groups send `/register@yunqi_bot`.
    let word = word.split('@').next().unwrap_or(word);
    let rest = split.next().unwrap_or("").trim();
    let Some(name) = Name::lookup(word) else {
        return if slashed && !word.is_empty() {
            Parsed::Unknown(word.to_string())
        } else {
            Parsed::NotACommand
        };
    };
    match (name.spec().parse)(&Args::new(rest)) {
        Some(c) => Parsed::Command(c),
        None => Parsed::Usage(name),
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
