use super::*;
use proptest::prelude::*;

const M: &str = "***";

/// (input, expected output with `***` as the mask)
const FORMS: &[(&str, &str)] = &[
    // mainland mobiles in many spellings
    ("电话 13812345678", "电话 ***"),
    ("电话13812345678谢谢", "电话***谢谢"),
    ("138 1234 5678", "***"),
    ("138-1234-5678", "***"),
    ("138.1234.5678", "***"),
    ("１３８１２３４５６７８", "***"),
    ("打 １３８ １２３４ ５６７８ 吧", "打 *** 吧"),
    ("138\u{200B}1234\u{200B}5678", "***"),
    ("1\u{200C}3\u{200D}8\u{2060}1234\u{FEFF}5678 ok", "*** ok"),
    ("１３８－１２３４－５６７８", "***"),
    ("call 13812345678, or 13987654321.", "call ***, or ***."),
    ("+86 138 1234 5678", "***"),
    ("＋８６ １３８１２３４５６７８", "***"),
    ("+49 151 1234 5678 now", "*** now"),
    ("座机 0571-88889999", "座机 ***"),
    // e-mails
    ("mail li.lei@example.com", "mail ***"),
    ("li.lei＠example．com", "***"),
    ("a [at] b.com", "***"),
    ("a(at)b.com", "***"),
    ("a (at) b (dot) com", "***"),
    ("lilei at example dot com", "***"),
    ("lilei at example.com", "***"),
    ("lilei [at] example [dot] com!", "***!"),
    ("ｌｉｌｅｉ＠ｑｑ．ｃｏｍ", "***"),
    ("li\u{200B}lei@example.com", "***"),
    // WeChat / QQ ids
    ("加微信 lilei_2024 聊", "加*** 聊"),
    ("微信号：lilei2024", "***"),
    ("vx: abc12345", "***"),
    ("WeChat: li-lei-88", "***"),
    ("QQ 12345678", "***"),
    ("扣扣：１２３４５６７８", "***"),
    // negatives: must stay as they are
    (
        "预算 5000 元，工期 30 天，v2 版本",
        "预算 5000 元，工期 30 天，v2 版本",
    ),
    ("2027-01-31 前交付", "2027-01-31 前交付"),
    ("价格 ¥13,800", "价格 ¥13,800"),
    ("预算 13800-18000", "预算 13800-18000"),
    ("job #1380 and /job 42", "job #1380 and /job 42"),
    ("version 1.3.8 or v13.8.0", "version 1.3.8 or v13.8.0"),
    ("订单号 138123456789012", "订单号 138123456789012"),
    ("时间 13:30-18:00", "时间 13:30-18:00"),
    ("Rust 1.85.0 and Python 3.13", "Rust 1.85.0 and Python 3.13"),
    ("see example.com at noon", "see example.com at noon"),
    ("１２３ 元", "１２３ 元"),
];

#[test]
fn every_contact_form_is_masked_and_ordinary_numbers_are_not() {
    assert!(FORMS.len() >= 30);
    for (input, want) in FORMS {
        assert_eq!(mask_contacts(input, M), *want, "{input:?}");
    }
}

#[test]
fn masked_output_keeps_none_of_the_digits() {
    for (input, want) in FORMS {
        if input == want {
            continue;
        }
        let out = mask_contacts(input, M);
        let digits: String = fold(&out)
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let kept: String = fold(want)
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        assert_eq!(digits, kept, "{input:?} → {out:?}");
    }
}

/// A maximal run of ASCII digits (after folding) that is a mainland mobile.
fn has_mobile_run(text: &str) -> bool {
    fold(text)
        .text
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| {
            let b = run.as_bytes();
            b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
        })
}

fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("1".to_string()),
        Just("3".to_string()),
        Just("8".to_string()),
        "[0-9]{1,11}",
        "[０-９]{1,4}",
        Just("13812345678".to_string()),
        Just("１３９８７６５４３２１".to_string()),
        Just("\u{200B}".to_string()),
        Just("\u{FEFF}".to_string()),
        Just(" ".to_string()),
        Just("-".to_string()),
        Just(".".to_string()),
        Just("@".to_string()),
        Just("[at]".to_string()),
        Just("微信".to_string()),
        Just("QQ".to_string()),
        Just("+".to_string()),
        "[a-z]{1,6}",
        "\\PC{1,3}",
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn masking_never_panics_on_any_text(s in "\\PC*|.*") {
        let _ = mask_contacts(&s, M);
    }

    #[test]
    fn masking_twice_is_masking_once(s in texty()) {
        let once = mask_contacts(&s, M);
        prop_assert_eq!(mask_contacts(&once, M), once.clone());
        let real = mask_contacts(&s, crate::i18n::MASK);
        prop_assert_eq!(mask_contacts(&real, crate::i18n::MASK), real);
    }

    /// Any string at all (control characters, combining marks, lone zero-width joiners).
    #[test]
    fn masking_any_string_never_panics_and_is_idempotent(s in any::<String>()) {
        let once = mask_contacts(&s, M);
        prop_assert_eq!(mask_contacts(&once, M), once);
    }

    #[test]
    fn masked_text_holds_no_mobile_number(s in texty()) {
        let out = mask_contacts(&s, M);
        prop_assert!(!has_mobile_run(&out), "{:?} → {:?}", s, out);
    }
}
