"""The forty-fifth end-of-turn corpus, read to change the judge once olive was written.

``linden.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (antique clock repairs,
bailiff enquiries, a wholesale bakery, bus charter, chimney lining, christening gowns,
computer recycling, dairy delivery, a darts league, dog insurance claims, a fabric shop,
fishing tackle, gym equipment servicing, heat pump installers, lifeguard courses, mobile
tyre fitting, nursery school places, a pet passport vet, pharmacy blister packs and a
sports physio; formats from ten countries) **without reading the turn judge, this
project's code or any other corpus**. Same format and classes as the independent corpus,
so the same loader reads it (``bench.turn_corpus_independent.load_later``); the files
are the author's, unedited. The ``validate.py`` its README names stayed with the author:
the structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after spruce was read and before tamarack was; its author saw no
corpus. It was read once olive had been commissioned (its rules are in
``tests/test_worker_turn_linden_read.py``), so its figures are no longer out of sample.
"""
