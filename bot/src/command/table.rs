//! The command table: one entry per chat command. An entry gives the English name, the
//! Chinese aliases, the role that may run it, how its arguments parse, and how the command
//! is written back as text. Usage and help texts are in `i18n::commands`, keyed by `Name`.

use super::args::{self, is_all, is_link_confirm, is_private, word, words_text, Args};
use super::{salon_args, Command, Role};
use crate::ids::Locale;
use crate::job::{DigestMode, Quiet};
use crate::ports::GrantedRole;
use crate::thread::QuestionId;

/// One command's declaration.
pub struct Spec {
    pub name: Name,
    pub english: &'static str,
    /// Chinese first; the first is the name shown to Chinese speakers.
    pub aliases: &'static [&'static str],
    pub role: Role,
    pub(super) parse: fn(&Args<'_>) -> Option<Command>,
}

macro_rules! commands {
    ($(
        $name:ident $en:literal [$($alias:literal),*] $role:ident
        parse $parse:expr;
        text $($pat:pat => $text:expr),+;
    )*) => {
        /// The command names, for help texts and platform command menus.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Name { $($name),* }

        /// In declaration order, so `TABLE[name as usize]` is that name's entry.
        pub static TABLE: &[Spec] = &[$(Spec {
            name: Name::$name,
            english: $en,
            aliases: &[$($alias),*],
            role: Role::$role,
            parse: $parse,
        }),*];

        impl Command {
            /// The command's name in the table.
            #[allow(unused_variables)]
            pub fn name(&self) -> Name {
                match self { $($($pat => Name::$name,)+)* }
            }
            /// The arguments as words `parse` reads back.
            fn arg_words(&self) -> Vec<String> {
                match self { $($($pat => $text,)+)* }
            }
        }
    };
}

impl Command {
    /// The command as a line of text: the one way buttons, menus and examples build one.
    pub fn to_text(&self) -> String {
        let mut s = format!("/{}", self.name().english());
        for w in self.arg_words() {
            s.push(' ');
            s.push_str(&w);
        }
        s
    }
}

fn none() -> Vec<String> {
    Vec::new()
}

fn one(x: impl ToString) -> Vec<String> {
    vec![x.to_string()]
}

fn two(x: impl ToString, y: impl ToString) -> Vec<String> {
    vec![x.to_string(), y.to_string()]
}

