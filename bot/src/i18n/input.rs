//! Texts about refused input (control characters, unreadable lines), zh and en.

use super::Locale;

/// Why a piece of typed text was not taken; nothing was stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMsg {
    /// The text held control characters (ESC, BEL, …): the user should retype it.
    ControlChars,
    /// A line was not valid UTF-8 (console).
    UnreadableLine,
}

impl InputMsg {
    pub fn render(self, l: Locale) -> String {
        match (l, self) {
            (Locale::Zh, InputMsg::ControlChars) => {
                "抱歉，这段文字里有不可见的控制字符（例如 ESC、BEL），没有保存。请直接重新输入文字。"
            }
            (Locale::En, InputMsg::ControlChars) => {
                "Sorry, that text contains invisible control characters (such as ESC or BEL), so nothing was saved. Please type it again as plain text."
            }
            (Locale::Zh, InputMsg::UnreadableLine) => {
                "无法读取这一行（不是有效的 UTF-8 文字），已忽略，请重新输入。"
            }
            (Locale::En, InputMsg::UnreadableLine) => {
                "Could not read that line (not valid UTF-8 text); it was ignored, please type it again."
            }
        }
        .to_string()
    }

    /// Both languages, for places that do not know the reader's language (the console).
    pub fn both(self) -> String {
        format!("{}\n{}", self.render(Locale::Zh), self.render(Locale::En))
    }
}
