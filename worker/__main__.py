"""``python -m worker start|dev|console``: the LiveKit Agents CLI on our server."""

import sys

from config import SettingsError, TenantsFileError, load_settings, load_tenant_directory


def main() -> None:
    try:
        settings = load_settings()
        tenants = load_tenant_directory(settings)
    except (SettingsError, TenantsFileError) as error:
        # A bad setting or tenants file stops the worker before it takes calls, naming
        # the file and field.
        print(error, file=sys.stderr)
        sys.exit(2)

    from livekit.agents import cli

    from worker.server import build_server

    cli.run_app(build_server(settings, tenants))


if __name__ == "__main__":
    main()
