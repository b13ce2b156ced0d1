"""The nineteenth end-of-turn corpus, read in turn.

``ridge.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (a vet, boiler servicing, a
library, marina berths, a wedding venue, driving tests, phone repairs, holiday cottages,
broadband installs, a tax helpline, hospital outpatients, university admissions,
furniture delivery, car insurance claims, a pension provider, a gym chain, a ferry
operator, a water utility, a nursery, a lost property office; formats from eleven
countries) **without reading the turn judge, this project's code or any other corpus**.
Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned, with thistle (``bench/turn_corpus_thistle``), before orchard
(``bench/turn_corpus_orchard``) was read to change the judge; its author saw neither.
Its class-level figures were looked at once while orchard was read (23e384f). It was read
after quill, once willow (``bench/turn_corpus_willow``) had been commissioned; thistle
and willow stay out of sample.
"""
