"""The twentieth end-of-turn corpus, read in turn.

``thistle.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (an electrician, a dog
groomer, airport parking, a language school, solar panels, building society mortgages,
parcel tracking, a GP surgery, concert tickets, a campsite, appliance warranties, bin
collections, a taxi firm, an optician, card replacement, rail season tickets,
self-storage, music lessons, garden centre deliveries, blood donation; formats from
thirteen countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned, with ridge (``bench/turn_corpus_ridge``), before orchard
(``bench/turn_corpus_orchard``) was read to change the judge; its author saw neither.
Its class-level figures were looked at once while orchard was read (23e384f). It was read
after ridge, once yarrow had been commissioned; willow (``bench/turn_corpus_willow``)
stays out of sample.
"""
