"""The eleventh end-of-turn corpus.

``tally.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (smart meters, hearing-aid
repairs, lost luggage, car finance, removals, bin collections, healthcare claims,
number porting, a crypto exchange, wedding venues, passports, storage units, feed-in
tariffs, child benefit, dog grooming, printers, bus passes, legal aid, pest control,
ferries; formats from eleven countries) **without reading the turn judge, this
project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it (``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited. The ``validate.py`` its README names stayed with the
author: the structure it checks is checked by ``tests/test_bench_turns.py``.

It was written after the ledger corpus had been read to change the judge, while quarry
(``bench/turn_corpus_quarry``) was still unread, and was itself read to change the
judge only once the stack corpus (``bench/turn_corpus_stack``) had been written.
"""
