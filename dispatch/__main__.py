"""``python -m dispatch``: thin entry point over `dispatch.cli.main`."""

from config import SettingsError, load_settings, secret_variables
from config.log_setup import configure_logging
from dispatch.cli import main

# Logs go to stderr, so stdout stays the plan (or its JSON) alone; in the format the
# settings ask for (JSON in a pod, like every other process). Bad settings are
# reported by main() itself, naming the field.
try:
    _format = load_settings().observability.log_format
except SettingsError:
    _format = "console"
configure_logging(level="WARNING", fmt=_format, own_handler=True)
# Trunk passwords come from the variables the dispatch file names.
raise SystemExit(main(env=secret_variables()))
