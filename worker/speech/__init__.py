"""What the agent says and how it reaches the caller: the phrase cache, fillers and their
policy, spoken lines per language, chunks, TTS resume and tool bridges.
"""
