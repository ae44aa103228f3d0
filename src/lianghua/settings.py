"""Django settings. Everything that differs between machines comes from the environment.

DATABASE_URL picks the database (default: SQLite file under var/), LIANGHUA_SECRET_KEY the key,
LIANGHUA_DEBUG=1 turns on debug pages, LIANGHUA_PRODUCTION=1 the production rules (docs/deploy.md).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout root (src/lianghua/ -> ../../); data/ and var/ live there.
BASE_DIR = Path(os.environ.get("LIANGHUA_HOME", PACKAGE_DIR.parent.parent)).resolve()
DATA_DIR = Path(os.environ.get("LIANGHUA_DATA_DIR", BASE_DIR / "data"))
VAR_DIR = Path(os.environ.get("LIANGHUA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# LIANGHUA_PRODUCTION=1: behind TLS on a real server (docs/deploy.md). The app then refuses to start
# without a real LIANGHUA_SECRET_KEY or with debug pages on, and sends its cookies Secure and HSTS.
PRODUCTION = os.environ.get("LIANGHUA_PRODUCTION", "") == "1"
DEBUG = os.environ.get("LIANGHUA_DEBUG", "0") == "1"


def _secret_key() -> str:
    """LIANGHUA_SECRET_KEY; outside production without one, a random key kept in var/secret_key (never a
    key written in the code, which anyone could read and sign sessions with)."""
    from django.core.exceptions import ImproperlyConfigured

    given = os.environ.get("LIANGHUA_SECRET_KEY", "")
    if PRODUCTION and (len(given) < 50 or len(set(given)) < 5):
        raise ImproperlyConfigured("生产模式（LIANGHUA_PRODUCTION=1）必须设置 LIANGHUA_SECRET_KEY：至少 50 个随机字符，"
                                   "例如 python -c 'import secrets; print(secrets.token_urlsafe(50))' 的输出")
    if given:
        return given
    kept = VAR_DIR / "secret_key"
    if not kept.exists():
        import secrets

        descriptor = os.open(kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return kept.read_text().strip()


SECRET_KEY = _secret_key()
if PRODUCTION and DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("生产模式（LIANGHUA_PRODUCTION=1）不能打开调试页面（LIANGHUA_DEBUG=1）")
ALLOWED_HOSTS = os.environ.get("LIANGHUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",  # lockout after repeated failed logins (its tables in the security database on SQLite)
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",  # the task queue's table, and its worker: `lianghua worker`
    "ninja",  # serves the API docs' Swagger assets from our own static files (no CDN: works offline)
    "lianghua.core",
    "lianghua.regions",
    "lianghua.accounts",
    "lianghua.audit",
    "lianghua.enterprises",
    "lianghua.projects",
    "lianghua.reporting",
    "lianghua.evaluations",
    "lianghua.targets",
    "lianghua.imports",
    "lianghua.policies",
    "lianghua.bulletins",
    "lianghua.setup",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lianghua.core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a login unless marked @login_not_required (the API authenticates on its own).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lianghua.core.sessions.SessionLimitMiddleware",
    "lianghua.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lianghua.core.errors.DatabaseBusyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers the lockout of a login that a view refused
]

ROOT_URLCONF = "lianghua.urls"
WSGI_APPLICATION = "lianghua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lianghua.accounts.context_processors.capabilities",
                "lianghua.accounts.context_processors.notifications",
                "lianghua.accounts.context_processors.password_reminder",
                "lianghua.reporting.context_processors.pending_reviews",
            ],
        },
    },
]

DATABASE_ROUTERS = ["lianghua.core.databases.ShortWritesRouter"]
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'lianghua.sqlite3'}",
        conn_max_age=int(os.environ.get("LIANGHUA_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dashboard read while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                        "PRAGMA temp_store=MEMORY;",
        "transaction_mode": "IMMEDIATE",
        # A request waits this long for the write lock; an import waits LIANGHUA_IMPORT_LOCK_WAIT_SECONDS.
        "timeout": float(os.environ.get("LIANGHUA_SQLITE_WAIT_SECONDS", "20")),
    }
    # Sessions, login records and lockout counters in a file of their own, which no import writes: a
    # login never waits for SQLite's one write lock (lianghua/core/databases.py).
    _main_file = Path(DATABASES["default"]["NAME"])
    DATABASES["security"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(_main_file.with_name(f"{_main_file.stem}-security{_main_file.suffix}")),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], "timeout": 5},
        # Tests: a file too (pytest-django adds each worker's suffix), not Django's shared in-memory
        # database, whose table locks fail two threads of the live server writing sessions at once.
        "TEST": {"NAME": str(VAR_DIR / "test-security.sqlite3")},
    }
else:
    # Progress queries are short set-based aggregates: JIT compilation only slows them (DESIGN §2), and
    # on SSD storage index scans are nearly as cheap as sequential ones (0.35 s → 0.12 s for a county).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c random_page_cost=1.1"

# Behind our reverse proxy (docs/deploy.md): the client's address is the last one it appends to
# X-Forwarded-For. Off, REMOTE_ADDR is the client (a header the client writes is never believed).
LIANGHUA_BEHIND_PROXY = os.environ.get("LIANGHUA_BEHIND_PROXY", "") == "1"
# An API token is valid this many days from its creation (`lianghua createtoken --days N` for another span).
LIANGHUA_TOKEN_DAYS = int(os.environ.get("LIANGHUA_TOKEN_DAYS", "90"))
# A token's 最近使用 is written at most this often (each write would otherwise wait for an import's lock).
LIANGHUA_TOKEN_USE_RECORD_SECONDS = int(os.environ.get("LIANGHUA_TOKEN_USE_RECORD_SECONDS", "60"))

if PRODUCTION:
    # TLS ends at the reverse proxy (docs/deploy.md), which says so in X-Forwarded-Proto.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = os.environ.get("LIANGHUA_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("LIANGHUA_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("LIANGHUA_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("LIANGHUA_HSTS_PRELOAD", "1") == "1"
    if LIANGHUA_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("LIANGHUA_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The region this installation serves; names typed without a code are read inside it first.
LIANGHUA_HOME_REGION = os.environ.get("LIANGHUA_HOME_REGION", "330400")

# The day of the following month by which a month's project progress is due. The seeds ask for monthly
# 通报 (003 四.4) but name no day: this is the platform's setting, not a policy number.
LIANGHUA_REPORT_DEADLINE_DAY = int(os.environ.get("LIANGHUA_REPORT_DEADLINE_DAY", "5"))

# The 赛马 score of a bulletin (bulletins/scoring.py). The seeds ask for 赛马 and 晾晒通报 (001 四（二）)
# but give no formula: these are the platform's settings, printed on every bulletin that used them.
LIANGHUA_BULLETIN_SCORE_CAP = os.environ.get("LIANGHUA_BULLETIN_SCORE_CAP", "1.2")
LIANGHUA_BULLETIN_WEIGHTS: dict[str, str] = {}  # indicator code -> weight (default 1); an indicator at 0 is left out

# 三色预警 (bulletins/warnings.py). Haiyan names 三色预警 but no seed gives its lines: platform settings,
# printed on the warning list. A target is 黄 (滞后) while its completion is at least this share of time
# progress (of 1 for level indicators), 红 (严重滞后) below; 绿 when on time or done.
LIANGHUA_LAGGING_SHARE = os.environ.get("LIANGHUA_LAGGING_SHARE", "0.8")
# A project is 红 once this many days past its planned start or completion, 黄 before.
LIANGHUA_WARNING_OVERDUE_RED_DAYS = int(os.environ.get("LIANGHUA_WARNING_OVERDUE_RED_DAYS", "90"))
# A project under way is warned when its completed investment share trails its time progress (planned
# start → planned completion) by more than this margin (黄), or by more than twice it (红).
LIANGHUA_WARNING_INVESTMENT_MARGIN = os.environ.get("LIANGHUA_WARNING_INVESTMENT_MARGIN", "0.2")

# 亩均效益评价 公示 (evaluations/services.py): enterprises may object for this many working days (Monday to
# Friday; statutory holidays are not known to the platform) from the day it is publicised. No seed gives the
# period; counties commonly publicise for 5 working days.
LIANGHUA_EVALUATION_PUBLICITY_WORKING_DAYS = int(os.environ.get("LIANGHUA_EVALUATION_PUBLICITY_WORKING_DAYS", "5"))
# An objection's attachment (a scan of the tax certificate, the land deed…), at most this many bytes.
LIANGHUA_OBJECTION_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# Background jobs run by `lianghua worker` (which `lianghua serve` starts beside the website) from a queue
# kept in the database: nothing else to install or run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# E-mail for notifications: sent only where an SMTP server is configured (LIANGHUA_SMTP_HOST); otherwise
# notifications stay in the app's list.
EMAIL_HOST = os.environ.get("LIANGHUA_SMTP_HOST", "")
EMAIL_PORT = int(os.environ.get("LIANGHUA_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("LIANGHUA_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LIANGHUA_SMTP_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("LIANGHUA_SMTP_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("LIANGHUA_MAIL_FROM", "lianghua@localhost")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
CSRF_FAILURE_VIEW = "lianghua.core.errors.csrf_failure"  # Chinese, like the other refusals
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# 等保 2.0 三级 身份鉴别: passwords of some length, not common, not all digits, not the username.
LIANGHUA_PASSWORD_MIN_LENGTH = int(os.environ.get("LIANGHUA_PASSWORD_MIN_LENGTH", "12"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "lianghua.accounts.passwords.ChineseMinimumLengthValidator",
     "OPTIONS": {"min_length": LIANGHUA_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["username", "display_name", "email"]}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# 等保 2.0 三级 登录失败处理: LIANGHUA_LOGIN_FAILURE_LIMIT failed logins of one username within
# LIANGHUA_LOGIN_LOCKOUT_MINUTES lock it for as long (django-axes); a 安全管理员 unlocks it at once in the
# admin (访问尝试: delete the attempts) or with `lianghua axes_reset_username USERNAME`.
LIANGHUA_LOGIN_FAILURE_LIMIT = int(os.environ.get("LIANGHUA_LOGIN_FAILURE_LIMIT", "5"))
LIANGHUA_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LIANGHUA_LOGIN_LOCKOUT_MINUTES", "15"))
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend",
                           "lianghua.accounts.backends.RolePermissionBackend"]
AXES_FAILURE_LIMIT = LIANGHUA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LIANGHUA_LOGIN_LOCKOUT_MINUTES)
AXES_USE_ATTEMPT_EXPIRATION = True  # "5 in 15 minutes": each failure counts for the lockout time only
AXES_LOCKOUT_PARAMETERS = ["username"]  # the account, from whichever address (addresses change, accounts not)
# axes.W006 asks to lock addresses too; a county's officers share one 政务外网 address behind NAT, and one
# officer's typos must not lock them all out. Guessing across many accounts from one address is limited by
# the reverse proxy instead (docs/deploy.md, limit_req on /login/).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # every login is a LoginRecord already
AXES_CLIENT_IP_CALLABLE = "lianghua.accounts.logins.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# Content-Security-Policy (django-csp): scripts, styles, fonts and images from this site only, no inline
# script and no eval (htmx is configured without them, base.html); inline style attributes are allowed
# (templates and ECharts set them; they run nothing). Nothing may frame a page or receive a form elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page of ours uses, switched off for every page (core.security_headers).
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")

# A second factor (TOTP, django-otp) for the superuser and the three administrator roles; any user may
# turn one on (accounts/second_factor.py). Required in production; the demo's admin logs in without.
LIANGHUA_ADMIN_OTP_REQUIRED = os.environ.get("LIANGHUA_ADMIN_OTP_REQUIRED", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = "两化改造平台"

# A password older than this many days brings a reminder on every page to change it (0: none).
LIANGHUA_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("LIANGHUA_PASSWORD_MAX_AGE_DAYS", "90"))

# Sessions end after LIANGHUA_SESSION_IDLE_MINUTES without a request (each request renews the cookie)
# and LIANGHUA_SESSION_MAX_HOURS after the login whatever happens (core.sessions.SessionLimitMiddleware).
LIANGHUA_SESSION_IDLE_MINUTES = int(os.environ.get("LIANGHUA_SESSION_IDLE_MINUTES", "30"))
LIANGHUA_SESSION_MAX_HOURS = int(os.environ.get("LIANGHUA_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = LIANGHUA_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is absent
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the finders, so `lianghua serve` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# What one import file may hold, so that no upload can hurt the server (docs/imports.md, "Limits").
LIANGHUA_IMPORT_MAX_FILE_MB = int(os.environ.get("LIANGHUA_IMPORT_MAX_FILE_MB", "200"))
LIANGHUA_IMPORT_MAX_ROWS = int(os.environ.get("LIANGHUA_IMPORT_MAX_ROWS", "2000000"))
LIANGHUA_IMPORT_MAX_COLUMNS = int(os.environ.get("LIANGHUA_IMPORT_MAX_COLUMNS", "100"))
LIANGHUA_IMPORT_MAX_CELLS = int(os.environ.get("LIANGHUA_IMPORT_MAX_CELLS", "20000000"))
LIANGHUA_IMPORT_MAX_TEXT_CHARS = int(os.environ.get("LIANGHUA_IMPORT_MAX_TEXT_CHARS", "200000000"))
LIANGHUA_IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("LIANGHUA_IMPORT_MAX_UNCOMPRESSED_MB", "512"))
LIANGHUA_IMPORT_READ_MEMORY_MB = int(os.environ.get("LIANGHUA_IMPORT_READ_MEMORY_MB", "3072"))
LIANGHUA_IMPORT_READ_SECONDS = int(os.environ.get("LIANGHUA_IMPORT_READ_SECONDS", "600"))
# A batch keeps the first errors and warnings (by row) of each; beyond them it counts.
LIANGHUA_IMPORT_ERRORS_KEPT = int(os.environ.get("LIANGHUA_IMPORT_ERRORS_KEPT", "1000"))
# On SQLite an import waits this long for another import's write lock (a request waits 20 s at most).
LIANGHUA_IMPORT_LOCK_WAIT_SECONDS = int(os.environ.get("LIANGHUA_IMPORT_LOCK_WAIT_SECONDS", "900"))
# A batch 进行中 on another machine for longer than this was cut off (on this machine its process is asked).
LIANGHUA_IMPORT_STALE_HOURS = int(os.environ.get("LIANGHUA_IMPORT_STALE_HOURS", "6"))

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Import files are kept with their batch (DESIGN §7); uploads up to 200 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 200 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"ordinary_refusal": {"()": "lianghua.core.log_filters.OrdinaryRefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["ordinary_refusal"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LIANGHUA_LOG_LEVEL", "WARNING")},
}
