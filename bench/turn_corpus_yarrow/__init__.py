"""The twenty-second end-of-turn corpus, read in turn.

``yarrow.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (housing repairs, a
broadband fault line, travel insurance, hearing aids, mobility scooters, a box office, a
dental plan, car rental, gas safety, a university IT desk, a credit union, recycling
permits, repeat prescriptions, coach holidays, pet cremation, dress alterations, smart
thermostats, parking appeals, boat insurance, home tutoring; formats from eleven
countries) **without reading the turn judge, this project's code or any other corpus**.
Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before thistle (``bench/turn_corpus_thistle``) was read to change the
judge; its author saw no corpus. It was read after thistle, once zinnia
(``bench/turn_corpus_zinnia``) had been commissioned; willow was read after it.
"""
