//! The spec's signed examples (docs/platforms/slack.md §1 and §8), exact bytes: shared by the unit
//! tests and the integration tests, so a copy mistake fails every one of them.

/// One signed request: secret, `X-Slack-Request-Timestamp`, body, `X-Slack-Signature`.
#[derive(Debug, Clone, Copy)]
pub struct Signed {
    pub name: &'static str,
    pub secret: &'static str,
    pub timestamp: &'static str,
    pub body: &'static str,
    pub signature: &'static str,
}

/// Secret of every §8 example.
pub const SECRET: &str = "test-signing-secret";

/// Known-answer vectors V1–V6 (§1).
pub const KNOWN_ANSWERS: [Signed; 6] = [
    Signed {
        name: "V1",
        secret: "8f742231b10e8888abcd99yyyzzz85a5",
        timestamp: "1531420618",
        body: r##"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"##,
        signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    },
    Signed {
        name: "V2",
        secret: "test-signing-secret",
        timestamp: "1700000000",
        body: r##"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"##,
        signature: "v0=911a0af9989156589b0b79ce70d19190c9c25a2ef0d3ab3162d40daf96390f51",
    },
    Signed {
        name: "V3",
        secret: "test-signing-secret",
        timestamp: "1700000000",
        body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","channel":"C0001","user":"U0001","text":"hello bot","ts":"1700000000.000100","channel_type":"channel","event_ts":"1700000000.000100"},"type":"event_callback","event_id":"Ev0001","event_time":1700000000}"##,
        signature: "v0=ac64bed66598c89577eefa37eb3ba972feeb0d93938cffe7329729fb15453e06",
    },
    Signed {
        name: "V4",
        secret: "test-signing-secret",
        timestamp: "1700000123",
        body: r##"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C2147483705&channel_name=test&user_id=U2147483697&user_name=Steve&command=%2Fweather&text=94070&api_app_id=A123456&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678&trigger_id=13345224609.738474920.8088930838d88f008e0"##,
        signature: "v0=7896d83a956af0726a816dfc8fb190f726ee899480478b19e3eca296039f0b9f",
    },
    Signed {
        name: "V5",
        secret: "test-signing-secret",
        timestamp: "1700000000",
        body: r##""##,
        signature: "v0=81dd05befe5cbb6bb432e20e4430415f22beb4c0a80cbd8d9cf6e9a7716caeb7",
    },
    Signed {
        name: "V6",
        secret: "test-signing-secret",
        timestamp: "1700000000",
        body: r##"{"text":"héllo ☃"}"##,
        signature: "v0=1acb814c6e45a0d89d09ada07862c806bae28e62b0eb08bf6c47f9d7bb0fb95c",
    },
];

