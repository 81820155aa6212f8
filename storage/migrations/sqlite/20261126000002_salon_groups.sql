-- Each platform's event group for a salon: {"wecom_group_chat_id": "...", "slack_channel": "C1", ...}
ALTER TABLE salons ADD COLUMN groups TEXT NOT NULL DEFAULT '{}';
