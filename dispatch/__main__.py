"""``python -m dispatch``: thin entry point over `dispatch.cli.main`."""

import os

from dispatch.cli import main
from worker.logs import configure_logging

# Logs go to stderr, so stdout stays the plan (or its JSON) alone.
configure_logging(level="WARNING", fmt="console", own_handler=True)
# Trunk passwords come from the variables the dispatch file names; this is the one place
# the environment is handed in.
raise SystemExit(main(env=os.environ))
