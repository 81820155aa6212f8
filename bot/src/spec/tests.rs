use super::interview::{Draft, Next, Q};
use super::score::{checkable, readiness, Lack};
use super::*;
use crate::dialogue::JobField;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn full() -> Spec {
    let mut s = Spec::new(Kind::Web);
    for (sec, text) in [
        (Section::Goal, "让顾客在线预约"),
        (Section::Users, "顾客和店员，店员要登录"),
        (Section::ScopeIn, "预约页、后台"),
        (Section::ScopeOut, "不做支付"),
        (Section::Data, "店员提供服务列表"),
        (Section::Integrations, "无"),
        (Section::Nonfunctional, "手机浏览器"),
        (Section::Deliverables, "源码和部署"),
    ] {
        s.answer_section(sec, text);
    }
    s.answer_section(Section::Acceptance, "顾客能在手机上预约; 店员收到微信通知");
    s
}

#[test]
fn checkable_criteria_name_an_observable_result_in_zh_and_en() {
    let table = [
        ("好用", false),
        ("界面美观，运行稳定", false),
        ("works well", false),
        ("fast and user-friendly", false),
        ("happy customers", false),
        ("首页 2 秒内打开", true),
        ("能下单能支付", true),
        ("在 iOS 和 Android 上运行", true),
        ("提供部署文档", true),
        ("Linux 上跑通示例", true),
        ("runs on linux", true),
        ("admin can export orders as CSV", true),
        ("users can log in with WeChat", true),
        ("a README explains setup", true),
        ("handles 100 requests per second", true),
        ("orders are exported", true),
    ];
    for (c, want) in table {
        assert_eq!(checkable(c), want, "{c}");
    }
}

#[test]
fn readiness_rules_are_table_driven_and_explain_every_point_lost() {
    struct Case {
        name: &'static str,
        edit: fn(&mut Spec),
        score: u32,
        lacks: Vec<Lack>,
    }
    let cases = vec![
        Case {
            name: "complete",
            edit: |_| {},
            score: 100,
            lacks: vec![],
        },
        Case {
            name: "goal unsure",
            edit: |s| s.answer_section(Section::Goal, "不确定"),
            score: 100, // placeholder, overwritten below
            lacks: vec![],
        },
        Case {
            name: "one vague criterion",
            edit: |s| s.answer_section(Section::Acceptance, "好用"),
            score: 85,
            lacks: vec![
                Lack::OneCriterion,
                Lack::Vague {
                    n: 1,
                    text: "好用".into(),
                },
            ],
        },
        Case {
            name: "no criteria, no scope out",
            edit: |s| {
                s.acceptance.clear();
                s.sections.remove(&Section::ScopeOut);
            },
            score: 75,
            lacks: vec![
                Lack::Missing(Section::Acceptance),
                Lack::Thin(Section::ScopeOut),
            ],
        },
        Case {
            name: "kind-specific unsure",
            edit: |s| s.answer_detail("web.hosting", "unsure"),
            score: 95,
            lacks: vec![Lack::Open("web.hosting".into())],
        },
        Case {
            name: "english vague criteria",
            edit: |s| s.answer_section(Section::Acceptance, "works well; looks nice"),
            score: 90,
            lacks: vec![
                Lack::Vague {
                    n: 1,
                    text: "works well".into(),
                },
                Lack::Vague {
                    n: 2,
                    text: "looks nice".into(),
                },
            ],
        },
    ];
    for c in cases {
        let mut s = full();
        (c.edit)(&mut s);
        let r = readiness(&s);
        if c.name == "goal unsure" {
            // An unsure section counts once, as missing; the open point is kept.
            assert_eq!(r.lacks, vec![Lack::Missing(Section::Goal)], "{}", c.name);
            assert_eq!(r.score, 85, "{}", c.name);
            assert_eq!(s.open.len(), 1);
            continue;
        }
        assert_eq!(r.lacks, c.lacks, "{}", c.name);
        assert_eq!(r.score, c.score, "{}", c.name);
    }
    let empty = readiness(&Spec::new(Kind::Other));
    assert_eq!(empty.score, 0, "never below 0: {:?}", empty.lacks);
}

#[test]
fn criteria_split_on_semicolons_and_lines_and_keep_leading_numbers_that_are_data() {
    assert_eq!(criteria("A; B；C\n\n1. D"), vec!["A", "B", "C", "D"]);
    assert_eq!(criteria("2 秒内打开首页"), vec!["2 秒内打开首页"]);
    assert_eq!(criteria("1、能登录"), vec!["能登录"]);
    assert!(criteria(" ; ").is_empty());
}

