"""The twelfth end-of-turn corpus, read in turn.

``stack.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (water leaks, premium-rate
disputes, gym freezes, boilers, admissions, car insurance, prescription deliveries,
broadband moves, seat upgrades, tenancy deposits, business rates, vet emergencies,
children's passports, lost train tickets, account closures, tax letters, satellite TV,
home care, parcel lockers, event tickets; formats from eleven countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was written after quarry had been read to change the judge, while tally
(``bench/turn_corpus_tally``) was still unread; tally was read since. Stack was read to
change the judge once beacon (``bench/turn_corpus_beacon``) had been commissioned;
pylon and beacon stay out of sample.
"""
