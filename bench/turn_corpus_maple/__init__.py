"""The thirty-sixth end-of-turn corpus, read to change the judge once rowan was commissioned.

``maple.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (an archery club, bakery orders, a
bowling alley, a cookery school, dry cleaners, football club tickets, hot tub hire,
lawn mower repairs, limousine hire, a motorhome dealer, a nail salon, opera house
tickets, planetarium shows, a rowing club, shoe repairs, swimming lessons, a trampoline
park, upholstery, vintage clothing and a yoga studio; formats from ten countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after ivy was read and before juniper was; its author saw no corpus.
It was read once rowan had been commissioned (its rules are in
``tests/test_worker_turn_maple_read.py``), so its figures are no longer out of sample.
"""
