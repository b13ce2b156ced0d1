"""The thirty-first end-of-turn corpus, read since to change the judge.

``hazel.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (airport parking, appliance repair,
bus lost property, carpet cleaning, citizens advice, cinema bookings, dental insurance,
equestrian supplies, a fertility clinic, a plant nursery, golf tee times, guitar repairs,
hire purchase, junk removal, library renewals, mobility scooters, pest control, ski
holidays, travel vaccinations and pet insurance; formats from eleven countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after dogwood was read and before elm was; its author saw no corpus.
It was read once kauri had been commissioned, so ivy, juniper and kauri give the
out-of-sample figures now.
"""
