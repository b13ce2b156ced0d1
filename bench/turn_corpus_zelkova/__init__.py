"""The fifty-seventh end-of-turn corpus, unread like acacia and baobab.

``zelkova.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (pet cremation, guide dog
puppy walking, allotments, a community orchard, a seed library, repair cafés, a bike
kitchen, a tool library, foodbank referrals, warm spaces, wheelchair repairs, hearing
loops, braille transcription, stairwell lighting, lift callouts, window cleaning, gutter
clearing, drain unblocking, a chess club and choir auditions) **without reading the
turn judge, this project's code or any other corpus**. Same format and classes as the
independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after tupelo was read and before viburnum was; its author saw no
corpus. With acacia and baobab its figures are the out-of-sample ones.
"""
