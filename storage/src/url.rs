//! Which backend a `[storage] url` names.

/// `postgres://…` / `postgresql://…` is PostgreSQL; `sqlite:…` or a plain path is SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Backend;

    #[test]
    fn urls_pick_backends() {
        assert_eq!(Backend::of("postgres://u:p@h/db"), Backend::Postgres);
        assert_eq!(Backend::of("postgresql://h/db"), Backend::Postgres);
        assert_eq!(Backend::of("sqlite://data/yunqi.db"), Backend::Sqlite);
        assert_eq!(Backend::of("data/yunqi.db"), Backend::Sqlite);
        assert_eq!(Backend::of("sqlite::memory:"), Backend::Sqlite);
    }
}
