"""The sixth end-of-turn corpus, read since to change the judge.

``blind.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (letting agents, vets,
gyms, repairs desks, council tax, couriers, dentists, student loans, pensions, roadside
breakdown, home insurance, software refunds, school admissions; US, UK, Canadian,
Australian, Irish, Indian, South African, New Zealand and Singapore formats) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited.

It was written while the unseen corpus (``bench/turn_corpus_unseen``) was being read to
change the judge; its figures were the out-of-sample ones until its items were read in
turn, after ``bench/turn_corpus_sealed`` had been written to take its place.
"""
