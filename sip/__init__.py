"""SIP call handling: participant attributes, call control (transfer, hangup), DTMF."""

from sip.attributes import SipCall, parse_sip_attributes

__all__ = ["SipCall", "parse_sip_attributes"]
