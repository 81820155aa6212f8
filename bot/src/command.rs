//! Text → command. Every platform delivers commands as text (slash commands, buttons whose
//! payload is a command, plain messages), so this is the one parser for all of them.

use crate::i18n::Locale;
use crate::ids::SalonId;
use crate::job::{DigestMode, JobId, Quiet};
use crate::thread::QuestionId;

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
    CheckIn(String),
    /// Organizer check-in by name: `/checkin <salon> <user>`.
    CheckInUser {
        salon: SalonId,
        user: String,
    },
    Profile(ProfileFields),
    Link(Option<String>),
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
}

/// The command names, for help texts and platform command menus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    Help,
    Lang,
    Salons,
    Salon,
    Register,
    Cancel,
    Confirm,
    CheckIn,
    Profile,
    Link,
    Pending,
    Approve,
    Reject,
    CheckinCode,
    Attendees,
    Post,
    MyJobs,
    Applicants,
    Assign,
    Accept,
    Close,
    Jobs,
    Job,
    Subscribe,
    Unsubscribe,
    Digest,
    Quiet,
    Apply,
    Deliver,
    Moderate,
    Publish,
    Decline,
    Ask,
    Answer,
    Faq,
    Spec,
    Questions,
    Follow,
    Unfollow,
}

/// (name, English, Chinese aliases)
const NAMES: &[(Name, &str, &[&str])] = &[
    (Name::Help, "help", &["帮助", "start"]),
    (Name::Lang, "lang", &["语言"]),
    (Name::Salons, "salons", &["沙龙", "活动"]),
    (Name::Salon, "salon", &["沙龙详情", "详情"]),
    (Name::Register, "register", &["报名"]),
    (Name::Cancel, "cancel", &["取消", "取消报名"]),
    (Name::Confirm, "confirm", &["确认"]),
    (Name::CheckIn, "checkin", &["签到", "check-in"]),
    (Name::Profile, "profile", &["资料"]),
    (Name::Link, "link", &["绑定"]),
    (Name::Pending, "pending", &["待审核", "待审"]),
    (Name::Approve, "approve", &["批准", "通过"]),
    (Name::Reject, "reject", &["拒绝"]),
    (Name::CheckinCode, "checkin-code", &["签到码"]),
    (Name::Attendees, "attendees", &["名单", "参会名单"]),
    (Name::Post, "post", &["发需求", "发布"]),
    (Name::MyJobs, "myjobs", &["我的需求"]),
    (Name::Applicants, "applicants", &["申请人"]),
    (Name::Assign, "assign", &["指派"]),
    (Name::Accept, "accept", &["验收"]),
    (Name::Close, "close", &["关闭"]),
    (Name::Jobs, "jobs", &["需求", "需求列表"]),
    (Name::Job, "job", &["需求详情"]),
    (Name::Subscribe, "subscribe", &["订阅"]),
    (Name::Unsubscribe, "unsubscribe", &["退订", "取消订阅"]),
    (Name::Digest, "digest", &["摘要"]),
    (Name::Quiet, "quiet", &["免打扰"]),
    (Name::Apply, "apply", &["申请"]),
    (Name::Deliver, "deliver", &["交付"]),
    (Name::Moderate, "moderate", &["审核需求", "待审需求"]),
    (Name::Publish, "publish", &["上线", "通过需求"]),
    (Name::Decline, "decline", &["驳回"]),
    (Name::Ask, "ask", &["提问"]),
    (Name::Answer, "answer", &["回答"]),
    (Name::Faq, "faq", &["问答"]),
    (Name::Spec, "spec", &["规格"]),
    (Name::Questions, "questions", &["待答问题"]),
    (Name::Follow, "follow", &["关注"]),
    (Name::Unfollow, "unfollow", &["取消关注"]),
];

