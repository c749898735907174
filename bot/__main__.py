"""``python -m bot ...`` entry point."""

from bot.logs import guard_output

guard_output()  # whatever the process writes to stdout and stderr, the token masked (bot.logs)

from bot.cli import main  # noqa: E402

raise SystemExit(main())
