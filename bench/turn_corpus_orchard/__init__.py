"""The seventeenth end-of-turn corpus, read in turn.

``orchard.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (heating oil, TV licensing,
life insurance claims, dog grooming, an alumni office, boiler cover, cinema bookings, an
allotment society, laptop repairs, housing benefit, a private hospital, a coffee
subscription, breakdown recovery, swimming lessons, window cleaning, payroll, a
charity's donations line, mobile roaming, furniture returns, airport parking; formats
from ten countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before lantern (``bench/turn_corpus_lantern``) was read to change
the judge, and written while lantern was read; its author saw neither. Meridian
(``bench/turn_corpus_meridian``) was read since. It was read after meridian, once ridge
and thistle (``bench/turn_corpus_ridge``, ``bench/turn_corpus_thistle``) had been
commissioned; quill (``bench/turn_corpus_quill``) stays out of sample.
"""
