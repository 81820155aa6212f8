use super::render::*;
use yunqi_bot::capability::{fit, Fitted, LenUnit};
use yunqi_bot::ids::{Platform, UserRef};
use yunqi_bot::message::{Button, ButtonStyle, Recipient, Reply};

fn btn(label: &str, command: &str) -> Button {
    Button {
        label: label.into(),
        command: command.into(),
        style: ButtonStyle::Default,
    }
}

fn fitted(text: &str, buttons: Vec<Button>) -> Fitted {
    Fitted {
        to: Recipient::direct(UserRef::new(Platform::Wecom, "zhangsan")),
        text: text.into(),
        buttons,
        attachment: None,
        thread: None,
        invite: None,
    }
}

#[test]
fn capabilities_count_text_in_bytes_up_to_2048() {
    for caps in [app_capabilities(), kf_capabilities()] {
        assert_eq!(caps.len_unit, LenUnit::Bytes);
        assert_eq!(caps.max_len, 2048);
        assert!(caps.buttons && caps.direct_messages && !caps.threads);
    }
    assert_eq!(app_capabilities().max_buttons, 6);
    assert_eq!(kf_capabilities().max_buttons, 10);
}

#[test]
fn plain_text_becomes_one_text_message() {
    let out = render_app(&fitted("你好 hello", vec![]), "t1");
    assert_eq!(
        out,
        vec![serde_json::json!({"msgtype":"text","text":{"content":"你好 hello"}})]
    );
    assert_eq!(
        render_kf(&fitted("你好", vec![])),
        out.iter()
            .map(|_| serde_json::json!({"msgtype":"text","text":{"content":"你好"}}))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_short_reply_with_buttons_is_one_card_whose_keys_are_the_commands() {
    let mut reject = btn("拒绝 Reject this one please", "/reject 1 alice");
    reject.style = ButtonStyle::Danger;
    let out = render_app(
        &fitted(
            "新报名 New registration\nalice, 5 years",
            vec![btn("批准", "/approve 1 alice"), reject],
        ),
        "yq-1",
    );
    assert_eq!(out.len(), 1);
    let card = &out[0]["template_card"];
    assert_eq!(out[0]["msgtype"], "template_card");
    assert_eq!(card["card_type"], "button_interaction");
    assert_eq!(card["task_id"], "yq-1");
    assert_eq!(card["main_title"]["title"], "新报名 New registration");
    assert_eq!(card["sub_title_text"], "alice, 5 years");
    assert_eq!(card["button_list"][0]["key"], "/approve 1 alice");
    assert_eq!(card["button_list"][1]["key"], "/reject 1 alice");
    assert_eq!(card["button_list"][1]["style"], 2);
    assert_eq!(
        card["button_list"][1]["text"]
            .as_str()
            .map(|s| s.chars().count()),
        Some(10),
        "button text is cut to 10 characters"
    );
}

#[test]
fn a_command_too_long_for_a_key_becomes_a_text_line_and_nothing_is_stored() {
    let long = format!("/reject 1 alice {}", "x".repeat(1100));
    let out = render_app(
        &fitted(
            "Decide",
            vec![btn("OK", "/approve 1 alice"), btn("No", &long)],
        ),
        "t",
    );
    let last = out.last().unwrap();
    let keys: Vec<&str> = last["template_card"]["button_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["/approve 1 alice"]);
    let all_text: String = out
        .iter()
        .filter_map(|m| m["text"]["content"].as_str())
        .collect();
    assert!(
        all_text.contains(&format!("[No] {long}")[..200]),
        "the long command is shown as a line"
    );
}

#[test]
fn when_every_button_falls_back_the_reply_is_plain_text() {
    let out = render_app(&fitted("Pick", vec![btn("A", &"a".repeat(1025))]), "t");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["msgtype"], "text");
    assert!(out[0]["text"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Pick\n[A] aaa"));
}

#[test]
fn a_long_text_with_buttons_goes_first_as_text_then_a_short_card() {
    let text = "第一行\n".repeat(60);
    let out = render_app(&fitted(&text, vec![btn("好", "/confirm 1")]), "t");
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["msgtype"], "text");
    assert_eq!(out[0]["enable_duplicate_check"], 1);
    assert_eq!(
        out[1]["template_card"]["main_title"]["title"],
        "请选择 / Please choose"
    );
}

#[test]
fn kf_buttons_become_menu_items_whose_ids_are_ascii_commands_of_at_most_64_bytes() {
    let long = format!("/register 1 {}", "y".repeat(60));
    let out = render_kf(&fitted(
        "本周沙龙",
        vec![
            btn("报名", "/register 1"),
            btn("拒绝", "/reject 1 bob 年限不足"),
            btn("long", &long),
        ],
    ));
    assert_eq!(out.len(), 1);
    let menu = &out[0]["msgmenu"];
    assert_eq!(out[0]["msgtype"], "msgmenu");
    let items = menu["list"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0],
        serde_json::json!({"type":"click","click":{"id":"/register 1","content":"报名"}})
    );
    let head = menu["head_content"].as_str().unwrap();
    assert!(
        head.starts_with("本周沙龙\n[拒绝] /reject 1 bob 年限不足\n[long] /register 1 yyy"),
        "{head}"
    );
}

#[test]
fn the_robot_gets_text_with_buttons_as_lines() {
    let out = render_robot(&fitted("公告", vec![btn("报名", "/register 1")]));
    assert_eq!(
        out,
        vec![serde_json::json!({"msgtype":"text","text":{"content":"公告\n[报名] /register 1"}})]
    );
}

#[test]
fn splitting_keeps_every_byte_and_every_part_within_the_limit() {
    let text = format!("{}\n{}\nshort", "长".repeat(1000), "b".repeat(3000));
    let parts = split_bytes(&text, 2048);
    assert!(parts.iter().all(|p| p.len() <= 2048 && !p.is_empty()));
    assert_eq!(parts.concat().replace('\n', ""), text.replace('\n', ""));
    assert_eq!(split_bytes("", 10), vec![String::new()]);
}

#[test]
fn core_fitting_plus_rendering_never_exceeds_the_byte_limit() {
    let reply =
        Reply::text("报名须知 ".repeat(600)).with_buttons(vec![btn("批准", "/approve 1 alice")]);
    let to = Recipient::direct(UserRef::new(Platform::Wecom, "zhangsan"));
    for f in fit(&reply, &to, &app_capabilities()).unwrap() {
        for m in render_app(&f, &new_task_id()) {
            if let Some(t) = m["text"]["content"].as_str() {
                assert!(t.len() <= TEXT_MAX_BYTES);
            }
        }
    }
}

#[test]
fn task_ids_are_fresh_and_use_the_allowed_characters() {
    let (a, b) = (new_task_id(), new_task_id());
    assert_ne!(a, b);
    assert!(
        a.len() <= 128
            && a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_-@".contains(&c)),
        "{a}"
    );
}

#[test]
fn markdown_is_cut_to_2048_bytes_on_a_character_boundary() {
    let m = markdown_message(&"**报名** ".repeat(300));
    assert_eq!(m["msgtype"], "markdown");
    let c = m["markdown"]["content"].as_str().unwrap();
    assert!(c.len() <= TEXT_MAX_BYTES && c.starts_with("**报名**"));
}

/// Every string in a rendered WeCom message (content, menu heads, card texts).
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Issue 14 item 10: WeCom renders `<a href>` in text messages; user text must not
/// become a link (or a mini-program jump) in what the bot sends.
#[test]
fn user_text_cannot_become_a_link_in_app_kf_or_robot_messages() {
    let forms = [
        r#"<a href="https://evil.example">点我领奖</a>"#,
        r#"<A HREF='https://evil.example'>x</A>"#,
        "<a\nhref=https://evil.example>x</a >",
        r#"<a data-miniprogram-appid="wx1" data-miniprogram-path="p">x</a>"#,
    ];
    let mut leaked = 0;
    let mut checked = 0;
    for form in forms {
        let text = format!("问题 question: {form} 谢谢");
        let with_buttons = vec![btn("批准", "/approve 1 alice")];
        let rendered = [
            render_app(&fitted(&text, vec![]), "t"),
            render_app(&fitted(&text, with_buttons.clone()), "t"),
            render_kf(&fitted(&text, vec![])),
            render_kf(&fitted(&text, with_buttons)),
            render_robot(&fitted(&text, vec![])),
        ];
        for msg in rendered.iter().flatten() {
            let mut all = Vec::new();
            strings(msg, &mut all);
            for s in all {
                checked += 1;
                let lower = s.to_lowercase();
                if lower.contains("<a ") || lower.contains("<a\n") || lower.contains("</a") {
                    leaked += 1;
                    eprintln!("renders as a link: {s:?}");
                }
            }
        }
    }
    eprintln!("strings with a live <a> tag: {leaked} of {checked}");
    assert_eq!(leaked, 0);
    // Other angle brackets (usage lines such as /approve <salon> <user>) stay as they are.
    let out = render_app(&fitted("/approve <salon> <user>", vec![]), "t");
    assert_eq!(out[0]["text"]["content"], "/approve <salon> <user>");
}
