"""The twenty-fifth end-of-turn corpus, read to change the judge after aspen.

``birch.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (a hospital switchboard,
EV charging, a mortgage broker, parcel lockers, a hearing clinic, dog grooming, a
building society, campsites, a sports club, window cleaning, pharmacy delivery, bike
share, coach hire, energy grants, immigration advice, housing-association rent, piano
tuning, card disputes, theatre groups, satellite TV; formats from ten countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before zinnia (``bench/turn_corpus_zinnia``) was read to change the
judge; its author saw no corpus. It was read after aspen, while cedar and dogwood stayed
unread (``tests/test_worker_turn_birch_read.py`` holds the rules it led to).
"""
