"""The fifty-first end-of-turn corpus.

``rosewood.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (stairlift servicing,
greenhouse kits, sheepdog trials, drone surveys, sauna hire, yurt camping, oven cleaning,
a wig clinic, prosthetic limb appointments, braille transcription, guide dog donations,
bell-ringing towers, pipe organ tuning, a curling rink, a bowls club, a county archive, a
plasma donation centre, a dry ski slope, caravan storage and horsebox hire) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after nutmeg was read and before olive was; its author saw no
corpus. Registered unedited and unread; read to change the judge once viburnum had been
commissioned.
"""
