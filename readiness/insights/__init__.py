"""Gap detection: rules (pure) -> findings (kept in the database) -> register, API and digests."""
