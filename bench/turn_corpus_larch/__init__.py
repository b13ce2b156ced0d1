"""The thirty-fifth end-of-turn corpus, read to change the judge once pine was written.

``larch.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (aquarium supplies, bouncy castle
hire, a boxing gym, church hall bookings, clock repairs, crime victim support, embassy
visa appointments, a fencing contractor, jewellery repairs, kayak tours, a model railway
shop, motorcycle training, pool cleaning, sign language interpreters, steam railway
tickets, a tattoo studio, a wedding DJ, window cleaning, zoo annual passes and a cheese
subscription; formats from ten countries) **without reading the turn judge, this
project's code or any other corpus**. Same format and classes as the independent corpus,
so the same loader reads it (``bench.turn_corpus_independent.load_later``); the files are
the author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after hazel was read and before ivy was; its author saw no corpus.
It was read once pine had been commissioned (its rules are in
``tests/test_worker_turn_larch_read.py``), so its figures are no longer out of sample.
"""
