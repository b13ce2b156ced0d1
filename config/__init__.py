"""Configuration: one `Settings` object, built once from the environment and handed down."""

from config.credentials import missing_credentials
from config.loading import (
    SettingsError,
    default_settings,
    load_settings,
    load_tenant_directory,
    secret_variables,
)
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
from config.tenants import (
    ResolvedTenant,
    TenantDirectory,
    TenantsFileError,
)

__all__ = [
    "CompliancePolicy",
    "ContextSettings",
    "LatencySettings",
    "LiveKitSettings",
    "ObservabilitySettings",
    "ProviderSettings",
    "ResolvedTenant",
    "Settings",
    "SettingsError",
    "TelephonySettings",
    "TenantDirectory",
    "TenantSettings",
    "TenantsFileError",
    "WorkerSettings",
    "default_settings",
    "load_settings",
    "load_tenant_directory",
    "missing_credentials",
    "secret_variables",
]
