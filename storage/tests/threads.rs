//! Clarification threads through the real core and SQLite (product.md §3).

use super::common::*;
use chrono::Duration;
use futures::future::BoxFuture;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use yunqi_bot::capability::{Capabilities, Fitted};
use yunqi_bot::ports::{Delivery, Outbound, SystemClock};
use yunqi_bot::runtime::Dispatcher;
use yunqi_bot::{Inbound, Platform, UserRef};

const POST: &str = r#"/post title="Rust CLI tool" description="把 CSV 转成报表" tags=rust,cli budget=5000-8000 deadline=2027-01-31 acceptance="runs on linux""#;

fn slack(id: &str) -> UserRef {
    UserRef::new(Platform::Slack, id)
}

/// A client on Slack posts job 1; returns the harness (`None`: backend not available).
async fn with_job() -> Option<Harness> {
    let h = Harness::new(vec![]).await?;
    h.say_as(&slack("UCLIENT"), POST).await;
    Some(h)
}

#[tokio::test]
async fn a_question_reaches_the_client_on_another_platform_and_the_answer_comes_back_in_the_askers_thread(
) {
    let h = harness!(with_job());
    let mut ask = Inbound::text(console("dev"), "/ask 1 需要支持 Windows 吗？");
    ask.message_id = Some("console-msg-7".into());
    h.core.submit(ask).await.unwrap();
    let sent = h.sent().await;
    let relay = sent
        .iter()
        .find(|s| s.to == "slack:UCLIENT")
        .expect("relayed to the client's platform");
    assert!(
        relay.text.contains("问题 #1")
            && relay.text.contains("需求 #1")
            && relay.text.contains("dev"),
        "who, which job, which question: {}",
        relay.text
    );
    assert_eq!(relay.commands, vec!["/answer 1"], "an answer button");
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("已转达")));

    let sent = h
        .say_as(&slack("UCLIENT"), "/answer 1 要，Windows 10 以上")
        .await;
    let back = sent
        .iter()
        .find(|s| s.to == "console:dev")
        .expect("answer to the asker");
    assert!(back.text.contains("要，Windows 10 以上"));
    assert_eq!(
        back.reply.reply_to.as_ref().map(|t| t.message_id.as_str()),
        Some("console-msg-7"),
        "in the asker's thread"
    );
    assert!(
        sent.iter()
            .any(|s| s.to == "slack:UCLIENT" && s.text.contains("v2")),
        "the client learns the spec version"
    );

    let spec = h.ask("anyone", "/spec 1").await;
    assert!(
        spec.contains("规格 v2")
            && spec.contains("问：需要支持 Windows 吗？")
            && spec.contains("v2 回答问题 #1"),
        "{spec}"
    );
    let v1 = h.ask("anyone", "/spec 1 v1").await;
    assert!(
        v1.contains("规格 v1") && !v1.contains("Windows"),
        "versions never change: {v1}"
    );
    assert!(h
        .ask("anyone", "/faq 1")
        .await
        .contains("答：要，Windows 10 以上"));
    assert!(h.ask("anyone", "/job 1").await.contains("规格 v2"));
    assert!(h.ask("anyone", "/spec 1 v9").await.contains("最新是 v2"));
}

#[tokio::test]
async fn public_answers_reach_followers_and_applicants_but_private_ones_only_the_asker() {
    let h = harness!(with_job());
    h.ask("follower", "/follow 1").await;
    h.ask("applicant", "/apply 1 我做过").await;
    h.ask("asker", "/ask 1 数据量多大？").await;
    let sent = h.say_as(&slack("UCLIENT"), "/answer 1 每天十万行").await;
    for who in ["console:follower", "console:applicant", "console:asker"] {
        assert!(
            sent.iter()
                .any(|s| s.to == who && s.text.contains("每天十万行")),
            "{who}: {sent:?}"
        );
    }
    h.ask("secret", "/ask 1 私密 预算可以到一万吗").await;
    let sent = h.say_as(&slack("UCLIENT"), "/answer 2 可以谈").await;
    let to: Vec<&str> = sent.iter().map(|s| s.to.as_str()).collect();
    assert!(to.contains(&"console:secret"));
    assert!(
        !to.contains(&"console:follower") && !to.contains(&"console:applicant"),
        "{to:?}"
    );
    assert!(
        sent.iter()
            .find(|s| s.to == "console:secret")
            .unwrap()
            .reply
            .private
    );
    for listing in ["/faq 1", "/spec 1", "/job 1"] {
        let text = h.ask("follower", listing).await;
        assert!(
            !text.contains("一万") && !text.contains("可以谈"),
            "{listing}: {text}"
        );
    }
    assert!(
        h.ask("follower", "/spec 1").await.contains("规格 v2"),
        "a private answer makes no version"
    );
}

#[tokio::test]
async fn a_near_duplicate_question_is_pointed_to_the_existing_answer_before_being_relayed() {
    let h = harness!(with_job());
    h.ask("a", "/ask 1 需要支持 Windows 吗？").await;
    let sent = h.say("b", "/ask 1 要不要支持 Windows？").await;
    assert!(
        !sent.iter().any(|s| s.to == "slack:UCLIENT"),
        "not relayed twice"
    );
    assert!(sent
        .iter()
        .any(|s| s.to == "console:b" && s.text.contains("类似的问题 #1")));
    h.say_as(&slack("UCLIENT"), "/answer 1 需要").await;
    let again = h.ask("c", "/ask 1 需要支持windows吗").await;
    assert!(
        again.contains("之前有人问过") && again.contains("答：需要"),
        "{again}"
    );
    let sent = h.say("d", "/ask 1 数据库用什么？").await;
    assert!(
        sent.iter().any(|s| s.to == "slack:UCLIENT"),
        "a different question is relayed"
    );
}