impl Name {
    pub fn all() -> impl Iterator<Item = Name> {
        NAMES.iter().map(|(n, _, _)| *n)
    }
    pub fn english(self) -> &'static str {
        NAMES
            .iter()
            .find(|(n, _, _)| *n == self)
            .map(|e| e.1)
            .unwrap_or("help")
    }
    pub fn chinese(self) -> &'static str {
        NAMES
            .iter()
            .find(|(n, _, _)| *n == self)
            .and_then(|e| e.2.first().copied())
            .unwrap_or("帮助")
    }
    pub fn organizer_only(self) -> bool {
        matches!(
            self,
            Name::Pending | Name::Approve | Name::Reject | Name::CheckinCode | Name::Attendees
        )
    }
    /// Operators moderate jobs (organizers are operators too).
    pub fn operator_only(self) -> bool {
        matches!(self, Name::Moderate | Name::Publish | Name::Decline)
    }
    fn lookup(word: &str) -> Option<Name> {
        let w = word.to_lowercase();
        NAMES
            .iter()
            .find(|(_, en, zh)| *en == w || zh.contains(&w.as_str()))
            .map(|(n, _, _)| *n)
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
    match build(name, rest) {
        Some(c) => Parsed::Command(c),
        None => Parsed::Usage(name),
    }
}

fn build(name: Name, rest: &str) -> Option<Command> {
    let toks = tokenize(rest);
    let arg = |i: usize| toks.get(i).map(String::as_str);
    let salon = |i: usize| arg(i).and_then(parse_id).map(SalonId);
    let job = |i: usize| arg(i).and_then(parse_id).map(JobId);
    let c = match name {
        Name::Help => Command::Help,
        Name::Lang => Command::Lang(Locale::parse(arg(0)?)?),
        Name::Salons => Command::Salons,
        Name::Salon => Command::Salon(salon(0)?),
        Name::Register => Command::Register {
            salon: salon(0)?,
            fields: fields(&toks[1..])?,
        },
        Name::Cancel => match arg(0) {
            None => Command::Cancel(None),
            Some(_) => Command::Cancel(Some(salon(0)?)),
        },
        Name::Confirm => Command::Confirm(salon(0)?),
        Name::CheckIn => match toks.len() {
            1 => Command::CheckIn(toks[0].clone()),
            2 => Command::CheckInUser {
                salon: salon(0)?,
                user: toks[1].clone(),
            },
            _ => return None,
        },
        Name::Profile => Command::Profile(fields(&toks)?),
        Name::Link => Command::Link(arg(0).map(str::to_string)),
        Name::Pending => Command::Pending(salon(0)?),
        Name::Approve => {
            let users = &toks.get(1..).unwrap_or_default();
            if users.is_empty() {
                return None;
            }
            let who = if users.len() == 1
                && matches!(users[0].to_lowercase().as_str(), "all" | "全部")
            {
                Who::All
            } else {
                Who::Users(users.to_vec())
            };
            Command::Approve {
                salon: salon(0)?,
                who,
            }
        }
        Name::Reject => {
            let reason = toks.get(2..).filter(|r| !r.is_empty()).map(|r| r.join(" "));
            Command::Reject {
                salon: salon(0)?,
                user: arg(1)?.to_string(),
                reason,
            }
        }
        Name::CheckinCode => Command::CheckinCode(salon(0)?),
        Name::Attendees => Command::Attendees(salon(0)?),
        Name::Post => Command::Post(job_fields(&toks)?),
        Name::MyJobs => Command::MyJobs,
        Name::Applicants => Command::Applicants(job(0)?),
        Name::Assign => Command::Assign {
            job: job(0)?,
            user: arg(1)?.to_string(),
        },
        Name::Accept => Command::Accept(job(0)?),
        Name::Close => Command::Close(job(0)?),
        Name::Jobs => Command::Jobs(arg(0).map(str::to_string)),
        Name::Job => Command::Job(job(0)?),
        Name::Subscribe => Command::Subscribe(toks.clone()),
        Name::Unsubscribe => match toks.as_slice() {
            [] => return None,
            [one] if matches!(one.to_lowercase().as_str(), "all" | "全部") => {
                Command::Unsubscribe(Vec::new())
            }
            _ => Command::Unsubscribe(toks.clone()),
        },
        Name::Digest => Command::Digest(match arg(0)?.to_lowercase().as_str() {
            "instant" | "即时" => DigestMode::Instant,
            "daily" | "每日" | "每天" => DigestMode::Daily,
            _ => return None,
        }),
        Name::Quiet => match arg(0)?.to_lowercase().as_str() {
            "off" | "关闭" | "关" => Command::Quiet(None),
            q => Command::Quiet(Some(Quiet::parse(q)?)),
        },
        Name::Apply => {
            let pitch = rest
                .split_once(char::is_whitespace)
                .map(|x| x.1.trim())
                .filter(|p| !p.is_empty())?;
            Command::Apply {
                job: job(0)?,
                pitch: pitch.to_string(),
            }
        }
        Name::Deliver => Command::Deliver(job(0)?),
        Name::Moderate => Command::Moderate,
        Name::Publish => Command::Publish(job(0)?),
        Name::Decline => {
            let reason = rest
                .split_once(char::is_whitespace)
                .map(|x| x.1.trim())
                .filter(|p| !p.is_empty())?;
            Command::Decline {
                job: job(0)?,
                reason: reason.to_string(),
            }
        }
        Name::Ask => {
            let after_id = rest.split_once(char::is_whitespace).map(|x| x.1.trim())?;
            let is_private =
                |w: &str| matches!(w.to_lowercase().as_str(), "private" | "私密" | "私下");
            let (private, text) = match after_id.split_once(char::is_whitespace) {
                Some((w, t)) if is_private(w) => (true, t.trim()),
                None if is_private(after_id) => (true, ""),
                _ => (false, after_id),
            };
            if text.is_empty() {
                return None;
            }
            Command::Ask {
                job: job(0)?,
                private,
                text: text.to_string(),
            }
        }
        Name::Answer => {
            let text = rest
                .split_once(char::is_whitespace)
                .map(|x| x.1.trim().to_string())
                .filter(|t| !t.is_empty());
            Command::Answer {
                question: QuestionId(arg(0).and_then(parse_id)?),
                text,
            }
        }
        Name::Faq => Command::Faq(job(0)?),
        Name::Spec => Command::Spec {
            job: job(0)?,
            version: match arg(1) {
                None => None,
                Some(v) => Some(
                    v.trim_start_matches(['v', 'V'])
                        .parse()
                        .ok()
                        .filter(|n: &u32| *n > 0)?,
                ),
            },
        },
        Name::Questions => Command::Questions,
        Name::Follow => Command::Follow(job(0)?),
        Name::Unfollow => Command::Unfollow(job(0)?),
    };
    Some(c)
}

