"""The forty-first end-of-turn corpus, read to change the judge once hawthorn was written.

``tamarack.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (aquarium supplies, an
audiologist, boat moorings, cake decorating, car rental returns, cemetery plots, coach
tours, community transport, energy switching, funeral flowers, garage doors, golf club
membership, hedge trimming, home insurance claims, lift maintenance, optician repairs,
parking permits, printer ink refills, roofing repairs and wheelchair repairs; formats
from nine countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after oak was read and before pine was; its author saw no corpus.
It was read once walnut, yew and hawthorn had been commissioned (its rules are in
``tests/test_worker_turn_tamarack_read.py``), so its figures are no longer out of sample.
"""
