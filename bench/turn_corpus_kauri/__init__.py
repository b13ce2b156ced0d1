"""The thirty-fourth end-of-turn corpus, read to change the judge once oak was written.

``kauri.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (airline special assistance,
beekeeping supplies, bridal alterations, canal boat hire, carpet fitting, a childminder
agency, a climbing wall, a computer repair shop, council tax reductions, dog walking, a
driving test centre, farm shop boxes, an emergency glazier, home tutoring, a laundry, a
mobile vet, paddleboard rental, a travel clinic, skip hire and wheelchair taxis; formats
from fourteen countries) **without reading the turn judge, this project's code or any
other corpus**. Same format and classes as the independent corpus, so the same loader
reads it (``bench.turn_corpus_independent.load_later``); the files are the author's,
unedited. The ``validate.py`` its README names stayed with the author: the structure it
checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after gum was read and before hazel was; its author saw no corpus.
It was read once oak had been commissioned (its rules are in
``tests/test_worker_turn_kauri_read.py``), so its figures are no longer out of sample.
"""
