"""The call's STT, LLM and TTS chains: fallbacks, outage handling and model routing."""
