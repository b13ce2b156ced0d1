"""The thirty-second end-of-turn corpus, read to change the judge once larch was written.

``ivy.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (an allotment society, antique
restoration, baby equipment hire, a bereavement line, boat insurance, a bookshop, camper
van hire, a chimney sweep, coffee machine repairs, a dance school, double glazing,
fishing licences, flower delivery, foreign exchange, riding lessons, an ice rink,
kennels, lottery prize claims, opticians' home visits and printer ink; formats from
nine countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after elm was read and before fir was; its author saw no corpus.
It was read once larch had been commissioned (its rules are in
``tests/test_worker_turn_ivy_read.py``), so its figures are no longer out of sample.
"""
