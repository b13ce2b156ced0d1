"""Hand-off to a person: the note from the redacted history, its webhook, warm and attended
transfers and the consult room's briefing.
"""
