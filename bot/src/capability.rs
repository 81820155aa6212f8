//! Fitting a message to what a platform can show. Presentation may degrade; privacy may not.

use crate::message::{Attachment, Button, Invite, Recipient, Reply};
use thiserror::Error;

/// What an adapter can do, declared once by the adapter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub buttons: bool,
    pub max_buttons: usize,
    pub threads: bool,
    pub direct_messages: bool,
    pub edits: bool,
    pub attachments: bool,
    /// Longest text of one message, counted in `len_unit`.
    pub max_len: usize,
    pub len_unit: LenUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LenUnit {
    Chars,
    /// UTF-8 bytes (WeCom counts bytes).
    Bytes,
}

impl Capabilities {
    /// Plain text everywhere: the console and the least capable platforms.
    pub const PLAIN: Capabilities = Capabilities {
        buttons: false,
        max_buttons: 0,
        threads: false,
        direct_messages: true,
        edits: false,
        attachments: true,
        max_len: 4000,
        len_unit: LenUnit::Chars,
    };
}

/// One platform message, ready for the adapter's own markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub to: Recipient,
    pub text: String,
    pub buttons: Vec<Button>,
    pub attachment: Option<Attachment>,
    /// Thread to post in (only when the platform has threads).
    pub thread: Option<String>,
    /// Group invitation for the adapter to carry out (last part only).
    pub invite: Option<Invite>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FitError {
    #[error("a private message cannot be delivered: the platform has no direct messages")]
    PrivateWithoutDm,
}

/// Where `reply` to `to` lands on a platform with `caps`: a private reply addressed in a
/// group goes to the user's direct chat (the outbox lane paces it there too).
pub fn landing(reply: &Reply, to: &Recipient, caps: &Capabilities) -> Result<Recipient, FitError> {
    let mut to = to.clone();
    if reply.private && to.conversation.is_some() {
        if !caps.direct_messages {
            return Err(FitError::PrivateWithoutDm);
        }
        to.conversation = None;
    }
    Ok(to)
}

