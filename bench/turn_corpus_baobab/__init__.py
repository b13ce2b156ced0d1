"""The fifty-ninth end-of-turn corpus, unread like zelkova and acacia.

``baobab.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (roller discos, skate and
BMX parks, archery, fencing, rowing, dinghy sailing, windsurfing, kite and model
aircraft clubs, drone training, stargazing, pottery painting, science centre parties,
robotics and coding clubs, Lego workshops, a board game café, a crossword club and quiz
nights) **without reading the turn judge, this project's code or any other corpus**.
Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after wisteria was read and before xylosma was; its author saw no
corpus. With zelkova and acacia its figures are the out-of-sample ones.
"""
