//! Parsing examples: names, aliases, arguments, usage.

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
    // A ticket code typed in two halves is one code.
    assert_eq!(cmd("/签到 k7q2 m9xd"), Command::CheckIn("k7q2m9xd".into()));
    // Even when its first half could be a salon number.
    assert_eq!(cmd("/签到 7232 m9xd"), Command::CheckIn("7232m9xd".into()));
    assert_eq!(
        cmd("/checkin 7232 alice"),
        Command::CheckInUser {
            salon: SalonId(7232),
            user: "alice".into()
        }
    );
    assert_eq!(cmd("/ticket 1"), Command::Ticket(SalonId(1)));
    assert_eq!(cmd("/门票 1"), Command::Ticket(SalonId(1)));
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

#[test]
fn a_backslash_keeps_a_quote_or_a_backslash_inside_a_word() {
    assert_eq!(
        tokenize(r#"a\"b "c \” d" e\\f g\h"#),
        vec![r#"a"b"#, "c ” d", r"e\f", r"g\h"]
    );
}

#[test]
fn button_commands_are_written_as_people_type_them() {
    let approve = Command::Approve {
        salon: SalonId(1),
        who: Who::Users(vec!["slack:U1".into()]),
    };
    assert_eq!(approve.to_text(), "/approve 1 slack:U1");
    let all = Command::Approve {
        salon: SalonId(1),
        who: Who::All,
    };
    assert_eq!(all.to_text(), "/approve 1 all");
    let reject = Command::Reject {
        salon: SalonId(2),
        user: "bob".into(),
        reason: Some("年限不足 not enough".into()),
    };
    assert_eq!(reject.to_text(), "/reject 2 bob 年限不足 not enough");
    let register = Command::Register {
        salon: SalonId(3),
        fields: ProfileFields {
            name: Some(r#"Li "Lei""#.into()),
            years: Some("5".into()),
            ..ProfileFields::default()
        },
    };
    assert_eq!(
        register.to_text(),
        r#"/register 3 name="Li \"Lei\"" years="5""#
    );
    assert_eq!(cmd(&register.to_text()), register);
    assert_eq!(
        Command::CheckinCode(SalonId(1)).to_text(),
        "/checkin-code 1"
    );
    assert_eq!(
        Command::Quiet(Quiet::parse("22:00-8:00")).to_text(),
        "/quiet 22:00-08:00"
    );
    assert_eq!(
        Command::Spec {
            job: JobId(3),
            version: Some(2)
        }
        .to_text(),
        "/spec 3 v2"
    );
}

#[test]
fn every_name_has_its_own_english_word_and_aliases() {
    let mut seen = std::collections::HashSet::new();
    for n in Name::all() {
        assert_eq!(n.spec().name, n, "the table is in declaration order");
        for w in std::iter::once(n.english()).chain(n.spec().aliases.iter().copied()) {
            assert!(seen.insert(w), "{w} named twice");
            assert_eq!(Name::lookup(w), Some(n));
        }
    }
}

#[test]
fn roles_gate_as_the_engine_checks_them() {
    assert_eq!(Name::Approve.role(), Role::Organizer);
    assert_eq!(Name::Publish.role(), Role::Operator);
    assert_eq!(Name::Register.role(), Role::Everyone);
    let member = Roles::default();
    let organizer = Roles {
        organizer: true,
        operator: false,
    };
    assert!(!member.may(Role::Organizer) && !member.may(Role::Operator));
    assert!(member.may(Role::Client));
    assert!(
        organizer.may(Role::Operator),
        "organizers are operators too"
    );
}
