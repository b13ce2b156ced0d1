"""The forty-sixth end-of-turn corpus, read to change the judge once pecan was written.

``mulberry.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (an accident repair garage,
an adult education college, bathroom mobility aids, beach hut rentals, a bridge club,
catering equipment repairs, charity shop collections, a choir, cleaning supplies,
conservatory roofs, cycling holidays, floor sanding, gas bottle delivery, kitchen
worktops, lawn treatment, mobile phone insurance, property inventory clerks, sailing club
moorings, stair lifts and a tutoring agency; formats from eleven countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after tamarack was read and before walnut was; its author saw no
corpus. It was read once pecan had been commissioned (its rules are in
``tests/test_worker_turn_mulberry_read.py``), so its figures are no longer out of sample.
"""
