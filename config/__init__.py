"""Configuration: one `Settings` object, built once from the environment and handed down."""

from config.credentials import missing_credentials
from config.loading import SettingsError, load_settings, secret_variables
from config.settings import (
    CompliancePolicy,
    ContextSettings,
    LatencySettings,
    LiveKitSettings,
    ObservabilitySettings,
    ProviderSettings,
    Settings,
    TelephonySettings,
    TenantSettings,
    WorkerSettings,
)

__all__ = [
    "CompliancePolicy",
    "ContextSettings",
    "LatencySettings",
    "LiveKitSettings",
    "ObservabilitySettings",
    "ProviderSettings",
    "Settings",
    "SettingsError",
    "TelephonySettings",
    "TenantSettings",
    "WorkerSettings",
    "load_settings",
    "missing_credentials",
    "secret_variables",
]
