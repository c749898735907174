"""Development tools, never loaded by the running bot: the Bot API emulator
(``devtools.emulator``) that tests, benchmarks and the demo run the real bot
against, and the terminal demo (``devtools.demo``, ``python -m bot demo``)."""
