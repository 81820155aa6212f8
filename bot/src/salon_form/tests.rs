use super::*;
use crate::dialogue::{Dialogue, Step};
use chrono::{NaiveDate, TimeZone};

fn sh() -> Tz {
    chrono_tz::Asia::Shanghai
}

fn now() -> DateTime<Utc> {
    // 2026-12-01 10:00 Asia/Shanghai.
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

fn raw(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn local_times_are_read_in_the_salons_zone_and_a_bare_time_takes_the_start_day() {
    let start = parse_local("2026-12-19 14:00", sh(), None).unwrap();
    assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 19, 6, 0, 0).unwrap());
    for same in [
        "2026-12-19T14:00",
        "2026/12/19 14:00",
        "2026-12-19  14：00",
        "2026年12月19日 14:00",
    ] {
        assert_eq!(parse_local(same, sh(), None), Some(start), "{same}");
    }
    let day = NaiveDate::from_ymd_opt(2026, 12, 19);
    assert_eq!(
        parse_local("17:00", sh(), day),
        Some(Utc.with_ymd_and_hms(2026, 12, 19, 9, 0, 0).unwrap())
    );
    assert_eq!(
        parse_local("17:00", sh(), None),
        None,
        "no day to put it on"
    );
    assert_eq!(parse_local("next saturday", sh(), None), None);
    let london = parse_local("2026-12-19 14:00", chrono_tz::Europe::London, None).unwrap();
    assert_eq!(
        london,
        Utc.with_ymd_and_hms(2026, 12, 19, 14, 0, 0).unwrap()
    );
}

#[test]
fn the_series_number_in_a_title_goes_up_by_one() {
    assert_eq!(
        next_title("第2期线下沙龙").as_deref(),
        Some("第3期线下沙龙")
    );
    assert_eq!(next_title("Salon #9").as_deref(), Some("Salon #10"));
    assert_eq!(
        next_title("Yunqi salon 4 (winter)").as_deref(),
        Some("Yunqi salon 5 (winter)")
    );
    assert_eq!(next_title("开发者茶话会"), None);
    for (from, to) in [
        ("第二期线下沙龙", "第三期线下沙龙"),
        ("第九期", "第十期"),
        ("第十期", "第十一期"),
        ("第十九期", "第二十期"),
        ("第二十三期", "第二十四期"),
        ("第九十九期", "第一百期"),
        ("第一百期", "第一百零一期"),
        ("第一百零九期", "第一百一十期"),
    ] {
        assert_eq!(next_title(from).as_deref(), Some(to), "{from}");
    }
}

#[test]
fn an_inline_form_becomes_a_salon() {
    let f = fields(&raw(&[
        ("end", "17:00"),
        ("title", "第二期线下沙龙"),
        ("start", "2026-12-19 14:00"),
        ("地点", "杭州云栖小镇"),
        ("capacity", "30"),
        ("min_years", "3"),
        ("approval", "auto"),
        ("agenda", "14:00-14:30 签到; 14:30-17:00 座谈"),
        ("group_link", "-"),
    ]))
    .unwrap();
    let mut d = SalonDraft::default();
    d.apply(&f).unwrap();
    let form = d.validate(now(), true).unwrap();
    let s = form.salon;
    assert_eq!(s.title.get(crate::ids::Locale::En), "第二期线下沙龙");
    assert_eq!(s.ends_at - s.starts_at, chrono::Duration::hours(3));
    assert_eq!((s.capacity, s.min_years, s.auto_approve), (30, 3, true));
    assert_eq!(s.agenda.zh, "14:00-14:30 签到\n14:30-17:00 座谈");
    assert_eq!(s.group_link, None);
    assert_eq!(s.timezone, sh());
}

#[test]
fn bad_input_is_refused_with_its_reason() {
    assert_eq!(
        fields(&raw(&[("colour", "red")])),
        Err(FormError::UnknownField("colour".into()))
    );
    let base = [
        ("title", "t"),
        ("start", "2026-12-19 14:00"),
        ("end", "17:00"),
        ("place", "p"),
        ("capacity", "30"),
    ];
    let check = |over: (&str, &str)| {
        let mut pairs: Vec<(&str, &str)> =
            base.iter().filter(|(k, _)| *k != over.0).copied().collect();
        pairs.push(over);
        let f = fields(&raw(&pairs)).unwrap();
        let mut d = SalonDraft::default();
        d.apply(&f)
            .and_then(|()| d.validate(now(), true).map(|_| ()))
    };
    assert_eq!(check(("end", "13:00")), Err(FormError::EndBeforeStart));
    assert_eq!(
        check(("start", "2026-11-30 14:00")),
        Err(FormError::StartInPast)
    );
    assert_eq!(
        check(("capacity", "0")),
        Err(FormError::CapacityNotPositive)
    );
    assert_eq!(
        check(("capacity", "thirty")),
        Err(FormError::CapacityNotPositive)
    );
    assert_eq!(
        check(("start", "tomorrow")),
        Err(FormError::BadTime(SalonField::Start))
    );
    assert_eq!(
        check(("closes", "2026-12-20 09:00")),
        Err(FormError::ClosesAfterStart)
    );
    assert_eq!(check(("approval", "maybe")), Err(FormError::BadApproval));
    let mut d = SalonDraft::default();
    d.apply(&fields(&raw(&[("title", "t")])).unwrap()).unwrap();
    assert_eq!(
        d.validate(now(), true),
        Err(FormError::Missing(SalonField::Start))
    );
}

