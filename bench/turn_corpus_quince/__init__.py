"""The fiftieth end-of-turn corpus.

``quince.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (archery lessons, bin store
cleaning, cake decorating courses, chandlery orders, crematorium bookings, refuge admin,
equestrian insurance, festival camping upgrades, glass recycling contracts, hen party
packages, indoor skydiving, a tile shop, kitchen deep cleaning, a language school, a
mobile library, night shelter referrals, oyster deliveries, a velodrome, river cruises
and solar panel cleaning; formats from nine countries) **without reading the turn judge,
this project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it (``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited. The ``validate.py`` its README names stayed with the
author: the structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after mulberry was read and before nutmeg was; its author saw no
corpus. Registered unedited and unread; read to change the judge once tupelo had been
commissioned.
"""
