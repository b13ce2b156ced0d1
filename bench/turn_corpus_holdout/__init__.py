"""A third end-of-turn corpus, used to change the judge after the independent one.

``holdout.yaml`` and its ``README.md`` are another engineer's work for issue 27: 269
caller turns written from the issue and call-centre practice **without reading the turn
judge, this project's code or either other corpus**; the files are the author's,
unedited but for a note on its README's list of files. Same format and classes as the
independent corpus (``bench/turn_corpus_independent``), so the same loader reads it
(``load_later``).

It was held out while the judge was changed against the independent corpus, then read
to find the judge's remaining errors, so its figures are no longer out of sample: those
come from the newest corpus in ``bench.turn_corpus_independent.LATER_CORPORA``.
"""
