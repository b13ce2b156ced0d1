"""The fifty-third end-of-turn corpus.

``tupelo.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (an egg delivery round,
alpaca trekking, llama walks, goat yoga, stump grinding, roof moss removal, driveway
pressure washing, a denture repair clinic, home blood tests, children's party clowns,
magicians, harpists, wedding cars, kilt hire, a tartan mill, bagpipe lessons, mobile
saunas, aquarium cleaning, hearing aid batteries and home physiotherapy) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after pecan was read and before quince was; its author saw no
corpus. Registered unedited and unread; read to change the judge once wisteria and a
second newer corpus had been commissioned.
"""
