"""The fifty-eighth end-of-turn corpus, unread like zelkova and baobab.

``acacia.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (lighthouse tours, bell
ringing lessons, morris dancing, brass band hire, steam railway footplate days, canal boat
painting, forge days, cheese making and sourdough courses, beekeeping kits, hedge laying,
coppicing, loft ladders, tailoring, a shoe shine stand, barbers, nail and tanning salons,
a wig clinic and denture cleaning) **without reading the turn judge, this project's code
or any other corpus**. Same format and classes as the independent corpus, so the same
loader reads it (``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after viburnum was read and before wisteria was; its author saw no
corpus. With zelkova and baobab its figures are the out-of-sample ones.
"""
