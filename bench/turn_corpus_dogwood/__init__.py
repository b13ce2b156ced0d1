"""The twenty-seventh end-of-turn corpus, read since to change the judge.

``dogwood.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (a dental practice,
breakdown cover, student loans, pet insurance, a broadband outage, mortgage arrears, care
home enquiries, ferry bookings, solar panels, home removals, a gym, prescription
delivery, parking fines, boiler repair, hearing aids, a funeral director, utility
switching, lost luggage, a driving school, phone repairs; formats from ten countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before aspen (``bench/turn_corpus_aspen``) was read to change the
judge; its author saw no corpus. It was read once gum had been commissioned, so elm,
fir and gum give the out-of-sample figures now.
"""
