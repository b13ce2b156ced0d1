"""The twenty-third end-of-turn corpus, read after willow.

``zinnia.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (mortgage arrears, a hotel
spa, phone insurance, a driving school, a cinema, children's outpatients, alarm
monitoring, a gardener, furniture rental, bus lost property, a deposit scheme, a radio
competition, kennels, ski holidays, printer repairs, catering, a vaccination clinic,
solar batteries, a library's home delivery, boiler insurance; formats from eleven
countries) **without reading the turn judge, this project's code or any other corpus**.
Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before yarrow (``bench/turn_corpus_yarrow``) was read to change the
judge; its author saw no corpus. It was read after willow, once birch
(``bench/turn_corpus_birch``) had been commissioned; aspen and birch stay out of sample.
"""
