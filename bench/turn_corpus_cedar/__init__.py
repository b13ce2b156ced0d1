"""The twenty-sixth end-of-turn corpus, read to change the judge after birch.

``cedar.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (lottery claims, a hospice,
a fertility clinic, airport parking, a kitchen fitter, a wine club, housing benefit, scuba
holidays, courier complaints, contact lenses, a pawnbroker, a tree surgeon, a language
school, non-emergency ambulances, caravan insurance, smart meters, farm supplies, a
bridal shop, a co-working space, festival tickets; formats from ten countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after zinnia was read, when the judge's last change of that stop had
landed; its author saw no corpus. It was read after birch, while dogwood and elm stayed
unread (``tests/test_worker_turn_cedar_read.py`` holds the rules it led to).
"""
