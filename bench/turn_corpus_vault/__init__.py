"""The eighth end-of-turn corpus.

``vault.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (meter readings,
mortgages, roaming, prescriptions, home warranties, gas emergencies, lost cards,
groceries, visas, IT helpdesks, pet insurance, parking appeals, hotel loyalty, solar
installers; formats from ten countries) **without reading the turn judge, this
project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.

It was written while the sealed corpus (``bench/turn_corpus_sealed``) was being read to
change the judge, and was itself read to change the judge only once the ledger corpus
(``bench/turn_corpus_ledger``) had been written.
"""
