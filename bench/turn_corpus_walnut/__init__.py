"""The forty-second end-of-turn corpus, read to change the judge once linden was written.

``walnut.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (alarm clock radio repairs,
a bed and breakfast, bee swarm removal, a blind cord safety recall, a broadband
installer, office catering, camera repairs, chiropodist home visits, a cycle to work
scheme, a dishwasher warranty, dog training classes, estate agent viewings, fire
extinguisher servicing, hearse hire, ice cream van hire, knitting supplies, loft
conversions, a mobile library, heating oil delivery and water cooler rental; formats from
ten countries) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before rowan was read; its author saw no corpus. It was read once
yew, hawthorn and linden had been commissioned (its rules are in
``tests/test_worker_turn_walnut_read.py``), so its figures are no longer out of sample.
"""
