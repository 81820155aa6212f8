//! WeCom: the self-built app (members), 微信客服 (public WeChat users), group robot.
