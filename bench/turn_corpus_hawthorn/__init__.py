"""The forty-fourth end-of-turn corpus, read to change the judge once nutmeg was written.

``hawthorn.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (aerial installers,
allotment water bills, bike lockers, a boat licence office, bridal hire, carpet fitting
dates, a chess club, children's shoe fitting, a coin dealer, council pest control,
district nursing admin, a flood warning line, holiday park bookings, marathon entries, a
mobile hairdresser, patio cleaning, a piano teacher, a second-hand bookshop, swimming
pool hire and a wedding cake bakery; formats from eleven countries) **without reading
the turn judge, this project's code or any other corpus**. Same format and classes as
the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after rowan was read and before spruce was; its author saw no
corpus. It was read once nutmeg had been commissioned (its rules are in
``tests/test_worker_turn_hawthorn_read.py``), so its figures are no longer out of sample.
"""
