"""A stand-in for the parts of the LiveKit CLI that ``create.sh`` uses, for tests only.

It does what livekit-cli ``cmd/lk/sip.go`` and ``cmd/lk/proto.go`` do for
``lk sip inbound|outbound|dispatch create [--auth-pass P] [--trunks A,B] FILE``: read
the file with strict protobuf JSON (unknown fields are an error), let the flags
override the file, and create the object through the API, printing
``SIPTrunkID: <id>`` or ``SIPDispatchRuleID: <id>``. The server is the simulator named
by ``LIVEKIT_URL``/``LIVEKIT_API_KEY``/``LIVEKIT_API_SECRET``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from google.protobuf import json_format
from livekit import api


async def _main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="lk")
    parser.add_argument("group", choices=["sip"])
    parser.add_argument("kind", choices=["inbound", "outbound", "dispatch"])
    parser.add_argument("action", choices=["create"])
    parser.add_argument("--auth-pass", default="")
    parser.add_argument("--trunks", default=None)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    text = args.file.read_text(encoding="utf-8")
    async with api.LiveKitAPI(
        url=os.environ["LIVEKIT_URL"],
        api_key=os.environ["LIVEKIT_API_KEY"],
        api_secret=os.environ["LIVEKIT_API_SECRET"],
    ) as lk:
        if args.kind == "inbound":
            inbound = json_format.Parse(text, api.CreateSIPInboundTrunkRequest())
            if args.auth_pass:
                inbound.trunk.auth_password = args.auth_pass
            created = await lk.sip.create_inbound_trunk(inbound)
            print(f"SIPTrunkID: {created.sip_trunk_id}")
        elif args.kind == "outbound":
            outbound = json_format.Parse(text, api.CreateSIPOutboundTrunkRequest())
            if args.auth_pass:
                outbound.trunk.auth_password = args.auth_pass
            made = await lk.sip.create_outbound_trunk(outbound)
            print(f"SIPTrunkID: {made.sip_trunk_id}")
        else:
            rule = json_format.Parse(text, api.CreateSIPDispatchRuleRequest())
            if args.trunks is not None:
                del rule.dispatch_rule.trunk_ids[:]
                rule.dispatch_rule.trunk_ids.extend(args.trunks.split(","))
            written = await lk.sip.create_dispatch_rule(rule)
            print(f"SIPDispatchRuleID: {written.sip_dispatch_rule_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(_main(sys.argv[1:])))
