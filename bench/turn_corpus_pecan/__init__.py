"""The forty-ninth end-of-turn corpus.

``pecan.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (allergy clinic admin, balloon
flights, a car valeting club, cricket club nets, a diving school, electric vehicle
chargers, falconry days, golf buggy hire, harp lessons, an industrial laundry, jewellery
valuations, kayak rental, lighthouse tours, meal kit subscriptions, nail bar bookings,
orthodontist payments, paintball parties, rural broadband vouchers, scuba gear servicing
and theatre costume hire; formats from thirteen countries) **without reading the turn
judge, this project's code or any other corpus**. Same format and classes as the
independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after linden was read and before mulberry was; its author saw no
corpus. Registered unedited and unread; read to change the judge once saffron had been
commissioned.
"""
