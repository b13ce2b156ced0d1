"""``python -m dispatch``: thin entry point over `dispatch.cli.main`."""

from config import secret_variables
from config.log_setup import configure_logging
from dispatch.cli import main

# Logs go to stderr, so stdout stays the plan (or its JSON) alone.
configure_logging(level="WARNING", fmt="console", own_handler=True)
# Trunk passwords come from the variables the dispatch file names.
raise SystemExit(main(env=secret_variables()))
