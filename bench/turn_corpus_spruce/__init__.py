"""The fortieth end-of-turn corpus, read to change the judge once walnut and yew were written.

``spruce.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (an allotment society, an art
supplies shop, bicycle hire, blood donation, a bridal shop, a canoe club, carpet
cleaning, a children's party entertainer, dog grooming, smart electricity meters, gas
safety checks, guitar lessons, housing association repairs, a leisure centre, mobile
phone repairs, a parcel locker, a school uniform shop, skip hire, vintage car hire and
window blinds; formats from nine countries) **without reading the turn judge, this
project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it (``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited. The ``validate.py`` its README names stayed with the
author: the structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after maple was read and before oak was; its author saw no corpus.
It was read once walnut and yew had been commissioned (its rules are in
``tests/test_worker_turn_spruce_read.py``), so its figures are no longer out of sample.
"""