/// E1: url_verification (`application/json`).
pub const URL_VERIFICATION: Signed = Signed {
    name: "E1",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"##,
    signature: "v0=911a0af9989156589b0b79ce70d19190c9c25a2ef0d3ab3162d40daf96390f51",
};
/// E2: message in channel (`application/json`).
pub const CHANNEL_MESSAGE: Signed = Signed {
    name: "E2",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","client_msg_id":"5f2b1c9e-0000-4000-8000-000000000001","channel":"C0001","user":"U0001","text":"hello bot","ts":"1700000000.000100","team":"T0001","channel_type":"channel","event_ts":"1700000000.000100"},"type":"event_callback","event_id":"Ev0001","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=286b003f88a3254927d8ffbaae7ed6a30d38194542762071cfc9880c27d42e1b",
};
/// E3: message in DM (im) (`application/json`).
pub const DM_MESSAGE: Signed = Signed {
    name: "E3",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","client_msg_id":"5f2b1c9e-0000-4000-8000-000000000002","channel":"D0001","user":"U0001","text":"register me","ts":"1700000001.000200","team":"T0001","channel_type":"im","event_ts":"1700000001.000200"},"type":"event_callback","event_id":"Ev0002","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=f878ac79b71ad78dc7d3eaccc4636015d7e526ee4affe7803bdf90401de3f640",
};
/// E4: thread reply (`application/json`).
pub const THREAD_REPLY: Signed = Signed {
    name: "E4",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","channel":"C0001","user":"U0002","text":"me too","ts":"1700000002.000300","thread_ts":"1700000000.000100","parent_user_id":"U0001","team":"T0001","channel_type":"channel","event_ts":"1700000002.000300"},"type":"event_callback","event_id":"Ev0003","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=dc55a637dae7848cbb8167a492130699f25a0d86276626e453eb51d5999bba28",
};
/// E5: app_mention (`application/json`).
pub const APP_MENTION: Signed = Signed {
    name: "E5",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"app_mention","channel":"C0001","user":"U0001","text":"<@UBOT> status please","ts":"1700000003.000400","team":"T0001","event_ts":"1700000003.000400"},"type":"event_callback","event_id":"Ev0004","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=601cd211a673a9379cede19fde78135d225511bff3be25490d9cb37b12af0eda",
};
/// E6: own bot message (ignore) (`application/json`).
pub const OWN_BOT_MESSAGE: Signed = Signed {
    name: "E6",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","channel":"C0001","user":"UBOT","bot_id":"BBOT","app_id":"A0001","text":"I am the bot","ts":"1700000004.000500","team":"T0001","bot_profile":{"id":"BBOT","app_id":"A0001","name":"testbot","deleted":false,"team_id":"T0001"},"channel_type":"channel","event_ts":"1700000004.000500"},"type":"event_callback","event_id":"Ev0005","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=aeec87e8c47e9ecfbd22211c87e2219579708fd93d0ec68adc42283ad455fd96",
};
/// E7: message_changed (ignore or handle) (`application/json`).
pub const MESSAGE_CHANGED: Signed = Signed {
    name: "E7",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"{"token":"XXYYZZ","team_id":"T0001","api_app_id":"A0001","event":{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0001","ts":"1700000005.000600","event_ts":"1700000005.000600","channel_type":"channel","message":{"type":"message","user":"U0001","text":"hello bot (edited)","ts":"1700000000.000100","edited":{"user":"U0001","ts":"1700000005.000000"}},"previous_message":{"type":"message","user":"U0001","text":"hello bot","ts":"1700000000.000100"}},"type":"event_callback","event_id":"Ev0006","event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T0001","user_id":"UBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}"##,
    signature: "v0=c8b82213d8688b249f996793253c813ec79fc3b4f82835107bb5410353ccac74",
};
/// S1: slash command (form) (`application/x-www-form-urlencoded`).
pub const SLASH_COMMAND: Signed = Signed {
    name: "S1",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&channel_id=C0001&channel_name=general&user_id=U0001&user_name=alice&command=%2Fregister&text=alice%40example.com+dev&api_app_id=A0001&is_enterprise_install=false&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1111%2Fabcdef&trigger_id=1111.2222.abcdef"##,
    signature: "v0=3ca7fbe8048f4b66418cef430587c820fd9b60fd9db6b99f7e882ca14ff5fe79",
};
/// I1: block_actions (form payload=) (`application/x-www-form-urlencoded`).
pub const BLOCK_ACTIONS: Signed = Signed {
    name: "I1",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"payload=%7B%22type%22%3A%22block_actions%22%2C%22user%22%3A%7B%22id%22%3A%22U0001%22%2C%22username%22%3A%22alice%22%2C%22name%22%3A%22alice%22%2C%22team_id%22%3A%22T0001%22%7D%2C%22api_app_id%22%3A%22A0001%22%2C%22token%22%3A%22XXYYZZ%22%2C%22container%22%3A%7B%22type%22%3A%22message%22%2C%22message_ts%22%3A%221700000010.000100%22%2C%22channel_id%22%3A%22C0001%22%2C%22is_ephemeral%22%3Afalse%7D%2C%22trigger_id%22%3A%221111.2222.abcdef%22%2C%22team%22%3A%7B%22id%22%3A%22T0001%22%2C%22domain%22%3A%22example%22%7D%2C%22enterprise%22%3Anull%2C%22is_enterprise_install%22%3Afalse%2C%22channel%22%3A%7B%22id%22%3A%22C0001%22%2C%22name%22%3A%22general%22%7D%2C%22message%22%3A%7B%22type%22%3A%22message%22%2C%22user%22%3A%22UBOT%22%2C%22bot_id%22%3A%22BBOT%22%2C%22text%22%3A%22New+registration+from+alice%22%2C%22ts%22%3A%221700000010.000100%22%2C%22blocks%22%3A%5B%7B%22type%22%3A%22section%22%2C%22block_id%22%3A%22summary%22%2C%22text%22%3A%7B%22type%22%3A%22mrkdwn%22%2C%22text%22%3A%22%2Aalice%2A+wants+to+join+as+%2Adev%2A%22%7D%7D%2C%7B%22type%22%3A%22actions%22%2C%22block_id%22%3A%22decision%22%2C%22elements%22%3A%5B%7B%22type%22%3A%22button%22%2C%22action_id%22%3A%22approve%22%2C%22text%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Approve%22%7D%2C%22value%22%3A%22reg-42%22%2C%22style%22%3A%22primary%22%7D%2C%7B%22type%22%3A%22button%22%2C%22action_id%22%3A%22reject%22%2C%22text%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Reject%22%7D%2C%22value%22%3A%22reg-42%22%2C%22style%22%3A%22danger%22%7D%5D%7D%5D%7D%2C%22state%22%3A%7B%22values%22%3A%7B%7D%7D%2C%22response_url%22%3A%22https%3A%2F%2Fhooks.slack.com%2Factions%2FT0001%2F3333%2Fghijkl%22%2C%22actions%22%3A%5B%7B%22action_id%22%3A%22approve%22%2C%22block_id%22%3A%22decision%22%2C%22text%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Approve%22%7D%2C%22value%22%3A%22reg-42%22%2C%22style%22%3A%22primary%22%2C%22type%22%3A%22button%22%2C%22action_ts%22%3A%221700000020.123456%22%7D%5D%7D"##,
    signature: "v0=2a220307a1c26a55a6d93935f6017f02c4efaab4511f96b5919c9c1cd7ef28dc",
};
/// I2: view_submission (form payload=) (`application/x-www-form-urlencoded`).
pub const VIEW_SUBMISSION: Signed = Signed {
    name: "I2",
    secret: SECRET,
    timestamp: "1700000000",
    body: r##"payload=%7B%22type%22%3A%22view_submission%22%2C%22team%22%3A%7B%22id%22%3A%22T0001%22%2C%22domain%22%3A%22example%22%7D%2C%22user%22%3A%7B%22id%22%3A%22U0001%22%2C%22username%22%3A%22alice%22%2C%22name%22%3A%22alice%22%2C%22team_id%22%3A%22T0001%22%7D%2C%22api_app_id%22%3A%22A0001%22%2C%22token%22%3A%22XXYYZZ%22%2C%22trigger_id%22%3A%221111.2222.mnopqr%22%2C%22enterprise%22%3Anull%2C%22is_enterprise_install%22%3Afalse%2C%22view%22%3A%7B%22id%22%3A%22V0001%22%2C%22team_id%22%3A%22T0001%22%2C%22type%22%3A%22modal%22%2C%22callback_id%22%3A%22registration%22%2C%22private_metadata%22%3A%22%7B%5C%22channel%5C%22%3A%5C%22C0001%5C%22%7D%22%2C%22title%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Register%22%7D%2C%22submit%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Submit%22%7D%2C%22blocks%22%3A%5B%5D%2C%22state%22%3A%7B%22values%22%3A%7B%22name_block%22%3A%7B%22name_input%22%3A%7B%22type%22%3A%22plain_text_input%22%2C%22value%22%3A%22Alice+Example%22%7D%7D%2C%22email_block%22%3A%7B%22email_input%22%3A%7B%22type%22%3A%22plain_text_input%22%2C%22value%22%3A%22alice%40example.com%22%7D%7D%2C%22role_block%22%3A%7B%22role_select%22%3A%7B%22type%22%3A%22static_select%22%2C%22selected_option%22%3A%7B%22text%22%3A%7B%22type%22%3A%22plain_text%22%2C%22text%22%3A%22Developer%22%2C%22emoji%22%3Atrue%7D%2C%22value%22%3A%22dev%22%7D%7D%7D%7D%7D%2C%22hash%22%3A%221700000030.abcdef12%22%2C%22previous_view_id%22%3Anull%2C%22root_view_id%22%3A%22V0001%22%2C%22app_id%22%3A%22A0001%22%2C%22external_id%22%3A%22%22%2C%22bot_id%22%3A%22BBOT%22%7D%2C%22response_urls%22%3A%5B%5D%7D"##,
    signature: "v0=0f965c72c7e029c08e5b68efe1c3f4c241ed04d875d244ff75c0aee00298ebf0",
};

/// The §8 examples, in the spec's order.
pub const EXAMPLES: [Signed; 10] = [
    URL_VERIFICATION,
    CHANNEL_MESSAGE,
    DM_MESSAGE,
    THREAD_REPLY,
    APP_MENTION,
    OWN_BOT_MESSAGE,
    MESSAGE_CHANGED,
    SLASH_COMMAND,
    BLOCK_ACTIONS,
    VIEW_SUBMISSION,
];
