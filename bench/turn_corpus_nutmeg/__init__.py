"""The forty-seventh end-of-turn corpus, read to change the judge once quince was written.

``nutmeg.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (window blind fitting, a
horse livery yard, funeral plan enquiries, driving test bookings, kennel boarding, pond
maintenance, roofing guarantees, a car share club, taxi account billing, a wedding
photographer, septic tank emptying, mobility scooter hire, a garden waste subscription,
furniture upholstery, tattoo studio bookings, camping equipment rental, blood donation
appointments, vintage car insurance, an organ donor register and ice rink parties;
formats from eleven countries) **without reading the turn judge, this project's code or
any other corpus**. Same format and classes as the independent corpus, so the same
loader reads it (``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after yew was read and before hawthorn was; its author saw no
corpus. It was read once quince had been commissioned (its rules are in
``tests/test_worker_turn_nutmeg_read.py``), so its figures are no longer out of sample.
"""
