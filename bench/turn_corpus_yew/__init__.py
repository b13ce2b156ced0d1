"""The forty-third end-of-turn corpus, read to change the judge once mulberry was written.

``yew.yaml`` and its ``README.md`` are another engineer's work for issue 27: 265 caller
turns written from the issue and call-centre practice (addiction helpline admin, bus
pass renewals, caravan site pitches, children's theatre workshops, pharmacy flu jabs,
court fines, drain unblocking, e-bike servicing, exam results, garden furniture orders,
hair salon bookings, home chef delivery, hospital car parking, a jury service office,
loft insulation grants, marine engine servicing, piano removals, refunds for cancelled
flights, a vehicle tax helpline and wood burner installers; formats from nine countries)
**without reading the turn judge, this project's code or any other corpus**. Same format
and classes as the independent corpus, so the same loader reads it
(``bench.turn_corpus_independent.load_later``); the files are the author's, unedited.
The ``validate.py`` its README names stayed with the author: the structure it checks is
checked by ``tests/test_bench_turns.py``.

It was commissioned before rowan was read; its author saw no corpus. It was read once
hawthorn, linden and mulberry had been commissioned (its rules are in
``tests/test_worker_turn_yew_read.py``), so its figures are no longer out of sample.
"""
