"""The ninth end-of-turn corpus.

``ledger.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (airline rebooking, water
and electricity, a bank's fraud line, tax and council tax, car rental, broadband faults,
couriers, dentists, insurance claims, cancellations, pharmacy refills, student loans,
gyms, letting agents, vets, trains, mobile upgrades; formats from eight countries and a
French speaker's digit grouping) **without reading the turn judge, this project's code
or any other corpus**. Same format and classes as the independent corpus, so the same
loader reads it (``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was written while the vault corpus (``bench/turn_corpus_vault``) was still unread,
and was itself read to change the judge only once the quarry corpus
(``bench/turn_corpus_quarry``) had been written.
"""
