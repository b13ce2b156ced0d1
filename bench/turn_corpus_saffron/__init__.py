"""The fifty-second end-of-turn corpus.

``saffron.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (taxidermy commissions,
genealogy research, microfilm scanning, crane hire, forklift training, portable toilet
hire, narrowboat moorings, snowsport club travel, a croquet club, bunting and flag
printing, laundrette service washes, cobbler repairs, saddle fitting, farrier visits,
hearing dog applications, calligraphy workshops, stained glass restoration, thatching
quotes, blacksmith courses and well drilling surveys) **without reading the turn judge,
this project's code or any other corpus**. Same format and classes as the independent
corpus, so the same loader reads it (``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited. The ``validate.py`` its README names stayed with the
author: the structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after olive was read and before rosewood was; its author saw no
corpus. Registered unedited and unread; read to change the judge once wisteria had been
commissioned.
"""
