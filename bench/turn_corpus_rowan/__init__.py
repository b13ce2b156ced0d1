"""The thirty-ninth end-of-turn corpus, read to change the judge once walnut and yew were written.

``rowan.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (airport parking, antiques
valuation, a bathroom fitter, boiler servicing, a car wash subscription, a crematorium,
a driving instructor, electric car charging, furniture assembly, hospice fundraising, a
kitchen showroom, a lost property office, pest control, a photography studio, a removal
company, a solar panel installer, student accommodation, a theatre box office, a tree
surgeon and water softener servicing; formats from ten countries) **without reading
the turn judge, this project's code or any other corpus**. Same format and classes as
the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after larch was read and before maple was; its author saw no
corpus. It was read once walnut and yew had been commissioned (its rules are in
``tests/test_worker_turn_rowan_read.py``), so its figures are no longer out of sample.
"""
