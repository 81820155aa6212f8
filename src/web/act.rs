//! Console actions: each is the organizer's own chat command (`Command::to_text`),
//! submitted to the core with their account and `reply_inline`, so the same rules,
//! member notifications (outbox) and audit apply, and the engine's answer comes back
//! for the page. The event id starts with `web:` (the audit says "via web") and is
//! derived from the form's nonce and content, so a resubmitted form has no second effect.

use super::auth::{server_error, Admin};
use super::pages::guests::Filters;
use super::pages::{jobs, salon};
use super::WebState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use std::hash::{DefaultHasher, Hash, Hasher};
use yunqi_bot::command::{Command, Who};
use yunqi_bot::event::{EventKind, Inbound, WEB_EVENT_PREFIX};
use yunqi_bot::i18n::WebText as T;
use yunqi_bot::ids::SalonId;
use yunqi_bot::job::JobId;
use yunqi_storage::AppStore;

type Fields = Vec<(String, String)>;

fn get<'f>(f: &'f Fields, key: &str) -> Option<&'f str> {
    f.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn all<'f>(f: &'f Fields, key: &str) -> Vec<&'f str> {
    f.iter()
        .filter(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The nonce the page put in its form (hex), or a fresh one.
fn nonce(f: &Fields) -> String {
    get(f, "n")
        .filter(|n| n.len() <= 64 && n.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .unwrap_or_else(|| super::auth::random_hex(16))
}

/// Submits the commands as the signed-in user; returns the engine's answers.
pub(super) async fn submit<S: AppStore>(
    s: &WebState<S>,
    a: &Admin,
    f: &Fields,
    commands: Vec<Command>,
) -> Result<Vec<String>, Response> {
    let n = nonce(f);
    let mut out = Vec::new();
    for (i, c) in commands.into_iter().enumerate() {
        let text = c.to_text();
        let mut h = DefaultHasher::new();
        text.hash(&mut h);
        let ev = Inbound {
            event_id: Some(format!("{WEB_EVENT_PREFIX}{n}:{i}:{:016x}", h.finish())),
            user: a.user.clone(),
            conversation: None,
            message_id: None,
            locale_hint: None,
            kind: EventKind::Text(text),
            reply_inline: true,
        };
        let done = s.core.submit(ev).await.map_err(server_error)?;
        if done.duplicate {
            out.push(T::AlreadyDone.render(a.locale).to_string());
        }
        out.extend(
            done.inline
                .into_iter()
                .map(|o| std::sync::Arc::unwrap_or_clone(o.reply).text),
        );
    }
    Ok(out)
}

/// `row=<action>|<account>` (one row's button) or `action=<action>` with the ticked `u`s.
fn targets(f: &Fields) -> (Option<String>, Vec<String>) {
    if let Some((act, who)) = get(f, "row").and_then(|r| r.split_once('|')) {
        return (Some(act.to_string()), vec![who.to_string()]);
    }
    let users = all(f, "u").into_iter().map(str::to_string).collect();
    (get(f, "action").map(str::to_string), users)
}

pub async fn salon<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Path(id): Path<i64>,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = a.check_csrf(&f) {
        return r.into_response();
    }
    if let Err(r) = a.organizer() {
        return r.into_response();
    }
    let l = a.locale;
    let salon_id = SalonId(id);
    let (action, users) = targets(&f);
    let reason = get(&f, "reason")
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let commands: Result<Vec<Command>, T> = match action.as_deref() {
        _ if users.is_empty() => Err(T::NothingSelected),
        Some("approve") => Ok(vec![Command::Approve {
            salon: salon_id,
            who: Who::Users(users),
        }]),
        Some("reject") => match reason {
            None => Err(T::ReasonRequired),
            Some(r) => Ok(users
                .into_iter()
                .map(|u| Command::Reject {
                    salon: salon_id,
                    user: u,
                    reason: Some(r.clone()),
                })
                .collect()),
        },
        Some("checkin") => Ok(users
            .into_iter()
            .map(|u| Command::CheckInUser {
                salon: salon_id,
                user: u,
            })
            .collect()),
        _ => Err(T::NotFound),
    };
    let results = match commands {
        Ok(c) => match submit(&s, &a, &f, c).await {
            Ok(r) => r,
            Err(resp) => return resp,
        },
        Err(why) => vec![why.render(l).to_string()],
    };
    let filters = Filters {
        status: get(&f, "status").map(str::to_string),
        platform: get(&f, "platform").map(str::to_string),
        q: get(&f, "q").map(str::to_string),
    };
    match get(&f, "back") {
        Some("door") => super::pages::door::render(&s, &a, id, get(&f, "find"), &results).await,
        _ => salon::render(&s, &a, id, &filters, &results).await,
    }
}

pub async fn jobs<S: AppStore>(
    State(s): State<WebState<S>>,
    a: Admin,
    Form(f): Form<Fields>,
) -> Response {
    if let Err(r) = a.check_csrf(&f) {
        return r.into_response();
    }
    let l = a.locale;
    let job = get(&f, "job")
        .and_then(|j| j.parse::<i64>().ok())
        .map(JobId);
    let reason = get(&f, "reason")
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    let command = match (get(&f, "action"), job) {
        (Some("publish"), Some(job)) => Ok(Command::Publish(job)),
        (Some("decline"), Some(job)) => match reason {
            Some(reason) => Ok(Command::Decline { job, reason }),
            None => Err(T::ReasonRequired),
        },
        _ => Err(T::NotFound),
    };
    let results = match command {
        Ok(c) => match submit(&s, &a, &f, vec![c]).await {
            Ok(r) => r,
            Err(resp) => return resp,
        },
        Err(why) => vec![why.render(l).to_string()],
    };
    jobs::render(&s, &a, &results).await
}
