"""The fifteenth end-of-turn corpus, read in turn.

``lantern.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (water billing, driving
tests, out-of-hours vets, ticket resale, home insurance claims, a GP's prescriptions
line, a courier, gas engineers, university accommodation, a broadband outage line, hotel
reservations, car finance, mobile banking, library renewals, a letting agent, a ferry
operator, child benefit, pharmacy delivery, a gym chain, travel insurance; formats from
ten countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before pylon (``bench/turn_corpus_pylon``) was read to change the
judge, and written while the judge was being changed from pylon; its author saw
neither. It was read after beacon (``bench/turn_corpus_beacon``), once orchard had been
commissioned; meridian (``bench/turn_corpus_meridian``) stays out of sample.
"""