#[test]
fn unsure_answers_and_sections_parse_in_both_languages() {
    for u in ["不确定", "unsure", "Not sure", "不知道。", "TBD"] {
        assert!(is_unsure(u), "{u}");
    }
    assert!(!is_unsure("不要支付"));
    assert_eq!(Section::parse("@scope"), Some(Section::ScopeIn));
    assert_eq!(Section::parse("范围外"), Some(Section::ScopeOut));
    assert_eq!(Section::parse("scope-out"), Some(Section::ScopeOut));
    assert_eq!(Kind::parse("小程序"), Some(Kind::Miniprogram));
    assert_eq!(Kind::parse("3"), Some(Kind::Mobile));
    assert_eq!(Kind::parse("8"), None);
    assert_eq!(
        OpenPoint {
            key: "web.login".into()
        }
        .section(),
        Some(Section::Users)
    );
}

fn ask(n: &Next) -> Q {
    match n {
        Next::Ask { q, error: None } => q.clone(),
        other => panic!("expected a question, got {other:?}"),
    }
}

#[test]
fn every_kind_interview_asks_its_own_questions_and_accepts_unsure_everywhere_else() {
    for kind in Kind::ALL {
        let mut d = Draft::new(false);
        let mut asked = Vec::new();
        loop {
            match d.clone().next() {
                Next::Ask { q, .. } => {
                    let input = match &q {
                        Q::Kind => kind.as_str(),
                        Q::Job(JobField::Title) => "商城",
                        Q::Job(JobField::Tags) => "web",
                        Q::Job(JobField::Budget) => "5000",
                        Q::Job(JobField::Deadline) => "30天",
                        _ => "不确定",
                    };
                    d.answer(&q, input, today()).unwrap();
                    asked.push(q);
                }
                Next::Review { .. } => break,
                Next::Done(_) => panic!("the full interview ends in a review"),
            }
        }
        let specific: Vec<&str> = interview::details(kind).iter().map(|(k, _)| *k).collect();
        for k in &specific {
            assert!(
                asked.contains(&Q::Detail(k.to_string())),
                "{kind:?} asks {k}"
            );
        }
        assert_eq!(asked[0], Q::Kind);
        // Every section question and kind-specific one answered unsure is an open point.
        assert_eq!(d.spec.open.len(), 9 + specific.len(), "{kind:?}");
        let r = readiness(&d.spec);
        assert!(r.score < 30, "{kind:?}: {}", r.score);
        let Next::Done(done) = d.finish() else {
            panic!("listing fields are in")
        };
        let (draft, spec) = *done;
        assert_eq!(draft.title, "商城");
        assert_eq!(spec.kind, kind);
        assert_eq!(spec.text(Section::Budget), Some("¥5000"));
    }
}

#[test]
fn refused_answers_name_the_reason_and_the_kind_is_asked_first() {
    let mut d = Draft::new(false);
    assert_eq!(ask(&d.clone().next()), Q::Kind);
    assert_eq!(
        d.answer(&Q::Kind, "spaceship", today()),
        Err(interview::Refusal::Kind)
    );
    d.answer(&Q::Kind, "不确定", today()).unwrap();
    assert_eq!(d.spec.kind, Kind::Other);
    assert!(d.spec.open.iter().any(|p| p.key == "kind"));
    assert!(d
        .answer(&Q::Job(JobField::Budget), "不确定", today())
        .is_err());
}

#[test]
fn the_inline_form_fills_sections_and_finishes_without_questions() {
    let mut d = Draft::new(true);
    let f = interview::fields(
        r#"kind=web title="预约系统" goal="在线预约" users="顾客" scope_in="预约页" scope_out="支付" tags=web budget=5k-8k deadline=30d acceptance="手机上能预约; 店员收到通知""#,
    )
    .unwrap();
    d.apply(&f, today()).unwrap();
    let Next::Done(done) = d.next() else {
        panic!("complete inline form")
    };
    let (draft, spec) = *done;
    assert_eq!(spec.kind, Kind::Web);
    assert_eq!(spec.acceptance.len(), 2);
    assert_eq!(spec.text(Section::ScopeOut), Some("支付"));
    assert_eq!(draft.description, "在线预约");
    assert_eq!(draft.acceptance, "手机上能预约; 店员收到通知");
    let mut half = Draft::new(true);
    half.apply(&interview::fields("title=x tags=web").unwrap(), today())
        .unwrap();
    assert_eq!(ask(&half.next()), Q::Section(Section::Goal));
}
