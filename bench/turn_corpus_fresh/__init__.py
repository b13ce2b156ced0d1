"""The fourth end-of-turn corpus, read since to change the judge.

``fresh.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (US, UK, Canadian,
Australian, Irish and Indian formats) **without reading the turn judge, this project's
code or any other corpus**, after the judge's last change. Same format and classes as
the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's,
unedited.

Its figures were the judge's out-of-sample ones until its premature items were read to
change the judge, after ``bench/turn_corpus_unseen`` had been written to take its place.
"""
