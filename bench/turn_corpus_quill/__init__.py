"""The eighteenth end-of-turn corpus, read in turn.

``quill.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (a building society's mortgages,
season tickets, a tax helpline, pension transfers, car insurance claims, a vet, an
admissions office, a water leaks line, phone repairs, a box office, a county court, a
bank's business team, home warranties, parcel lockers, prescription delivery, a sports
league, a visa centre, car hire, a broadband installer, blue badges; identifier formats
from ten countries, each with its real length and where the author checked it)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before meridian (``bench/turn_corpus_meridian``) was read to change
the judge, and written while meridian was read; its author saw neither. Orchard
(``bench/turn_corpus_orchard``) was read since, then quill itself, once willow
(``bench/turn_corpus_willow``) had been commissioned; ridge, thistle and willow stay out
of sample.
"""
