"""The thirty-eighth end-of-turn corpus, read to change the judge once tamarack was written.

``pine.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (beekeeping supplies, a bike
courier, campsite bookings, a chimney sweep, a dance school, an escape room, a falconry
experience, golf tee times, a hearing-aid clinic, an ice rink, dog kennels, a locksmith,
marquee hire, an orthodontist, piano tuning, bulky waste collection, scaffolding hire, a
taxi firm, costume hire and a wedding florist; formats from ten countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after oak was registered and before larch was read; its author saw
no corpus. It was read once tamarack had been commissioned (its rules are in
``tests/test_worker_turn_pine_read.py``), so its figures are no longer out of sample.
"""
