"""The thirtieth end-of-turn corpus, read since to change the judge.

``gum.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (mobile network complaints, life
insurance claims, dog grooming, an NHS 111-style advice line, council parking permits, a
bank app, cruise bookings, bathroom fitters, pension transfers, concert venue access,
letting agents, cycle repairs, a passport office, catering orders, a home care agency,
courier redelivery, wedding photography, student accommodation, gas safety checks and a
car dealer's servicing; formats from nine countries) **without reading the turn judge,
this project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it (``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited. The ``validate.py`` its README names stayed with the
author: the structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after cedar was read and before dogwood was; its author saw no
corpus. It was read once juniper had been commissioned, so hazel, ivy and juniper give
the out-of-sample figures now.
"""
