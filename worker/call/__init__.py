"""What the agent can do to and know about its call: tools, actions, limits, state, outcome,
the context window and the values the caller gave.
"""
