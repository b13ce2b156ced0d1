"""The sixteenth end-of-turn corpus, read in turn.

``meridian.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (smart meters, passport
renewals, dental insurance, bike share, a care home, a landlord's repairs, van rental,
a theatre scheme, student finance, a tyre service, a mail-order pharmacy, conveyancing,
coach travel, an online grocer, parking permits, card fraud, a sports club, a hearing
clinic, a pet microchip registry, a funeral director; formats from ten countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited
(each item also carries the author's ``setting`` and ``caller`` tags, which the loader
ignores). The ``validate.py`` its README names stayed with the author: the structure it
checks is checked by ``tests/test_bench_turns.py``.

It was commissioned before beacon (``bench/turn_corpus_beacon``) was read to change the
judge, and written while beacon and lantern were read; its author saw neither. It was
read after lantern, once quill (``bench/turn_corpus_quill``) had been commissioned;
orchard (``bench/turn_corpus_orchard``) stays out of sample.
"""
