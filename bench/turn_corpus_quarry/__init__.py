"""The tenth end-of-turn corpus.

``quarry.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (hospital appointments,
debt collection, roadside assistance, energy switching, pensions, immigration, returns,
banking lockouts, cable TV, tax refunds, school admissions, food delivery, travel
insurance, charities, scooter rental, mortgage arrears, prize claims, software
licences, funeral services, veterans' benefits; formats from at least eight countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was written while the ledger corpus (``bench/turn_corpus_ledger``) was still unread,
and was itself read to change the judge only once the tally corpus
(``bench/turn_corpus_tally``) had been written.
"""
