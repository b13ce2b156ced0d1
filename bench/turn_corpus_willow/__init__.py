"""The twenty-first end-of-turn corpus, read after yarrow.

``willow.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (a hotel desk, home
insurance claims, a dentist, energy billing, a mobile network, pet insurance, school
admissions, car servicing, student housing, removals, cycle repairs, council tax, airline
baggage, patient transport, home care, window fitting, an emergency vet, museum
membership, a tyre centre, lettings; formats from fourteen countries) **without reading
the turn judge, this project's code or any other corpus**. Same format and classes as
the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned while orchard (``bench/turn_corpus_orchard``) was read to change the
judge, and after the class-level figures of ridge and thistle had been looked at once
(23e384f says why); its author saw neither. No choice about the judge was made after
seeing any of its figures until it was read, after yarrow, once aspen
(``bench/turn_corpus_aspen``) had been commissioned; zinnia and aspen stay out of sample.
"""
