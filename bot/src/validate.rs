//! Domain values that validate on parse. A value of these types is always valid.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an answer was refused; rendered to the user in their language by `i18n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Empty,
    TooLong { max: usize },
    ControlChars,
    PhoneFormat,
    YearsNotWhole,
    YearsRange { max: u32 },
}

/// A mobile number: an 11-digit Chinese mobile (`13800000000`) or E.164 (`+4915112345678`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, Invalid> {
        let s: String = input
            .trim()
            .chars()
            .map(fullwidth_to_ascii)
            .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
            .collect();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        let (plus, digits) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::PhoneFormat);
        }
        // +86 / 0086 / 86 followed by a Chinese mobile is the same number.
        let cn = digits
            .strip_prefix("0086")
            .or_else(|| digits.strip_prefix("86").filter(|d| d.len() == 11))
            .unwrap_or(digits);
        if is_cn_mobile(cn) && (!plus || digits.starts_with("86")) {
            return Ok(Phone(cn.to_string()));
        }
        // +86 must be a Chinese mobile; other country codes are taken as E.164.
        if plus
            && !digits.starts_with("86")
            && (8..=15).contains(&digits.len())
            && !digits.starts_with('0')
        {
            return Ok(Phone(format!("+{digits}")));
        }
        Err(Invalid::PhoneFormat)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****0000`; what everyone but organizers sees.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let keep_head = if self.0.starts_with('+') { 4 } else { 3 };
        let n = chars.len();
        if n <= keep_head + 4 {
            return "*".repeat(n);
        }
        let head: String = chars[..keep_head].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - keep_head - 4))
    }
}

fn is_cn_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

fn fullwidth_to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＋' => '+',
        '　' => ' ',
        '－' => '-',
        _ => c,
    }
}

impl TryFrom<String> for Phone {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Phone::parse(&s).map_err(|e| format!("{e:?}"))
    }
}
impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// Whole years of professional experience, 0..=60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Years(u32);

impl Years {
    pub const MAX: u32 = 60;

    pub fn parse(input: &str) -> Result<Years, Invalid> {
        let s: String = input
            .trim()
            .chars()
            .map(fullwidth_to_ascii)
            .collect::<String>()
            .to_lowercase();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, rest) = s.split_at(digits_end);
        let suffix = rest.trim();
        let suffix_ok = matches!(
            suffix,
            "" | "年" | "y" | "yr" | "yrs" | "year" | "years" | "年经验" | "年工作经验"
        );
        if num.is_empty() || !suffix_ok {
            return Err(Invalid::YearsNotWhole);
        }
        let n: u32 = num
            .parse()
            .map_err(|_| Invalid::YearsRange { max: Self::MAX })?;
        if n > Self::MAX {
            return Err(Invalid::YearsRange { max: Self::MAX });
        }
        Ok(Years(n))
    }

    pub fn new(n: u32) -> Option<Years> {
        (n <= Self::MAX).then_some(Years(n))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Years {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Free text as it may be stored and shown: no C0/C1 control characters except newline
/// and tab (ESC or BEL would drive the console or a terminal that prints it), line ends
/// folded to `\n`, trimmed. Length limits stay with the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CleanText(String);

/// A character no stored text may hold.
pub fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

impl CleanText {
    /// Refuses text holding control characters: for what the author should look at and
    /// retype (questions, answers, pitches, job and profile fields).
    pub fn parse(input: &str) -> Result<CleanText, Invalid> {
        let s = fold_line_ends(input);
        if s.chars().any(is_forbidden_control) {
            return Err(Invalid::ControlChars);
        }
        Ok(CleanText(s.trim().to_string()))
    }

    /// Drops control characters: for text whose visible part is all that matters and whose
    /// action should not fail on an invisible byte (an organizer's reject/decline reason).
    pub fn strip(input: &str) -> CleanText {
        let s: String = fold_line_ends(input)
            .chars()
            .filter(|c| !is_forbidden_control(*c))
            .collect();
        CleanText(s.trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// `\r\n` and a lone `\r` are line ends some platforms send; they are not control input.
fn fold_line_ends(input: &str) -> String {
    input.replace("\r\n", "\n").replace('\r', "\n")
}

/// Trimmed, non-empty, clean (newlines and tabs allowed), at most `max` chars.
pub fn long_text(input: &str, max: usize) -> Result<String, Invalid> {
    let s = CleanText::parse(input)?.into_string();
    if s.is_empty() {
        return Err(Invalid::Empty);
    }
    if s.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    Ok(s)
}

fn short_text(input: &str, max: usize) -> Result<String, Invalid> {
    let s = input.trim();
    if s.is_empty() {
        return Err(Invalid::Empty);
    }
    if s.chars().any(char::is_control) {
        return Err(Invalid::ControlChars);
    }
    if s.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    Ok(s.to_string())
}

/// A person's name as they want it shown, 1..=40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, Invalid> {
        short_text(input, 40).map(PersonName)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A job title such as `后端工程师`, 1..=60 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position(String);

impl Position {
    pub fn parse(input: &str) -> Result<Position, Invalid> {
        short_text(input, 60).map(Position)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a job field was refused (beyond the shared `Invalid` reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobInvalid {
    Text(Invalid),
    NoTags,
    TooManyTags {
        max: usize,
    },
    TagChars,
    BudgetFormat,
    BudgetOrder,
    DeadlineFormat,
    DeadlinePast,
    /// A budget that rounds to less than one yuan (`0.4`).
    BudgetZero,
    /// A deadline more than `max_days` ahead, or a count too big to compute.
    DeadlineTooFar {
        max_days: u64,
    },
}

impl From<Invalid> for JobInvalid {
    fn from(i: Invalid) -> Self {
        JobInvalid::Text(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_chinese_and_e164_forms_are_accepted_and_normalised() {
        let ok = [
            ("13800000000", "13800000000"),
            ("138 0000 0000", "13800000000"),
            ("138-0000-0000", "13800000000"),
            ("+86 138 0000 0000", "13800000000"),
            ("8613800000000", "13800000000"),
            ("008613800000000", "13800000000"),
            ("１３８００００００００", "13800000000"),
            ("+4915112345678", "+4915112345678"),
            ("+1 (415) 555-0100", "+14155550100"),
        ];
        for (input, want) in ok {
            assert_eq!(
                Phone::parse(input).map(|p| p.0),
                Ok(want.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn phones_that_are_not_mobile_numbers_are_refused_with_a_reason() {
        let bad = [
            ("", Invalid::Empty),
            ("   ", Invalid::Empty),
            ("12800000000", Invalid::PhoneFormat), // second digit must be 3-9
            ("1380000000", Invalid::PhoneFormat),  // 10 digits
            ("138000000000", Invalid::PhoneFormat), // 12 digits
            ("4155550100", Invalid::PhoneFormat),  // foreign without +
            ("+0123456789", Invalid::PhoneFormat), // country code cannot start with 0
            ("+1234567", Invalid::PhoneFormat),    // too short for E.164
            ("+1234567890123456", Invalid::PhoneFormat), // 16 digits
            ("138abc00000", Invalid::PhoneFormat),
            ("+86 12800000000", Invalid::PhoneFormat),
        ];
        for (input, want) in bad {
            assert_eq!(Phone::parse(input), Err(want), "{input}");
        }
    }

    #[test]
    fn a_masked_phone_shows_only_its_head_and_last_four_digits() {
        assert_eq!(Phone::parse("13800001234").unwrap().masked(), "138****1234");
        assert_eq!(
            Phone::parse("+4915112345678").unwrap().masked(),
            "+491******5678"
        );
    }

    #[test]
    fn years_accept_plain_chinese_and_english_forms() {
        let ok = [
            ("5", 5),
            ("5年", 5),
            ("5 年", 5),
            ("5 years", 5),
            ("5 Years", 5),
            ("1 year", 1),
            ("0", 0),
            ("10yrs", 10),
            ("６０", 60),
        ];
        for (input, want) in ok {
            assert_eq!(Years::parse(input).map(Years::get), Ok(want), "{input}");
        }
    }

    #[test]
    fn years_that_are_not_a_whole_number_in_range_are_refused() {
        let bad = [
            ("", Invalid::Empty),
            ("five", Invalid::YearsNotWhole),
            ("3.5", Invalid::YearsNotWhole),
            ("-2", Invalid::YearsNotWhole),
            ("5 months", Invalid::YearsNotWhole),
            ("about 5", Invalid::YearsNotWhole),
            ("61", Invalid::YearsRange { max: 60 }),
            ("99999999999999", Invalid::YearsRange { max: 60 }),
        ];
        for (input, want) in bad {
            assert_eq!(Years::parse(input), Err(want), "{input}");
        }
    }

    #[test]
    fn names_and_positions_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("  张三 ").unwrap().as_str(), "张三");
        assert_eq!(PersonName::parse(""), Err(Invalid::Empty));
        assert_eq!(PersonName::parse("a\u{7}b"), Err(Invalid::ControlChars));
        assert_eq!(
            PersonName::parse(&"名".repeat(41)),
            Err(Invalid::TooLong { max: 40 })
        );
        assert!(PersonName::parse(&"名".repeat(40)).is_ok());
        assert_eq!(
            Position::parse(&"x".repeat(61)),
            Err(Invalid::TooLong { max: 60 })
        );
        assert_eq!(
            Position::parse("后端工程师").unwrap().as_str(),
            "后端工程师"
        );
    }

    #[test]
    fn control_characters_are_refused_by_parse_and_dropped_by_strip() {
        for bad in [
            "a\u{1b}[31mred",
            "ding\u{7}",
            "x\u{0}y",
            "del\u{7f}",
            "c1\u{9b}2J",
            "\u{85}",
        ] {
            assert_eq!(CleanText::parse(bad), Err(Invalid::ControlChars), "{bad:?}");
            assert!(!CleanText::strip(bad)
                .as_str()
                .chars()
                .any(is_forbidden_control));
        }
        assert_eq!(CleanText::strip("no\u{1b}[0m").as_str(), "no[0m");
        let ok = CleanText::parse(" line 1\r\nline\t2\r ").unwrap();
        assert_eq!(ok.as_str(), "line 1\nline\t2");
        assert_eq!(long_text("a\u{1b}b", 80), Err(Invalid::ControlChars));
        assert_eq!(long_text("col1\tcol2", 80).as_deref(), Ok("col1\tcol2"));
    }

    proptest::proptest! {
        #[test]
        fn clean_text_never_holds_a_forbidden_control_character(s in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}])*") {
            let stripped = CleanText::strip(&s);
            proptest::prop_assert!(!stripped.as_str().chars().any(is_forbidden_control));
            if let Ok(t) = CleanText::parse(&s) {
                proptest::prop_assert!(!t.as_str().chars().any(is_forbidden_control));
            }
            // What strip keeps, parse accepts unchanged.
            proptest::prop_assert_eq!(CleanText::parse(stripped.as_str()), Ok(stripped.clone()));
        }
    }
}
