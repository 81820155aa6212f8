//! The console: stdin/stdout chat, the embedded default.
