//! Config values: blank means unset, and secrets are shown only as set or unset.

/// The trimmed value, `None` when missing or blank.
pub fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// What `Debug` shows for a secret.
pub fn redact(v: &Option<String>) -> &'static str {
    if set(v).is_some() {
        "<redacted>"
    } else {
        "<unset>"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unset_and_secrets_never_show() {
        assert_eq!(set(&Some("  x ".into())), Some("x"));
        assert_eq!(set(&Some("  ".into())), None);
        assert_eq!(redact(&Some("token".into())), "<redacted>");
        assert_eq!(redact(&None), "<unset>");
    }
}
