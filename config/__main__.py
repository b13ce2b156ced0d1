"""``python -m config check``: print the settings (secrets masked) or name what is wrong
in them or in the tenants file they point at."""

from __future__ import annotations

import argparse
import json
import sys

from config.credentials import missing_credentials
from config.loading import SettingsError, load_settings, load_tenant_directory
from config.tenants import TenantsFileError

EXIT_INVALID = 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check", help="validate and print the effective settings, secrets masked"
    )
    check.add_argument(
        "--skip-credentials",
        action="store_true",
        help="check the settings alone, not that the worker's credentials are set",
    )
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        # The tenants file is configuration too: the worker and the token endpoint
        # refuse to start on a bad one, so the check must as well.
        load_tenant_directory(settings)
    except (SettingsError, TenantsFileError) as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    # mode="json" renders SecretStr as "**********", so secrets never reach the terminal.
    print(json.dumps(settings.model_dump(mode="json"), indent=2, sort_keys=True))
    missing = [] if args.skip_credentials else missing_credentials(settings)
    if missing:
        print("missing credentials the worker needs:", file=sys.stderr)
        for item in missing:
            print(f"  {item}", file=sys.stderr)
        return EXIT_INVALID
    return 0


if __name__ == "__main__":
    sys.exit(main())
