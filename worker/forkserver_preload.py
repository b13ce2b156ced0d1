"""Imported once in the worker's forkserver (`AgentServer(preload_modules=...)`), so every
job process inherits the result copy-on-write instead of redoing it as it starts.

A job process runs one call and exits, and the pool forks a fresh one to replace it: what
each process does before its call is paid once per call, while the calls already running
share the CPU. Measured in a process that already holds the framework's own preloads:
importing the worker (settings models, plugins' options, compliance detectors) ~0.8 s of
CPU, the TLS contexts and the OpenAI SDK's lazily resolved modules
(`worker.server.warm_call_start`) ~0.2 s. The Silero VAD stays in the per-process prewarm:
its ONNX session is built from settings, which the forkserver does not have.

The forkserver imports preload modules ignoring only ImportError; anything else raised
here would stop every job process from starting. So a failure is swallowed: the job
process then does the same work itself, as before, and reports a real error if it fails.
"""

from __future__ import annotations

import contextlib

with contextlib.suppress(Exception):
    import worker.server

    worker.server.warm_call_start()
