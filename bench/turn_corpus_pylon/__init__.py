"""The thirteenth end-of-turn corpus, read in turn.

``pylon.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (mortgage overpayments,
phone insurance, EV charging, parking fines, loyalty points, adoption, recycling
permits, school transport, satellite broadband, visa appointments, marine insurance,
apprenticeships, catering, warranties, theatres, holiday lets, energy debt, landlines,
season tickets, housing repairs; formats from eleven countries) **without reading the
turn judge, this project's code or any other corpus**. Same format and classes as the
independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was written after tally had been read to change the judge, while stack
(``bench/turn_corpus_stack``) was still unread; stack was read since, and pylon after it,
once lantern (``bench/turn_corpus_lantern``) had been commissioned. Beacon and lantern
stay out of sample.
"""