/// Fits `reply` for `to` on a platform with `caps`: buttons become command lines, a thread
/// becomes a quote, long text is split at line ends, a private reply goes to a DM.
pub fn fit(reply: &Reply, to: &Recipient, caps: &Capabilities) -> Result<Vec<Fitted>, FitError> {
    let to = landing(reply, to, caps)?;
    let mut text = String::with_capacity(reply.text.len() + 64);
    let mut thread = None;
    if let Some(t) = &reply.reply_to {
        if caps.threads {
            thread = Some(t.message_id.clone());
        } else if let Some(q) = &t.quote {
            for line in q.lines().take(3) {
                text.push_str("> ");
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    text.push_str(&reply.text);
    let n_buttons = if caps.buttons {
        caps.max_buttons.min(reply.buttons.len())
    } else {
        0
    };
    let (kept, as_text) = reply.buttons.split_at(n_buttons);
    for b in as_text {
        text.push_str(&format!("\n[{}] {}", b.label, b.command));
    }
    // A pending QR code is drawn here, at delivery, never in the writer.
    let mut attachment = reply.attachment.as_ref().and_then(Attachment::drawn);
    if attachment.is_some() && !caps.attachments {
        attachment = None;
    }
    let parts = split(text, caps.max_len.max(16), caps.len_unit);
    let last = parts.len() - 1;
    Ok(parts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Fitted {
            to: to.clone(),
            text,
            buttons: if i == last { kept.to_vec() } else { Vec::new() },
            attachment: if i == last { attachment.clone() } else { None },
            thread: thread.clone(),
            invite: if i == last {
                reply.invite.clone()
            } else {
                None
            },
        })
        .collect())
}

fn measure(s: &str, unit: LenUnit) -> usize {
    match unit {
        LenUnit::Chars => s.chars().count(),
        LenUnit::Bytes => s.len(),
    }
}

/// Splits at line ends where possible, inside a line where a line alone is too long.
fn split(mut text: String, max: usize, unit: LenUnit) -> Vec<String> {
    // Almost every reply fits in one part: kept as it is, not copied line by line (this
    // ran for every inline Slack answer, ≈ 5 % of the HTTP workers' time under load).
    if measure(&text, unit) <= max {
        text.truncate(text.trim_end_matches('\n').len());
        return vec![text];
    }
    let mut parts = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if measure(&cur, unit) + measure(line, unit) <= max {
            cur.push_str(line);
            continue;
        }
        if !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        let mut rest = line;
        while measure(rest, unit) > max {
            let mut cut = 0;
            for (i, c) in rest.char_indices() {
                if measure(&rest[..i + c.len_utf8()], unit) > max {
                    break;
                }
                cut = i + c.len_utf8();
            }
            parts.push(rest[..cut].to_string());
            rest = &rest[cut..];
        }
        cur.push_str(rest);
    }
    if !cur.is_empty() || parts.is_empty() {
        parts.push(cur);
    }
    for p in &mut parts {
        while p.ends_with('\n') {
            p.pop();
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Platform, UserRef};
    use crate::message::ThreadRef;

    fn to_channel() -> Recipient {
        Recipient {
            user: UserRef::new(Platform::Slack, "U1"),
            conversation: Some("C1".into()),
        }
    }

    fn approve_reply() -> Reply {
        Reply::text("新报名 New registration").with_buttons(vec![
            Button {
                label: "批准".into(),
                command: "/approve 1 alice".into(),
                style: Default::default(),
            },
            Button {
                label: "拒绝".into(),
                command: "/reject 1 alice".into(),
                style: Default::default(),
            },
        ])
    }

    #[test]
    fn buttons_become_command_lines_where_the_platform_has_none() {
        let out = fit(&approve_reply(), &to_channel(), &Capabilities::PLAIN).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].text,
            "新报名 New registration\n[批准] /approve 1 alice\n[拒绝] /reject 1 alice"
        );
        assert!(out[0].buttons.is_empty());
    }

    #[test]
    fn buttons_stay_buttons_up_to_the_platform_maximum() {
        let caps = Capabilities {
            buttons: true,
            max_buttons: 1,
            ..Capabilities::PLAIN
        };
        let out = fit(&approve_reply(), &to_channel(), &caps).unwrap();
        assert_eq!(out[0].buttons.len(), 1);
        assert!(out[0].text.ends_with("[拒绝] /reject 1 alice"));
    }

    #[test]
    fn a_private_reply_never_goes_to_a_shared_channel() {
        let r = Reply::text("secret").private();
        let out = fit(&r, &to_channel(), &Capabilities::PLAIN).unwrap();
        assert_eq!(out[0].to.conversation, None);
        let no_dm = Capabilities {
            direct_messages: false,
            ..Capabilities::PLAIN
        };
        assert_eq!(
            fit(&r, &to_channel(), &no_dm),
            Err(FitError::PrivateWithoutDm)
        );
    }

    #[test]
    fn a_thread_reply_becomes_a_quote_without_threads() {
        let mut r = Reply::text("answer");
        r.reply_to = Some(ThreadRef {
            message_id: "m1".into(),
            quote: Some("question?".into()),
        });
        let plain = fit(&r, &to_channel(), &Capabilities::PLAIN).unwrap();
        assert_eq!(plain[0].text, "> question?\nanswer");
        assert_eq!(plain[0].thread, None);
        let threads = Capabilities {
            threads: true,
            ..Capabilities::PLAIN
        };
        let th = fit(&r, &to_channel(), &threads).unwrap();
        assert_eq!(th[0].text, "answer");
        assert_eq!(th[0].thread.as_deref(), Some("m1"));
    }

    #[test]
    fn long_text_is_split_at_line_ends_within_the_limit() {
        let text = (0..10)
            .map(|i| format!("line {i} 行"))
            .collect::<Vec<_>>()
            .join("\n");
        for unit in [LenUnit::Chars, LenUnit::Bytes] {
            let caps = Capabilities {
                max_len: 20,
                len_unit: unit,
                ..Capabilities::PLAIN
            };
            let out = fit(&approve_reply_with(&text), &to_channel(), &caps).unwrap();
            assert!(out.len() > 1);
            for p in &out {
                assert!(measure(&p.text, unit) <= 20, "{:?}", p.text);
            }
            let joined: String = out
                .iter()
                .map(|p| p.text.clone())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(joined.starts_with(&text), "nothing is lost");
            assert!(out[..out.len() - 1].iter().all(|p| p.buttons.is_empty()));
        }
    }

    #[test]
    fn a_line_longer_than_the_limit_is_cut_on_character_boundaries() {
        let text = "报".repeat(30);
        let caps = Capabilities {
            max_len: 20,
            len_unit: LenUnit::Bytes,
            ..Capabilities::PLAIN
        };
        let out = fit(&Reply::text(text.clone()), &to_channel(), &caps).unwrap();
        assert_eq!(
            out.iter().map(|p| p.text.as_str()).collect::<String>(),
            text
        );
        assert!(out.iter().all(|p| p.text.len() <= 20));
    }

    #[test]
    fn a_text_that_fits_is_one_part_without_trailing_line_ends() {
        // One character under the limit, exactly at it, and one over (split at the line end).
        let line = "一二三四五六七";
        for (text, want) in [
            (format!("{line}\n{line}"), vec![format!("{line}\n{line}")]),
            (format!("{line}\n{line}\n"), vec![format!("{line}\n{line}")]),
            (
                format!("{line}\n{line}\n一"),
                vec![format!("{line}\n{line}"), "一".into()],
            ),
        ] {
            let caps = Capabilities {
                max_len: 16,
                len_unit: LenUnit::Chars,
                ..Capabilities::PLAIN
            };
            let out = fit(&Reply::text(text.clone()), &to_channel(), &caps).unwrap();
            let got: Vec<String> = out.into_iter().map(|p| p.text).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    fn approve_reply_with(text: &str) -> Reply {
        let mut r = approve_reply();
        r.text = text.to_string();
        r
    }
}
