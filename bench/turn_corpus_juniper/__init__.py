"""The thirty-third end-of-turn corpus, read to change the judge once maple was written.

``juniper.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (an accountancy firm,
patient transport, bicycle insurance, boarding school admissions, car park season
tickets, a cattery, community transport, costume hire, a crematorium, domestic cleaning,
power cuts, escape rooms, garden waste, hearing loops, a judo club, appliance
warranties, marquee hire, museum memberships, the organ donation register and rural
broadband; formats from nine countries) **without reading the turn judge, this project's
code or any other corpus**. Same format and classes as the independent corpus, so the
same loader reads it (``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after fir was read and before gum was; its author saw no corpus.
It was read once maple had been commissioned (its rules are in
``tests/test_worker_turn_juniper_read.py``), so its figures are no longer out of sample.
"""
