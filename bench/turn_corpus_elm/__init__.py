"""The twenty-eighth end-of-turn corpus, read since to change the judge.

``elm.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (a bank's fraud line, airline
rebooking, bin collections, a GP surgery, car insurance claims, meter readings, hotel
reservations, repeat prescriptions, streaming billing, water leaks, pensions, rail
refunds, a vet, storm damage, roaming, university admissions, furniture returns, a tax
helpline, childcare vouchers, ticket resale; formats from eleven countries) **without
reading the turn judge, this project's code or any other corpus**. Same format and
classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned after aspen was read and before birch was; its author saw no
corpus. It was read once hazel had been commissioned, so fir, gum and hazel give the
out-of-sample figures now.
"""
