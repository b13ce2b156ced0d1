"""The twenty-ninth end-of-turn corpus, read since to change the judge.

``fir.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (credit card disputes, holiday
lets, hospital outpatients, EV charging, broadband moves, a debt charity, car rental
damage, an emergency dentist, a building society, a theatre box office, garden centre
deliveries, immigration advice, school admissions, a marina, window cleaning, blood
donation, locksmiths, food delivery refunds, social housing repairs, a photography
studio; formats from nine countries) **without reading the turn judge, this project's
code or any other corpus**. Same format and classes as the independent corpus, so the
same loader reads it (``bench.turn_corpus_independent.load_later``); the files are the
author's, unedited. The ``validate.py`` its README names stayed with the author: the
structure it checks is checked by ``tests/test_bench_turns.py``.

It was commissioned after birch was read and before cedar was; its author saw no
corpus. It was read once ivy had been commissioned, so gum, hazel and ivy give the
out-of-sample figures now.
"""