fn parse_id(s: &str) -> Option<i64> {
    let s = s.trim_start_matches('#');
    s.parse::<i64>().ok().filter(|n| *n > 0)
}

fn fields(toks: &[String]) -> Option<ProfileFields> {
    let mut f = ProfileFields::default();
    for t in toks {
        let (k, v) = t.split_once('=').or_else(|| t.split_once('＝'))?;
        let v = Some(v.to_string());
        match k.to_lowercase().as_str() {
            "name" | "姓名" => f.name = v,
            "phone" | "mobile" | "手机" | "电话" => f.phone = v,
            "position" | "title" | "职位" => f.position = v,
            "years" | "年限" | "工作年限" => f.years = v,
            "skills" | "技能" => f.skills = v,
            _ => return None,
        }
    }
    Some(f)
}

fn job_fields(toks: &[String]) -> Option<JobFields> {
    let mut f = JobFields::default();
    for t in toks {
        let (k, v) = t.split_once('=').or_else(|| t.split_once('＝'))?;
        let v = Some(v.to_string());
        match k.to_lowercase().as_str() {
            "title" | "标题" => f.title = v,
            "description" | "desc" | "描述" => f.description = v,
            "tags" | "标签" => f.tags = v,
            "budget" | "预算" => f.budget = v,
            "deadline" | "截止" | "截止日期" => f.deadline = v,
            "acceptance" | "验收" | "验收标准" => f.acceptance = v,
            _ => return None,
        }
    }
    Some(f)
}

