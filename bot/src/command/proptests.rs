//! `parse(c.to_text()) == c` for generated commands of every variant.

use super::args::{is_all, is_link_confirm, is_private};
use super::*;
use crate::spec::checklist::Resolution;
use proptest::prelude::*;
use proptest::strategy::Union;

/// Any text without control characters, spaces and quotes included.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{0,12}"
}

/// Free text taken verbatim after the id: trimmed and not empty.
fn sentence() -> impl Strategy<Value = String> {
    text().prop_filter_map("blank", |t| {
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    })
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(text())
}

fn id() -> impl Strategy<Value = i64> {
    1..i64::MAX
}

fn salon() -> impl Strategy<Value = SalonId> {
    id().prop_map(SalonId)
}

fn job() -> impl Strategy<Value = JobId> {
    id().prop_map(JobId)
}

/// Several words, but not the lone `all` that means everyone.
fn users() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(text(), 1..4).prop_filter("all", |u| !(u.len() == 1 && is_all(&u[0])))
}

fn profile() -> impl Strategy<Value = ProfileFields> {
    (opt_text(), opt_text(), opt_text(), opt_text(), opt_text()).prop_map(
        |(name, phone, position, years, skills)| ProfileFields {
            name,
            phone,
            position,
            years,
            skills,
        },
    )
}

fn job_fields() -> impl Strategy<Value = JobFields> {
    (
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
        opt_text(),
    )
        .prop_map(
            |(title, description, tags, budget, deadline, acceptance)| JobFields {
                title,
                description,
                tags,
                budget,
                deadline,
                acceptance,
                spec: Vec::new(),
            },
        )
}

/// Salon fields as typed: any known or unknown key, any value.
fn salon_fields() -> impl Strategy<Value = Vec<(String, String)>> {
    let key = prop_oneof![
        Just("title".to_string()),
        Just("start".to_string()),
        Just("地点".to_string()),
        Just("capacity".to_string()),
        Just("colour".to_string()),
    ];
    proptest::collection::vec((key, text()), 0..4)
}

fn role() -> impl Strategy<Value = crate::ports::GrantedRole> {
    use crate::ports::GrantedRole as R;
    prop_oneof![Just(R::Organizer), Just(R::Operator), Just(R::Client)]
}

fn first_word_private(t: &str) -> bool {
    is_private(t.split_once(char::is_whitespace).map_or(t, |x| x.0))
}

