"""What a call and the fleet report: Prometheus, the call summary and ledger, budgets, tracing,
content TTFA, and the main process's readiness and metrics servers.
"""
