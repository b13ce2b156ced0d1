"""The fifty-sixth end-of-turn corpus.

``xylosma.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (go-kart tracks, laser tag,
a taxidermy studio, clock and watch repairs, key cutting, shoe and umbrella repairs, dry
cleaning collection, curtain making, rug cleaning, mattress recycling, a sail loft,
kayak, paddleboard and surf lessons, ski and snowboard hire, sled dog tours and a
reindeer farm) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``). Its author was given the working name
"yarrow", which an earlier corpus already has: the files were renamed, and their text
(which still says "yarrow") is the author's, unedited. The ``validate.py`` its README
names stayed with the author: the structure it checks is checked by
``tests/test_bench_turns.py``.

It was commissioned with wisteria, after rosewood was read and before saffron was; its
author saw no corpus. Registered unedited and unread; read to change the judge once
zelkova, acacia and baobab had been commissioned.
"""
