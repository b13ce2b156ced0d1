"""The fifty-fifth end-of-turn corpus.

``wisteria.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (falconry displays, hot air
balloon flights, narrowboat hire, thatching and dry stone walling, piano tuning, organ
servicing, chimney sweeping, well drilling, beehive removal, horse dentistry, a
blacksmith, pottery kiln hire, bookbinding, violin repairs, a tattoo removal clinic, axe
throwing, climbing walls, bowling parties and trampoline parks) **without reading the
turn judge, this project's code or any other corpus**. Same format and classes as the
independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after rosewood was read and before saffron was; its author saw no
corpus. Registered unedited and unread; read to change the judge once zelkova and acacia
had been commissioned.
"""
