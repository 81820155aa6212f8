//! Slack: Events API, slash commands, interactivity, Socket Mode, Web API.
