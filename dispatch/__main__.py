"""``python -m dispatch``: thin entry point over `dispatch.cli.main`.

Trunk passwords and PINs come from the variables the dispatch file names (the process
environment, read through `config.secret_variables`); logs go to stderr.
"""

from dispatch.cli import main

raise SystemExit(main(configure_logs=True))