fn command() -> impl Strategy<Value = Command> {
    use Command as C;
    let quiet = (0u32..1440, 0u32..1440)
        .prop_filter("empty", |(a, b)| a != b)
        .prop_map(|(start, end)| Quiet { start, end });
    Union::new(vec![
        Just(C::Help).boxed(),
        prop_oneof![Just(Locale::Zh), Just(Locale::En)]
            .prop_map(C::Lang)
            .boxed(),
        Just(C::Salons).boxed(),
        salon().prop_map(C::Salon).boxed(),
        (salon(), profile())
            .prop_map(|(salon, fields)| C::Register { salon, fields })
            .boxed(),
        proptest::option::of(salon()).prop_map(C::Cancel).boxed(),
        salon().prop_map(C::Confirm).boxed(),
        salon().prop_map(C::Ticket).boxed(),
        text().prop_map(C::CheckIn).boxed(),
        (salon(), text())
            // `/checkin 7232 M9XD` is a ticket code in halves, not salon 7232's M9XD.
            .prop_filter("a ticket code in halves", |(salon, user)| {
                !crate::ticket::is_split_code(&salon.0.to_string(), user)
            })
            .prop_map(|(salon, user)| C::CheckInUser { salon, user })
            .boxed(),
        profile().prop_map(C::Profile).boxed(),
        // A lone `confirm` asks for its token rather than being a code.
        opt_text()
            .prop_filter("confirm", |c| !c.as_deref().is_some_and(is_link_confirm))
            .prop_map(C::Link)
            .boxed(),
        text().prop_map(C::LinkConfirm).boxed(),
        Just(C::Whoami).boxed(),
        salon().prop_map(C::Pending).boxed(),
        (
            salon(),
            prop_oneof![Just(Who::All), users().prop_map(Who::Users)],
        )
            .prop_map(|(salon, who)| C::Approve { salon, who })
            .boxed(),
        (salon(), text(), opt_text())
            .prop_map(|(salon, user, reason)| C::Reject {
                salon,
                user,
                reason,
            })
            .boxed(),
        salon().prop_map(C::CheckinCode).boxed(),
        salon().prop_map(C::Attendees).boxed(),
        job_fields().prop_map(C::Post).boxed(),
        Just(C::MyJobs).boxed(),
        job().prop_map(C::Applicants).boxed(),
        (job(), text())
            .prop_map(|(job, user)| C::Assign { job, user })
            .boxed(),
        job().prop_map(C::Accept).boxed(),
        job().prop_map(C::Close).boxed(),
        opt_text().prop_map(C::Jobs).boxed(),
        job().prop_map(C::Job).boxed(),
        proptest::collection::vec(text(), 0..4)
            .prop_map(C::Subscribe)
            .boxed(),
        prop_oneof![Just(Vec::new()), users()]
            .prop_map(C::Unsubscribe)
            .boxed(),
        prop_oneof![Just(DigestMode::Instant), Just(DigestMode::Daily)]
            .prop_map(C::Digest)
            .boxed(),
        proptest::option::of(quiet).prop_map(C::Quiet).boxed(),
        (job(), sentence())
            .prop_map(|(job, pitch)| C::Apply { job, pitch })
            .boxed(),
        job().prop_map(C::Deliver).boxed(),
        Just(C::Moderate).boxed(),
        job().prop_map(C::Publish).boxed(),
        (job(), sentence())
            .prop_map(|(job, reason)| C::Decline { job, reason })
            .boxed(),
        (job(), any::<bool>(), sentence())
            .prop_filter("a public question starting with `private`", |(_, p, t)| {
                *p || !first_word_private(t)
            })
            .prop_map(|(job, private, text)| C::Ask { job, private, text })
            .boxed(),
        (id(), proptest::option::of(sentence()))
            .prop_map(|(q, text)| C::Answer {
                question: QuestionId(q),
                text,
            })
            .boxed(),
        job().prop_map(C::Faq).boxed(),
        (job(), proptest::option::of(1..=u32::MAX))
            .prop_map(|(job, version)| C::Spec { job, version })
            .boxed(),
        Just(C::Questions).boxed(),
        job().prop_map(C::Follow).boxed(),
        job().prop_map(C::Unfollow).boxed(),
        (job(), 1..=u32::MAX)
            .prop_map(|(job, item)| C::AcceptItem { job, item })
            .boxed(),
        (job(), 1..=u32::MAX, proptest::option::of(sentence()))
            .prop_map(|(job, item, evidence)| C::DeliverItem {
                job,
                item,
                evidence,
            })
            .boxed(),
        (job(), 1..=u32::MAX, sentence())
            .prop_map(|(job, item, reason)| C::RejectItem { job, item, reason })
            .boxed(),
        (job(), sentence())
            .prop_map(|(job, reason)| C::Dispute { job, reason })
            .boxed(),
        (
            job(),
            prop_oneof![Just(Resolution::Accepted), Just(Resolution::Reopened)],
            sentence(),
        )
            .prop_map(|(job, how, note)| C::Resolve { job, how, note })
            .boxed(),
        (
            job(),
            proptest::collection::vec(
                (
                    prop_oneof![
                        Just("goal"),
                        Just("scope_in"),
                        Just("acceptance"),
                        Just("kind")
                    ],
                    sentence(),
                ),
                1..4,
            ),
        )
            .prop_map(|(job, fields)| C::SpecEdit {
                job,
                fields: fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            })
            .boxed(),
        Just(C::SalonsAll).boxed(),
        (proptest::option::of(salon()), salon_fields())
            .prop_map(|(copy, fields)| C::NewSalon { copy, fields })
            .boxed(),
        (salon(), salon_fields())
            .prop_map(|(salon, fields)| C::EditSalon { salon, fields })
            .boxed(),
        (salon(), sentence())
            .prop_map(|(salon, reason)| C::CancelSalon { salon, reason })
            .boxed(),
        salon().prop_map(C::CloseSalon).boxed(),
        salon().prop_map(C::OpenSalon).boxed(),
        (salon(), any::<bool>(), sentence())
            .prop_filter("a text starting with `all`", |(_, all, t)| {
                *all || !is_all(t.split_once(char::is_whitespace).map_or(t, |x| x.0))
            })
            .prop_map(|(salon, all, text)| C::Announce { salon, all, text })
            .boxed(),
        Just(C::Mine).boxed(),
        (salon(), proptest::option::of(1u8..=5))
            .prop_map(|(salon, rating)| C::Feedback { salon, rating })
            .boxed(),
        salon().prop_map(C::Stats).boxed(),
        (role(), text())
            .prop_map(|(role, user)| C::Grant { role, user })
            .boxed(),
        (role(), text())
            .prop_map(|(role, user)| C::Revoke { role, user })
            .boxed(),
        Just(C::Dashboard).boxed(),
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_command_reads_back_from_its_text(c in command()) {
        let text = c.to_text();
        prop_assert_eq!(parse(&text), Parsed::Command(c), "{}", text);
    }
}

#[test]
fn the_generator_covers_every_command_name() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = command();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..5000 {
        if let Ok(tree) = strategy.new_tree(&mut runner) {
            seen.insert(tree.current().name());
        }
    }
    let missing: Vec<Name> = Name::all().filter(|n| !seen.contains(n)).collect();
    assert!(missing.is_empty(), "{missing:?}");
}
