"""When the caller's turn is over: the turn judge, dictation, holds, late transcripts,
speculation and Flux's turn events.
"""