fn asked(s: &Step) -> (SalonField, Option<FormError>) {
    match s {
        Step::AskSalon { field, error, .. } => (*field, error.clone()),
        other => panic!("expected a question, got {other:?}"),
    }
}

fn answer(s: Step, input: &str) -> Step {
    match s {
        Step::AskSalon {
            state: Dialogue::NewSalon { draft, asking },
            ..
        } => step(*draft, asking, input, today()),
        other => panic!("expected a question, got {other:?}"),
    }
}

#[test]
fn the_dialogue_asks_in_order_re_asks_with_a_reason_and_collects_the_agenda() {
    let s = start_dialogue(SalonDraft::default());
    assert_eq!(asked(&s), (SalonField::Title, None));
    let s = answer(s, "第三期线下沙龙");
    assert_eq!(asked(&s), (SalonField::Start, None));
    let s = answer(s, "2026-11-20 14:00");
    assert_eq!(asked(&s), (SalonField::Start, Some(FormError::StartInPast)));
    let s = answer(s, "2026-12-26 14:00");
    assert_eq!(asked(&s), (SalonField::End, None));
    let s = answer(s, "13:00");
    assert_eq!(
        asked(&s),
        (SalonField::End, Some(FormError::EndBeforeStart))
    );
    let s = answer(s, "17:30");
    let s = answer(s, "云栖小镇 A 座");
    assert_eq!(asked(&s), (SalonField::Capacity, None));
    let s = answer(s, "-3");
    assert_eq!(
        asked(&s),
        (SalonField::Capacity, Some(FormError::CapacityNotPositive))
    );
    let s = answer(s, "40");
    let s = answer(s, "2");
    let s = answer(s, "manual");
    assert_eq!(asked(&s), (SalonField::Agenda, None));
    let s = answer(s, "14:00-14:30 签到");
    assert_eq!(asked(&s), (SalonField::Agenda, None), "one item a message");
    let s = answer(s, "14:30-17:00 座谈\n17:00-17:30 合影");
    let s = answer(s, "");
    assert_eq!(asked(&s), (SalonField::GroupLink, None));
    match answer(s, "-") {
        Step::SalonDone(d) => {
            let form = d.validate(now(), true).unwrap();
            assert_eq!(form.salon.capacity, 40);
            assert_eq!(form.salon.min_years, 2);
            assert_eq!(
                form.salon.agenda.zh,
                "14:00-14:30 签到\n14:30-17:00 座谈\n17:00-17:30 合影"
            );
            assert_eq!(form.salon.group_link, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_dialogue_state_survives_storage_as_json() {
    let s = answer(start_dialogue(SalonDraft::default()), "t");
    let Step::AskSalon { state, .. } = s else {
        panic!()
    };
    let json = serde_json::to_string(&state).unwrap();
    assert_eq!(serde_json::from_str::<Dialogue>(&json).unwrap(), state);
}

#[test]
fn a_new_start_without_an_end_keeps_the_length() {
    let mut d = SalonDraft::default();
    d.apply(&fields(&raw(&[("start", "2026-12-19 14:00"), ("end", "17:30")])).unwrap())
        .unwrap();
    d.apply_keeping_length(&fields(&raw(&[("start", "2027-01-16 09:00")])).unwrap())
        .unwrap();
    let (s, e) = (d.starts_at.unwrap(), d.ends_at.unwrap());
    assert_eq!(e - s, chrono::Duration::minutes(210));
    assert_eq!(e, parse_local("2027-01-16 12:30", sh(), None).unwrap());
    // An end given with it is taken as given.
    d.apply_keeping_length(
        &fields(&raw(&[("start", "2027-01-16 10:00"), ("end", "11:00")])).unwrap(),
    )
    .unwrap();
    assert_eq!(d.ends_at, parse_local("2027-01-16 11:00", sh(), None));
}
