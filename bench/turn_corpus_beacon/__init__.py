"""The fourteenth end-of-turn corpus, read in turn.

``beacon.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (council tax, student
loans, pet insurance, solar panels, a dentist, phone contract upgrades, lost luggage,
car hire, a credit union, removals, a nursery, vehicle recovery, a hearing-aid clinic,
rail season tickets, a wine club, a pension provider, a locksmith, a language school,
furniture delivery, a food bank referral line; formats from nine countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before stack (``bench/turn_corpus_stack``) was read to change the
judge, and written while the judge was being changed from stack; its author saw neither.
Pylon (``bench/turn_corpus_pylon``) was read since, and beacon after it, once meridian
(``bench/turn_corpus_meridian``) had been commissioned.
"""
