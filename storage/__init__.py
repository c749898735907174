"""Storage: SQLModel tables, the engine and sessions, data-access functions, migrations."""
