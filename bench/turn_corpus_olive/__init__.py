"""The forty-eighth end-of-turn corpus.

``olive.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (dental hygienist recalls, roof
lantern repairs, trophy engraving, beekeeping supplies, hot tub servicing, a climbing
wall, dry cleaning collections, electric gate repairs, fertility clinic admin, gravestone
masons, student lettings, karaoke room bookings, a laser eye clinic, music festival
refunds, foster carer enquiries, a parking permit office, a sunbed salon, quarry stone
supplies, a reptile shop and rugby club tickets; formats from ten countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after hawthorn was read and before linden was; its author saw no
corpus. Registered unedited and unread; read to change the judge once rosewood had
been commissioned.
"""
