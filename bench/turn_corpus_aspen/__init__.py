"""The twenty-fourth end-of-turn corpus, read to change the judge after zinnia.

``aspen.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (water leaks, a wedding
venue, pension transfers, a veterinary pharmacy, ferry bookings, a gym, a funeral
director, breakdown cover, number porting, a nursery, rail season tickets, furniture
delivery, an eye clinic, student loans, a roofer, online groceries, self storage, music
lessons, charity donations, a tax-return helpline; formats from eleven countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before willow (``bench/turn_corpus_willow``) was read to change the
judge; its author saw no corpus. It was read after zinnia, while birch and cedar stayed
unread (``tests/test_worker_turn_aspen_read.py`` holds the rules it led to).
"""
