"""The thirty-seventh end-of-turn corpus, read to change the judge once spruce was written.

``oak.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (an allergy clinic, Christmas tree
delivery, a coffee subscription, a cricket club, drone repairs, gutter cleaning, jet ski
hire, log delivery, mattress returns, minibus hire, an organic butcher, pizza delivery,
a podiatrist, pottery classes, a sailing school, alarm monitoring, sofa delivery, tyre
fitting, an out-of-hours vet and a wine club; formats from ten countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after juniper was read and before kauri was; its author saw no
corpus. It was read once spruce had been commissioned (its rules are in
``tests/test_worker_turn_oak_read.py``), so its figures are no longer out of sample.
"""
