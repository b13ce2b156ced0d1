"""The fifth end-of-turn corpus, read since to change the judge.

``unseen.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (health insurance, telco,
utilities, banking, travel, returns, government services; US, UK, Canadian, Australian,
Irish, Indian, South African and New Zealand formats) **without reading the turn judge,
this project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.

It was written before the fresh corpus (``bench/turn_corpus_fresh``) was read to change
the judge, and its figures were the out-of-sample ones until its items were read in turn
to change the judge; ``bench/turn_corpus_blind`` was written first and took its place.
"""
