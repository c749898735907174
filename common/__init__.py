"""Pure helpers shared by the domains (``kb``, ``tracking``); imports nothing of the project."""