#[tokio::test]
async fn contacts_are_masked_until_the_job_is_assigned_and_kept_for_operators() {
    let h = harness!(with_job());
    let sent = h
        .say(
            "dev",
            "/ask 1 方便加微信 dev_wang88 或打 13912345678 聊吗？",
        )
        .await;
    let relay = sent.iter().find(|s| s.to == "slack:UCLIENT").unwrap();
    assert!(
        !relay.text.contains("13912345678") && !relay.text.contains("dev_wang88"),
        "{}",
        relay.text
    );
    assert!(relay.text.contains("联系方式已隐藏"));
    let kept: String = sqlx::query_scalar("SELECT text FROM questions WHERE id = 1")
        .fetch_one(h.store.pool())
        .await
        .unwrap();
    assert!(
        kept.contains("13912345678"),
        "the original is kept for operators"
    );
    // Once assigned, contacts may flow.
    h.ask("dev", "/apply 1 hi").await;
    h.say_as(&slack("UCLIENT"), "/assign 1 console:dev").await;
    let sent = h.say("dev", "/ask 1 我的手机 13912345678").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "slack:UCLIENT" && s.text.contains("13912345678")));
}

#[tokio::test]
async fn only_the_client_answers_and_an_answer_button_opens_a_dialogue() {
    let h = harness!(with_job());
    h.ask("dev", "/ask 1 有设计稿吗？").await;
    assert!(h
        .ask("intruder", "/answer 1 没有")
        .await
        .contains("只有需求方"));
    let prompt = h.say_as(&slack("UCLIENT"), "/answer 1").await;
    assert!(prompt
        .iter()
        .any(|s| s.text.contains("请输入对问题 #1 的回答")));
    let sent = h.say_as(&slack("UCLIENT"), "有，Figma 链接稍后发").await;
    assert!(sent
        .iter()
        .any(|s| s.to == "console:dev" && s.text.contains("Figma")));
    assert!(h
        .say_as(&slack("UCLIENT"), "/answer 1 again")
        .await
        .iter()
        .any(|s| s.text.contains("已经回答过")));
    assert!(h
        .say_as(&slack("UCLIENT"), "/questions")
        .await
        .iter()
        .any(|s| s.text.contains("没有待回答")));
}

#[tokio::test]
async fn unanswered_questions_remind_the_client_after_twelve_hours_then_daily_three_times_at_most()
{
    let h = harness!(with_job());
    h.ask("dev", "/ask 1 什么时候开始？").await;
    h.advance(Duration::hours(11));
    assert!(h.tick().await.is_empty());
    let mut reminders = 0;
    for _ in 0..6 {
        h.advance(Duration::hours(13));
        reminders += h
            .tick()
            .await
            .iter()
            .filter(|s| s.to == "slack:UCLIENT" && s.text.contains("已等待"))
            .count();
    }
    assert_eq!(reminders, 3);
}

/// A Slack-like platform that returns message ids, so relayed questions get a thread.
struct Threads(Mutex<u32>, Arc<Mutex<Vec<Fitted>>>);

impl Outbound for Threads {
    fn platform(&self) -> Platform {
        Platform::Slack
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            threads: true,
            buttons: true,
            max_buttons: 5,
            ..Capabilities::PLAIN
        }
    }
    fn deliver<'a>(&'a self, msg: &'a Fitted) -> BoxFuture<'a, Delivery> {
        Box::pin(async move {
            let mut n = self.0.lock().unwrap();
            *n += 1;
            self.1.lock().unwrap().push(msg.clone());
            Delivery::Sent {
                message_id: Some(format!("ts-{n}")),
            }
        })
    }
}

#[tokio::test]
async fn a_reply_in_the_relayed_messages_thread_answers_it_even_after_a_restart() {
    let h = harness!(with_job());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (stop, stopped) = watch::channel(false);
    let d = Dispatcher {
        store: h.store.clone(),
        clock: Arc::new(SystemClock),
        changed: h.core.outbox_changed(),
        idle_poll: std::time::Duration::from_millis(20),
    };
    let lanes = d.spawn(
        vec![Arc::new(Threads(Mutex::new(0), seen.clone())) as Arc<dyn Outbound>],
        stopped,
    );
    h.say("dev", "/ask 1 需要 GUI 吗？").await;
    let relay_ts = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            if let Some(ts) = sqlx::query_scalar::<_, String>(
                "SELECT message_id FROM message_map WHERE ref_key = 'q:1'",
            )
            .fetch_optional(h.store.pool())
            .await
            .unwrap()
            {
                break ts;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the relayed question was delivered");
    let _ = stop.send(true);
    for l in lanes {
        l.await.unwrap();
    }
    // Restart, then the client replies in the thread with plain text.
    let path = h.path.clone();
    drop(h.core); // the file (and its temp dir) stays
    let h2 = harness!(Harness::open(&path, t0()));
    let mut reply = Inbound::text(slack("UCLIENT"), "不需要，命令行就行");
    reply.message_id = Some(relay_ts);
    reply.conversation = Some("D0CLIENT".into());
    h2.core.submit(reply).await.unwrap();
    let sent = h2.sent().await;
    assert!(
        sent.iter()
            .any(|s| s.to == "console:dev" && s.text.contains("不需要，命令行就行")),
        "{sent:?}"
    );
    assert!(h2.ask("x", "/faq 1").await.contains("命令行就行"));
}
