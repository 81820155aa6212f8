//! The kind-specific interview questions, zh and en.

use super::Locale;

/// A kind-specific question: (short label, question).
pub(super) fn detail(key: &str, l: Locale) -> (&'static str, &'static str) {
    let zh = l == Locale::Zh;
    let pick =
        |a: (&'static str, &'static str), b: (&'static str, &'static str)| if zh { a } else { b };
    match key {
        "web.login" => pick(
            (
                "登录",
                "谁在用，需要登录吗（例如：顾客免登录，店员账号登录）？",
            ),
            (
                "login",
                "Who uses it, and do they log in (e.g. customers anonymous, staff with accounts)?",
            ),
        ),
        "web.pages" => pick(
            ("页面", "主要有哪些页面或界面？"),
            ("pages", "What are the main pages or screens?"),
        ),
        "web.existing" => pick(
            ("现有系统", "在现有系统上改，还是从零开始？"),
            (
                "existing system",
                "Is there an existing system, or is it from scratch?",
            ),
        ),
        "web.hosting" => pick(
            ("部署", "谁来提供服务器和域名、谁负责部署？"),
            (
                "hosting",
                "Who provides the server and domain, and who deploys it?",
            ),
        ),
        "web.content" => pick(
            ("内容", "页面内容（文字、图片）由谁提供？"),
            ("content", "Who provides the content (texts, images)?"),
        ),
        "mp.platform" => pick(
            ("平台", "哪个平台的小程序（微信、支付宝、抖音）？"),
            (
                "platform",
                "Which mini program platform (WeChat, Alipay, Douyin)?",
            ),
        ),
        "mp.pages" => pick(
            ("页面", "主要有哪些页面？"),
            ("pages", "What are the main pages?"),
        ),
        "mp.payment" => pick(
            ("支付", "需要支付吗？商户号由谁提供？"),
            (
                "payments",
                "Are payments needed, and who provides the merchant account?",
            ),
        ),
        "mp.account" => pick(
            (
                "主体账号",
                "小程序账号（主体、AppID）谁来注册，谁来提交审核？",
            ),
            (
                "account",
                "Who registers the mini program account (AppID) and submits it for review?",
            ),
        ),
        "mp.content" => pick(
            ("内容", "商品或内容数据由谁提供、录入？"),
            (
                "content",
                "Who provides and enters the products or content?",
            ),
        ),
        "mobile.platforms" => pick(
            ("平台", "iOS、Android 还是都要？最低系统版本？"),
            ("platforms", "iOS, Android or both? Oldest OS version?"),
        ),
        "mobile.screens" => pick(
            ("界面", "主要有哪些界面？"),
            ("screens", "What are the main screens?"),
        ),
        "mobile.backend" => pick(
            ("后端", "已有后端接口，还是要一起开发？"),
            (
                "backend",
                "Is there a backend API already, or is it part of the job?",
            ),
        ),
        "mobile.store" => pick(
            ("上架", "需要上架应用商店吗？开发者账号谁提供？"),
            (
                "store",
                "Should it be published to app stores, and whose developer account?",
            ),
        ),
        "backend.clients" => pick(
            ("调用方", "谁调用这些接口（网页、App、其他系统）？"),
            ("clients", "Who calls the API (web, app, other systems)?"),
        ),
        "backend.endpoints" => pick(
            ("接口", "主要有哪些接口或功能？"),
            ("endpoints", "What are the main endpoints or functions?"),
        ),
        "backend.load" => pick(
            ("负载", "预计并发或数据量有多大？"),
            ("load", "Expected load or data volume?"),
        ),
        "backend.hosting" => pick(
            ("部署", "部署在哪里（云厂商、自有服务器），谁来运维？"),
            (
                "hosting",
                "Where does it run (cloud, own servers), and who operates it?",
            ),
        ),
        "data.sources" => pick(
            ("数据源", "数据从哪里来（网站、数据库、表格）？"),
            (
                "sources",
                "Where does the data come from (sites, databases, spreadsheets)?",
            ),
        ),
        "data.schedule" => pick(
            ("频率", "一次性，还是定时运行？多久一次？"),
            ("schedule", "One-off or scheduled? How often?"),
        ),
        "data.volume" => pick(
            ("数据量", "大概多少数据？"),
            ("volume", "Roughly how much data?"),
        ),
        "data.output" => pick(
            ("输出", "结果要什么格式（Excel、数据库、报表）？"),
            ("output", "What output format (Excel, database, report)?"),
        ),
        "bot.platform" => pick(
            ("平台", "在哪个平台上运行（企业微信、钉钉、Telegram…）？"),
            (
                "platform",
                "On which platform does it run (WeCom, DingTalk, Telegram…)?",
            ),
        ),
        "bot.triggers" => pick(
            ("触发", "什么情况下做什么（触发条件和动作）？"),
            (
                "triggers",
                "What should it do, and when (triggers and actions)?",
            ),
        ),
        "bot.accounts" => pick(
            ("账号", "需要的账号、接口密钥由谁提供？"),
            (
                "accounts",
                "Who provides the accounts and API keys it needs?",
            ),
        ),
        "bot.hosting" => pick(
            ("运行环境", "在哪里运行，谁来维护？"),
            ("hosting", "Where does it run, and who maintains it?"),
        ),
        "kind" => pick(("类型", "需求类型"), ("kind", "kind of work")),
        _ => pick(("其他", "其他"), ("other", "other")),
    }
}
