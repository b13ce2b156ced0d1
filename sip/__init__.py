"""SIP call handling: participant attributes (transfer, DTMF and hangup build on these)."""

from sip.attributes import SipCall, parse_sip_attributes

__all__ = ["SipCall", "parse_sip_attributes"]