/// Splits on whitespace; double quotes (ASCII or Chinese) group words, also after `key=`.
pub fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quote = false;
    let mut has_token = false;
    for c in s.chars() {
        match c {
            '"' | '“' | '”' => {
                in_quote = !in_quote;
                has_token = true;
            }
            c if c.is_whitespace() && !in_quote => {
                if has_token {
                    out.push(std::mem::take(&mut cur));
                    has_token = false;
                }
            }
            c => {
                cur.push(c);
                has_token = true;
            }
        }
    }
    if has_token {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(s: &str) -> Command {
        match parse(s) {
            Parsed::Command(c) => c,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn english_names_chinese_aliases_and_plain_text_give_the_same_command() {
        for s in [
            "/register 1",
            "/报名 1",
            "register 1",
            "报名 1",
            "／报名 1",
            "/REGISTER 1",
            "/register@yunqi_bot 1",
        ] {
            assert_eq!(
                cmd(s),
                Command::Register {
                    salon: SalonId(1),
                    fields: ProfileFields::default()
                },
                "{s}"
            );
        }
        assert_eq!(cmd("/取消 1"), Command::Cancel(Some(SalonId(1))));
        assert_eq!(cmd("cancel"), Command::Cancel(None));
        assert_eq!(cmd("/lang en"), Command::Lang(Locale::En));
        assert_eq!(cmd("/语言 中文"), Command::Lang(Locale::Zh));
    }

    #[test]
    fn inline_registration_takes_quoted_values_in_any_order() {
        let c = cmd(r#"/register 1 name="Li Lei" years=5年 phone=13800000000 position=后端"#);
        assert_eq!(
            c,
            Command::Register {
                salon: SalonId(1),
                fields: ProfileFields {
                    name: Some("Li Lei".into()),
                    phone: Some("13800000000".into()),
                    position: Some("后端".into()),
                    years: Some("5年".into()),
                    skills: None,
                }
            }
        );
        let c = cmd("/报名 1 姓名=“韩 梅梅” 手机=13900000000");
        let Command::Register { fields, .. } = c else {
            panic!()
        };
        assert_eq!(fields.name.as_deref(), Some("韩 梅梅"));
    }

    #[test]
    fn arguments_that_do_not_fit_ask_for_the_usage() {
        let cases = [
            ("/register", Name::Register),
            ("/register abc", Name::Register),
            ("/register 0", Name::Register),
            ("/register 1 colour=red", Name::Register),
            ("/register 1 loose", Name::Register),
            ("/salon", Name::Salon),
            ("/approve 1", Name::Approve),
            ("/reject 1", Name::Reject),
            ("/lang fr", Name::Lang),
            ("/checkin a b c", Name::CheckIn),
        ];
        for (s, name) in cases {
            assert_eq!(parse(s), Parsed::Usage(name), "{s}");
        }
    }

    #[test]
    fn organizer_commands_name_users_or_all() {
        assert_eq!(
            cmd("/approve 1 all"),
            Command::Approve {
                salon: SalonId(1),
                who: Who::All
            }
        );
        assert_eq!(
            cmd("/批准 1 alice slack:U1"),
            Command::Approve {
                salon: SalonId(1),
                who: Who::Users(vec!["alice".into(), "slack:U1".into()])
            }
        );
        assert_eq!(
            cmd("/reject 1 bob 年限不足 not enough"),
            Command::Reject {
                salon: SalonId(1),
                user: "bob".into(),
                reason: Some("年限不足 not enough".into())
            }
        );
        assert_eq!(
            cmd("/reject 1 bob"),
            Command::Reject {
                salon: SalonId(1),
                user: "bob".into(),
                reason: None
            }
        );
        assert_eq!(cmd("/checkin 483920"), Command::CheckIn("483920".into()));
        assert_eq!(
            cmd("/checkin 1 alice"),
            Command::CheckInUser {
                salon: SalonId(1),
                user: "alice".into()
            }
        );
        assert_eq!(cmd("/checkin-code 1"), Command::CheckinCode(SalonId(1)));
    }

    #[test]
    fn chatter_is_not_a_command_and_an_unknown_slash_word_is_reported() {
        assert_eq!(parse("张三"), Parsed::NotACommand);
        assert_eq!(parse("hello there"), Parsed::NotACommand);
        assert_eq!(parse("13800000000"), Parsed::NotACommand);
        assert_eq!(parse("/frobnicate"), Parsed::Unknown("frobnicate".into()));
        assert_eq!(parse("/"), Parsed::NotACommand);
    }

    #[test]
    fn job_commands_parse_with_quoted_inline_fields_and_chinese_aliases() {
        let c = cmd(
            r#"/post title="Rust CLI tool" description="A tool" tags=rust,cli budget=5000-8000 deadline=2027-01-31 acceptance="runs on linux""#,
        );
        let Command::Post(f) = c else { panic!() };
        assert_eq!(f.title.as_deref(), Some("Rust CLI tool"));
        assert_eq!(f.tags.as_deref(), Some("rust,cli"));
        assert_eq!(f.acceptance.as_deref(), Some("runs on linux"));
        assert_eq!(cmd("/发需求"), Command::Post(JobFields::default()));
        assert_eq!(
            cmd("/apply 3 我做过五个 Rust CLI"),
            Command::Apply {
                job: JobId(3),
                pitch: "我做过五个 Rust CLI".into()
            }
        );
        assert_eq!(parse("/apply 3"), Parsed::Usage(Name::Apply));
        assert_eq!(
            cmd("/订阅 rust react"),
            Command::Subscribe(vec!["rust".into(), "react".into()])
        );
        assert_eq!(cmd("/unsubscribe all"), Command::Unsubscribe(vec![]));
        assert_eq!(cmd("/digest daily"), Command::Digest(DigestMode::Daily));
        assert_eq!(cmd("/免打扰 关闭"), Command::Quiet(None));
        assert_eq!(
            cmd("/quiet 22:00-08:00"),
            Command::Quiet(Quiet::parse("22:00-08:00"))
        );
        assert_eq!(parse("/quiet sometimes"), Parsed::Usage(Name::Quiet));
        assert_eq!(cmd("/jobs"), Command::Jobs(None));
        assert_eq!(cmd("/需求 rust"), Command::Jobs(Some("rust".into())));
        assert_eq!(
            cmd("/assign 2 bob"),
            Command::Assign {
                job: JobId(2),
                user: "bob".into()
            }
        );
        assert_eq!(
            cmd("/decline 2 不是软件需求"),
            Command::Decline {
                job: JobId(2),
                reason: "不是软件需求".into()
            }
        );
        assert_eq!(parse("/post colour=red"), Parsed::Usage(Name::Post));
    }

    #[test]
    fn thread_commands_take_private_questions_and_spec_versions() {
        assert_eq!(
            cmd("/ask 3 需要支持 Windows 吗？"),
            Command::Ask {
                job: JobId(3),
                private: false,
                text: "需要支持 Windows 吗？".into()
            }
        );
        assert_eq!(
            cmd("/提问 3 私密 预算能再谈吗"),
            Command::Ask {
                job: JobId(3),
                private: true,
                text: "预算能再谈吗".into()
            }
        );
        assert_eq!(
            cmd("/ask 3 private can we talk?"),
            Command::Ask {
                job: JobId(3),
                private: true,
                text: "can we talk?".into()
            }
        );
        assert_eq!(parse("/ask 3"), Parsed::Usage(Name::Ask));
        assert_eq!(parse("/ask 3 private"), Parsed::Usage(Name::Ask));
        assert_eq!(
            cmd("/answer 7 要支持"),
            Command::Answer {
                question: QuestionId(7),
                text: Some("要支持".into())
            }
        );
        assert_eq!(
            cmd("/回答 7"),
            Command::Answer {
                question: QuestionId(7),
                text: None
            }
        );
        assert_eq!(
            cmd("/spec 3 v2"),
            Command::Spec {
                job: JobId(3),
                version: Some(2)
            }
        );
        assert_eq!(
            cmd("/规格 3"),
            Command::Spec {
                job: JobId(3),
                version: None
            }
        );
        assert_eq!(parse("/spec 3 v0"), Parsed::Usage(Name::Spec));
        assert_eq!(cmd("/关注 3"), Command::Follow(JobId(3)));
    }

    #[test]
    fn tokenize_groups_quoted_words_and_keeps_empty_quotes() {
        assert_eq!(
            tokenize(r#"a "b c" d="e f" """#),
            vec!["a", "b c", "d=e f", ""]
        );
    }
}
