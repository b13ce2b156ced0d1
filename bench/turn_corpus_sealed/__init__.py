"""The seventh end-of-turn corpus, read since to change the judge.

``sealed.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265
caller turns written from the issue and call-centre practice (lost baggage, fraud lines,
broadband faults, water, outpatients, car rental, debt collection, deliveries, tax,
box offices, travel insurance, recruitment, TV licences, charities; formats from ten
countries) **without reading the turn judge, this project's code or any other corpus**.
Same format and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the
files are the author's, unedited.

It was written while the blind corpus (``bench/turn_corpus_blind``) was being read to
change the judge; its figures were the out-of-sample ones until its items were read in
turn, after ``bench/turn_corpus_vault`` had been written to take its place.
"""
