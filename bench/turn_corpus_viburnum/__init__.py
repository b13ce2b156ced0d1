"""The fifty-fourth end-of-turn corpus.

``viburnum.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (lighthouse holiday
cottages, canal lock bookings, chimney liners, vinyl record pressing, puppet theatre
tickets, wood turning and glassblowing courses, cider press hire, apple juicing,
mushroom foraging, fossil hunting, metal detecting permits, bird ringing, pier fishing,
deckchair hire, boatyard crane lifts, sheep shearing, a bell foundry, clock winding and
campervan rentals) **without reading the turn judge, this project's code or any other
corpus**. Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after quince was read and before rosewood was; its author saw no
corpus. Registered unedited and unread; read to change the judge once wisteria, xylosma
and zelkova had been commissioned.
"""
