//! Texts the adapters add themselves: invitations, notices to organizers, menus, modal
//! labels. Many go to readers whose language the adapter does not know, so `bilingual`
//! lays out both languages the way each message has always shown them.

use super::{Field, Locale, Msg};
use crate::validate::Invalid;

pub enum PlatformMsg<'a> {
    /// Telegram: an approval's one-person link into the salon's group.
    InviteLink(&'a str),
    /// Slack: added to the salon's channel (the channel's mention).
    ChannelAdded(&'a str),
    /// Discord: given the salon's role (the role's mention).
    RoleGranted(&'a str),
    /// WeCom: above the group's join QR code (its URL follows).
    ScanQr,
    /// WeCom: the group QR code could not be made.
    QrFailed,
    /// WeCom, to organizers: a join QR for `user` and `chat` could not be made.
    QrNotMade {
        user: &'a str,
        chat: &'a str,
        error: &'a str,
    },
    /// WeCom: the calendar file could not be sent.
    CalendarNotSent,
    /// An image (a ticket's QR code) could not be shown: the text above still counts.
    ImageNotSent,
    /// WeCom, to organizers: a message could not reach a WeChat user.
    Undeliverable {
        user: &'a str,
        error: &'a str,
        excerpt: &'a str,
    },
    /// WeCom, to organizers: 微信客服 reported a message as not delivered.
    KfNotDelivered {
        who: &'a str,
        fail_type: i64,
        reason: &'a str,
    },
    /// WeCom 微信客服: the welcome menu's heading and its two entries.
    KfWelcome,
    KfMenuSalons,
    KfMenuHelp,
    /// WeCom: the heading of a button card.
    Choose,
    /// WeCom: a decision card once clicked.
    CardApproved,
    CardRejected,
    CardHandled,
    /// Slack's registration modal.
    ModalTitle,
    ModalSubmit,
    ModalCancel,
    FieldLabel(Field),
    FieldExample(Field),
    NoQuotes,
    InvalidField {
        field: Field,
        why: Invalid,
    },
    /// Discord: the description of a command's free-text argument.
    CommandArgs,
    /// The core's apology, where the reader's language is unknown.
    Apology,
}

impl PlatformMsg<'_> {
    pub fn render(&self, l: Locale) -> String {
        match l {
            Locale::Zh => zh(self),
            Locale::En => en(self),
        }
    }

    /// Chinese first, then English.
    pub fn bilingual(&self) -> String {
        use PlatformMsg as P;
        let (zh, en) = (zh(self), en(self));
        match self {
            P::InviteLink(_) => format!("👉 {zh}\n{en}"),
            P::ChannelAdded(_) | P::RoleGranted(_) => format!("👉 {zh} · {en}"),
            P::CalendarNotSent | P::ImageNotSent => format!("（{zh}/ {en}）"),
            P::QrFailed | P::QrNotMade { .. } | P::KfNotDelivered { .. } => {
                format!("{zh}/ {en}")
            }
            P::Undeliverable { .. } => format!("{zh}\n/ {en}"),
            P::KfWelcome | P::Apology => format!("{zh}\n{en}"),
            P::FieldExample(Field::Years) => zh,
            P::ScanQr
            | P::KfMenuSalons
            | P::KfMenuHelp
            | P::Choose
            | P::CardApproved
            | P::CardRejected
            | P::CardHandled
            | P::FieldExample(_) => format!("{zh} / {en}"),
            P::ModalTitle
            | P::ModalSubmit
            | P::ModalCancel
            | P::FieldLabel(_)
            | P::NoQuotes
            | P::InvalidField { .. }
            | P::CommandArgs => format!("{zh} {en}"),
        }
    }
}

/// The reason line of the core's own answer to an invalid profile field.
fn invalid(field: Field, why: Invalid, l: Locale) -> String {
    Msg::InvalidAnswer { field, why }
        .render(l)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

fn zh(m: &PlatformMsg) -> String {
    use PlatformMsg as P;
    match m {
        P::InviteLink(link) => format!("活动群邀请链接（仅限您本人使用一次）：{link}"),
        P::ChannelAdded(c) => format!("已邀请您加入活动频道 {c}"),
        P::RoleGranted(r) => format!("已为您添加活动身份组 {r}"),
        P::ScanQr => "长按或打开链接，扫码加入活动群".into(),
        P::QrFailed => "活动群二维码暂时无法生成，组织者会另行邀请您。".into(),
        P::QrNotMade { user, chat, .. } => {
            format!("未能为 {user} 生成活动群（{chat}）二维码，请手动邀请。")
        }
        P::CalendarNotSent => "日历邀请未能发送，请以上面的时间地点为准。".into(),
        P::ImageNotSent => "图片未能发送，请使用上面的票码。".into(),
        P::Undeliverable {
            user,
            error,
            excerpt,
        } => format!("消息未能送达微信用户 {user}：{error}\n内容：{excerpt}"),
        P::KfNotDelivered {
            who,
            fail_type,
            reason,
        } => format!("微信客服消息未送达 wechat:{who}（fail_type {fail_type}: {reason}）。"),
        P::KfWelcome => "欢迎！请选择，或直接发送消息。".into(),
        P::KfMenuSalons => "查看沙龙".into(),
        P::KfMenuHelp => "帮助".into(),
        P::Choose => "请选择".into(),
        P::CardApproved => "已批准".into(),
        P::CardRejected => "已拒绝".into(),
        P::CardHandled => "已处理".into(),
        P::ModalTitle => "报名".into(),
        P::ModalSubmit => "提交".into(),
        P::ModalCancel => "取消".into(),
        P::FieldLabel(f) => match f {
            Field::Name => "姓名",
            Field::Phone => "手机号",
            Field::Position => "职位",
            Field::Years => "工作年限",
        }
        .into(),
        P::FieldExample(f) => match f {
            Field::Name => "张三",
            Field::Phone => "13800000000",
            Field::Position => "后端工程师",
            Field::Years => "5",
        }
        .into(),
        P::NoQuotes => "不能包含双引号。".into(),
        P::InvalidField { field, why } => invalid(*field, *why, Locale::Zh),
        P::CommandArgs => "参数".into(),
        P::Apology => Msg::InternalError.render(Locale::Zh),
    }
}

fn en(m: &PlatformMsg) -> String {
    use PlatformMsg as P;
    match m {
        P::InviteLink(link) => format!("Your one-person invite link to the event group: {link}"),
        P::ChannelAdded(c) => format!("You have been added to the event channel {c}"),
        P::RoleGranted(r) => format!("You now have the event role {r}"),
        P::ScanQr => "Scan this QR code to join the event group:".into(),
        P::QrFailed => "The group QR code could not be made; an organizer will invite you.".into(),
        P::QrNotMade { user, error, .. } => {
            format!("Could not make the group join QR for {user}: {error}")
        }
        P::CalendarNotSent => {
            "The calendar invite could not be sent; the time and place above are what counts."
                .into()
        }
        P::ImageNotSent => "The image could not be sent; please use the code above.".into(),
        P::Undeliverable { user, .. } => format!("A message could not reach WeChat user {user}."),
        P::KfNotDelivered { who, reason, .. } => {
            format!("A 微信客服 message to wechat:{who} was not delivered: {reason}.")
        }
        P::KfWelcome => "Welcome! Choose below or just send a message.".into(),
        P::KfMenuSalons => "Salons".into(),
        P::KfMenuHelp => "Help".into(),
        P::Choose => "Please choose".into(),
        P::CardApproved => "Approved".into(),
        P::CardRejected => "Rejected".into(),
        P::CardHandled => "Handled".into(),
        P::ModalTitle => "Register".into(),
        P::ModalSubmit => "Submit".into(),
        P::ModalCancel => "Cancel".into(),
        P::FieldLabel(f) => match f {
            Field::Name => "Name",
            Field::Phone => "Mobile phone",
            Field::Position => "Position",
            Field::Years => "Years of experience",
        }
        .into(),
        P::FieldExample(f) => match f {
            Field::Name => "Zhang San",
            Field::Phone => "+4915112345678",
            Field::Position => "Backend engineer",
            Field::Years => "5",
        }
        .into(),
        P::NoQuotes => "Must not contain double quotes.".into(),
        P::InvalidField { field, why } => invalid(*field, *why, Locale::En),
        P::CommandArgs => "arguments".into(),
        P::Apology => Msg::InternalError.render(Locale::En),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilingual_texts_keep_their_layout() {
        assert_eq!(
            PlatformMsg::InviteLink("https://t.me/+x").bilingual(),
            "👉 活动群邀请链接（仅限您本人使用一次）：https://t.me/+x\nYour one-person invite link to the event group: https://t.me/+x"
        );
        assert_eq!(
            PlatformMsg::CalendarNotSent.bilingual(),
            "（日历邀请未能发送，请以上面的时间地点为准。/ The calendar invite could not be sent; the time and place above are what counts.）"
        );
        assert_eq!(PlatformMsg::FieldExample(Field::Years).bilingual(), "5");
        assert_eq!(
            PlatformMsg::FieldLabel(Field::Years).bilingual(),
            "工作年限 Years of experience"
        );
    }
}
