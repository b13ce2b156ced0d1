"""The app callers' token endpoint: policy, HTTP service, CLI, rate limits, room tickets and
occupancy, and its metrics.
"""