commands! {
    Help "help" ["帮助", "start"] Everyone
        parse |_| Some(Command::Help);
        text Command::Help => none();
    Lang "lang" ["语言"] Everyone
        parse |a| Some(Command::Lang(Locale::parse(a.word(0)?)?));
        text Command::Lang(l) => one(l.as_str());
    // `all` is for organizers; the handler checks that role.
    Salons "salons" ["沙龙", "活动"] Everyone
        parse |a| match a.words() {
            [] => Some(Command::Salons),
            [w] if is_all(w) => Some(Command::SalonsAll),
            _ => None,
        };
        text Command::Salons => none(), Command::SalonsAll => one("all");
    Salon "salon" ["沙龙详情", "详情"] Everyone
        parse |a| Some(Command::Salon(a.salon(0)?));
        text Command::Salon(id) => one(id);
    Register "register" ["报名"] Everyone
        parse |a| Some(Command::Register {
            salon: a.salon(0)?,
            fields: args::profile_fields(a.words().get(1..)?)?,
        });
        text Command::Register { salon, fields } =>
            [one(salon), args::profile_words(fields)].concat();
    Cancel "cancel" ["取消", "取消报名"] Everyone
        parse |a| Some(Command::Cancel(match a.word(0) {
            None => None,
            Some(_) => Some(a.salon(0)?),
        }));
        text Command::Cancel(id) => id.iter().map(ToString::to_string).collect();
    Confirm "confirm" ["确认"] Everyone
        parse |a| Some(Command::Confirm(a.salon(0)?));
        text Command::Confirm(id) => one(id);
    Ticket "ticket" ["门票"] Everyone
        parse |a| Some(Command::Ticket(a.salon(0)?));
        text Command::Ticket(id) => one(id);
    // Organizers check a person in by name; the handler checks that role.
    CheckIn "checkin" ["签到", "check-in"] Everyone
        parse |a| match a.words() {
            [code] => Some(Command::CheckIn(code.clone())),
            // A ticket code typed with a space (`K7Q2 M9XD`) is one code, also when its
            // first half is all digits (`7232 M9XD`, about 1 code in 225).
            [first, second] => Some(match a.salon(0) {
                Some(salon) if !crate::ticket::is_split_code(first, second) => {
                    Command::CheckInUser { salon, user: second.clone() }
                }
                _ => Command::CheckIn(format!("{first}{second}")),
            }),
            _ => None,
        };
        text Command::CheckIn(code) => one(word(code)),
            Command::CheckInUser { salon, user } => two(salon, word(user));
    Profile "profile" ["资料"] Everyone
        parse |a| Some(Command::Profile(args::profile_fields(a.words())?));
        text Command::Profile(fields) => args::profile_words(fields);
    Link "link" ["绑定"] Everyone
        parse |a| match a.words() {
            [] => Some(Command::Link(None)),
            [w] if is_link_confirm(w) => None,
            [w, token] if is_link_confirm(w) => Some(Command::LinkConfirm(token.clone())),
            // A code typed with spaces is one code.
            code => Some(Command::Link(Some(code.join(" ")))),
        };
        text Command::Link(code) => code.iter().map(|c| word(c)).collect(),
            Command::LinkConfirm(token) => two("confirm", word(token));
    Whoami "whoami" ["我是谁"] Everyone
        parse |_| Some(Command::Whoami);
        text Command::Whoami => none();
    Pending "pending" ["待审核", "待审"] Organizer
        parse |a| Some(Command::Pending(a.salon(0)?));
        text Command::Pending(id) => one(id);
    Approve "approve" ["批准", "通过"] Organizer
        parse |a| {
            let who = a.who(1)?;
            Some(Command::Approve { salon: a.salon(0)?, who })
        };
        text Command::Approve { salon, who } => [one(salon), args::who_words(who)].concat();
    Reject "reject" ["拒绝"] Organizer
        parse |a| Some(Command::Reject {
            salon: a.salon(0)?,
            user: a.word(1)?.to_string(),
            reason: a.words().get(2..).filter(|r| !r.is_empty()).map(|r| r.join(" ")),
        });
        text Command::Reject { salon, user, reason } => {
            let mut w = two(salon, word(user));
            w.extend(reason.as_deref().map(words_text));
            w
        };
    CheckinCode "checkin-code" ["签到码"] Organizer
        parse |a| Some(Command::CheckinCode(a.salon(0)?));
        text Command::CheckinCode(id) => one(id);
    Attendees "attendees" ["名单", "参会名单"] Organizer
        parse |a| Some(Command::Attendees(a.salon(0)?));
        text Command::Attendees(id) => one(id);
    Post "post" ["发需求", "发布"] Client
        parse |a| Some(Command::Post(args::job_fields(a.words())?));
        text Command::Post(fields) => args::job_words(fields);
    MyJobs "myjobs" ["我的需求"] Client
        parse |_| Some(Command::MyJobs);
        text Command::MyJobs => none();
    Applicants "applicants" ["申请人"] Client
        parse |a| Some(Command::Applicants(a.job(0)?));
        text Command::Applicants(id) => one(id);
    Assign "assign" ["指派"] Client
        parse |a| Some(Command::Assign { job: a.job(0)?, user: a.word(1)?.to_string() });
        text Command::Assign { job, user } => two(job, word(user));
    Accept "accept" ["验收"] Client
        parse |a| match a.words() {
            [_] => Some(Command::Accept(a.job(0)?)),
            [_, w] if is_all(w) => Some(Command::Accept(a.job(0)?)),
            [_, _] => Some(Command::AcceptItem { job: a.job(0)?, item: a.item(1)? }),
            _ => None,
        };
        text Command::Accept(id) => one(id),
            Command::AcceptItem { job, item } => two(job, item);
    Close "close" ["关闭"] Client
        parse |a| Some(Command::Close(a.job(0)?));
        text Command::Close(id) => one(id);
    Jobs "jobs" ["需求", "需求列表"] Everyone
        parse |a| Some(Command::Jobs(a.word(0).map(str::to_string)));
        text Command::Jobs(tag) => tag.iter().map(|t| word(t)).collect();
    Job "job" ["需求详情"] Everyone
        parse |a| Some(Command::Job(a.job(0)?));
        text Command::Job(id) => one(id);
    Subscribe "subscribe" ["订阅"] Everyone
        parse |a| Some(Command::Subscribe(a.words().to_vec()));
        text Command::Subscribe(tags) => tags.iter().map(|t| word(t)).collect();
    Unsubscribe "unsubscribe" ["退订", "取消订阅"] Everyone
        parse |a| match a.words() {
            [] => None,
            [w] if is_all(w) => Some(Command::Unsubscribe(Vec::new())),
            tags => Some(Command::Unsubscribe(tags.to_vec())),
        };
        text Command::Unsubscribe(tags) => if tags.is_empty() {
            one("all")
        } else {
            tags.iter().map(|t| word(t)).collect()
        };
    Digest "digest" ["摘要"] Everyone
        parse |a| Some(Command::Digest(match a.word(0)?.to_lowercase().as_str() {
            "instant" | "即时" => DigestMode::Instant,
            "daily" | "每日" | "每天" => DigestMode::Daily,
            _ => return None,
        }));
        text Command::Digest(mode) => one(match mode {
            DigestMode::Instant => "instant",
            DigestMode::Daily => "daily",
        });
    Quiet "quiet" ["免打扰"] Everyone
        parse |a| match a.word(0)?.to_lowercase().as_str() {
            "off" | "关闭" | "关" => Some(Command::Quiet(None)),
            q => Some(Command::Quiet(Some(Quiet::parse(q)?))),
        };
        text Command::Quiet(q) => match q {
            None => one("off"),
            Some(q) => one(q),
        };
    Apply "apply" ["申请"] Everyone
        parse |a| Some(Command::Apply { job: a.job(0)?, pitch: a.text_after_first()?.to_string() });
        text Command::Apply { job, pitch } => two(job, pitch);
    Deliver "deliver" ["交付"] Everyone
        parse |a| match a.words() {
            [_] => Some(Command::Deliver(a.job(0)?)),
            [_, _, ..] => Some(Command::DeliverItem {
                job: a.job(0)?,
                item: a.item(1)?,
                evidence: a.text_after(2).map(str::to_string),
            }),
            _ => None,
        };
        text Command::Deliver(id) => one(id),
            Command::DeliverItem { job, item, evidence } =>
                [two(job, item), evidence.iter().cloned().collect()].concat();
    Moderate "moderate" ["审核需求", "待审需求"] Operator
        parse |_| Some(Command::Moderate);
        text Command::Moderate => none();
    Publish "publish" ["上线", "通过需求"] Operator
        parse |a| Some(Command::Publish(a.job(0)?));
        text Command::Publish(id) => one(id);
    Decline "decline" ["驳回"] Operator
        parse |a| Some(Command::Decline { job: a.job(0)?, reason: a.text_after_first()?.to_string() });
        text Command::Decline { job, reason } => two(job, reason);
    // A first word `private` makes the question private, so a public one cannot start with it.
    Ask "ask" ["提问"] Everyone
        parse |a| {
            let after_id = a.text_after_first()?;
            let (private, text) = match after_id.split_once(char::is_whitespace) {
                Some((w, t)) if is_private(w) => (true, t.trim()),
                None if is_private(after_id) => (true, ""),
                _ => (false, after_id),
            };
            if text.is_empty() {
                return None;
            }
            Some(Command::Ask { job: a.job(0)?, private, text: text.to_string() })
        };
        text Command::Ask { job, private, text } => if *private {
            vec![job.to_string(), "private".into(), text.clone()]
        } else {
            two(job, text)
        };
    Answer "answer" ["回答"] Everyone
        parse |a| Some(Command::Answer {
            question: QuestionId(a.id(0)?),
            text: a.text_after_first().map(str::to_string),
        });
        text Command::Answer { question, text } =>
            [one(question), text.iter().cloned().collect()].concat();
    Faq "faq" ["问答"] Everyone
        parse |a| Some(Command::Faq(a.job(0)?));
        text Command::Faq(id) => one(id);
    Spec "spec" ["规格"] Everyone
        parse |a| Some(Command::Spec {
            job: a.job(0)?,
            version: match a.word(1) {
                None => None,
                Some(v) => Some(
                    v.trim_start_matches(['v', 'V']).parse().ok().filter(|n: &u32| *n > 0)?,
                ),
            },
        });
        text Command::Spec { job, version } =>
            [one(job), version.iter().map(|v| format!("v{v}")).collect()].concat();
    Questions "questions" ["待答问题"] Client
        parse |_| Some(Command::Questions);
        text Command::Questions => none();
    Follow "follow" ["关注"] Everyone
        parse |a| Some(Command::Follow(a.job(0)?));
        text Command::Follow(id) => one(id);
    Unfollow "unfollow" ["取消关注"] Everyone
        parse |a| Some(Command::Unfollow(a.job(0)?));
        text Command::Unfollow(id) => one(id);
    // `驳回` is taken by operators' /decline; the client's rejection of one item is `退回`.
    RejectItem "reject-item" ["退回", "驳回项"] Client
        parse |a| Some(Command::RejectItem {
            job: a.job(0)?,
            item: a.item(1)?,
            reason: a.text_after(2)?.to_string(),
        });
        text Command::RejectItem { job, item, reason } =>
            vec![job.to_string(), item.to_string(), reason.clone()];
    Dispute "dispute" ["争议"] Everyone
        parse |a| Some(Command::Dispute { job: a.job(0)?, reason: a.text_after(1)?.to_string() });
        text Command::Dispute { job, reason } => two(job, reason);
    Resolve "resolve" ["裁决"] Operator
        parse |a| Some(Command::Resolve {
            job: a.job(0)?,
            how: crate::spec::checklist::Resolution::parse(a.word(1)?)?,
            note: a.text_after(2)?.to_string(),
        });
        text Command::Resolve { job, how, note } =>
            vec![job.to_string(), how.as_str().to_string(), note.clone()];
    SpecEdit "spec-edit" ["改规格"] Client
        parse |a| Some(Command::SpecEdit {
            job: a.job(0)?,
            fields: crate::spec::interview::fields(a.text_after(1)?)?,
        });
        text Command::SpecEdit { job, fields } => [
            one(job),
            fields.iter().map(|(k, v)| format!("{k}={}", word(v))).collect(),
        ].concat();
    // Organizers are operators too: both may open the web console.
    Dashboard "dashboard" ["后台", "控制台"] Operator
        parse |_| Some(Command::Dashboard);
        text Command::Dashboard => none();
    NewSalon "newsalon" ["新沙龙", "创建沙龙"] Organizer
        parse |a| {
            let (copy, fields) = salon_args::salon_fields(a.words(), true)?;
            Some(Command::NewSalon { copy, fields })
        };
        text Command::NewSalon { copy, fields } => salon_args::salon_field_words(*copy, fields);
    EditSalon "editsalon" ["修改沙龙"] Organizer
        parse |a| Some(Command::EditSalon {
            salon: a.salon(0)?,
            fields: salon_args::salon_fields(a.words().get(1..)?, false)?.1,
        });
        text Command::EditSalon { salon, fields } =>
            [one(salon), salon_args::salon_field_words(None, fields)].concat();
    CancelSalon "cancelsalon" ["取消沙龙"] Organizer
        parse |a| Some(Command::CancelSalon { salon: a.salon(0)?, reason: a.text_after_first()?.to_string() });
        text Command::CancelSalon { salon, reason } => two(salon, reason);
    CloseSalon "closesalon" ["截止报名", "关闭报名"] Organizer
        parse |a| Some(Command::CloseSalon(a.salon(0)?));
        text Command::CloseSalon(id) => one(id);
    OpenSalon "opensalon" ["开放报名"] Organizer
        parse |a| Some(Command::OpenSalon(a.salon(0)?));
        text Command::OpenSalon(id) => one(id);
    Announce "announce" ["通知"] Organizer
        parse |a| {
            let (all, text) = salon_args::announce_text(a.text_after_first()?);
            if text.is_empty() {
                return None;
            }
            Some(Command::Announce { salon: a.salon(0)?, all, text: text.to_string() })
        };
        text Command::Announce { salon, all, text } => if *all {
            vec![salon.to_string(), "all".into(), text.clone()]
        } else {
            two(salon, text)
        };
    Mine "mine" ["我的"] Everyone
        parse |_| Some(Command::Mine);
        text Command::Mine => none();
    Grant "grant" ["授权"] Organizer
        parse |a| match a.words() {
            [r, u] => Some(Command::Grant { role: GrantedRole::parse(r)?, user: u.clone() }),
            _ => None,
        };
        text Command::Grant { role, user } => two(role.as_str(), word(user));
    Revoke "revoke" ["撤销", "撤销授权"] Organizer
        parse |a| match a.words() {
            [r, u] => Some(Command::Revoke { role: GrantedRole::parse(r)?, user: u.clone() }),
            _ => None,
        };
        text Command::Revoke { role, user } => two(role.as_str(), word(user));
    // Attendees answer; organizers see the summary (the handler checks that role).
    Feedback "feedback" ["反馈"] Everyone
        parse |a| match a.words() {
            [_] => Some(Command::Feedback { salon: a.salon(0)?, rating: None }),
            [_, r] => Some(Command::Feedback {
                salon: a.salon(0)?,
                rating: Some(crate::feedback::Rating::parse(r)?.get()),
            }),
            _ => None,
        };
        text Command::Feedback { salon, rating } => match rating {
            Some(r) => two(salon, r),
            None => one(salon),
        };
    Stats "stats" ["统计"] Organizer
        parse |a| Some(Command::Stats(a.salon(0)?));
        text Command::Stats(id) => one(id);
}
