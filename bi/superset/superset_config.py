"""Superset's settings for monev. ``monev bi`` points SUPERSET_CONFIG_PATH here and
MONEV_SUPERSET_SECRETS at a 0600 file under MONEV_HOME holding the secret key and the
metadata database URL: no secret is written in this file or in the dashboard YAML (the
warehouse connection as monev_bi reads its password from a libpq password file)."""

import json
import os

with open(os.environ["MONEV_SUPERSET_SECRETS"], encoding="utf-8") as _f:
    _SECRETS = json.load(_f)

SECRET_KEY = _SECRETS["secret_key"]
SQLALCHEMY_DATABASE_URI = _SECRETS["metadata_uri"]  # database superset, role monev_superset

# Staff read Indonesian formats: 1.234,5 and Rp 1.250.000; dates as 31 Januari 2025.
D3_FORMAT = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp ", ""]}
D3_TIME_FORMAT = {
    "dateTime": "%A, %e %B %Y pukul %H.%M.%S",
    "date": "%d/%m/%Y",
    "time": "%H.%M.%S",
    "periods": ["AM", "PM"],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember"],
    "shortMonths": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt",
                    "Nov", "Des"],
}
CURRENCIES = ["IDR"]

# The warehouse only: no file uploads, no DML, no SQLite, nothing fetched from outside.
PREVENT_UNSAFE_DB_CONNECTIONS = True
FEATURE_FLAGS = {"ALERT_REPORTS": False, "THUMBNAILS": False, "ENABLE_TEMPLATE_PROCESSING": False}
RATELIMIT_STORAGE_URI = "memory://"
ROW_LIMIT = 10000
SUPERSET_WEBSERVER_TIMEOUT = 120
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

# Nothing leaves for third parties: Superset's own policy, minus the telemetry pixel
# compiled into its frontend (Scarf), map tiles and web fonts. The browser refuses them.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
