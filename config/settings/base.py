"""Settings shared by every environment; everything that differs comes from the environment."""

from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF

from config.settings import beat, queues

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Development only: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="dev-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin whose site asks platform staff for two-factor sign-in.
    "accounts.admin_apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "influencer_ops",
    "accounts",
    "organizations",
    "influencers",
    "programs",
    "tracking",
    "payments",
    "messaging",
    "portal",
    "demo",
    "integrations",
    "commerce",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, error pages included (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Opens the request's transaction and sets the row-level-security context in it.
    "influencer_ops.tenancy.TenantDatabaseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Times shown in the viewer's zone: their preference, else the org's (inside the transaction).
    "accounts.middleware.ViewerTimeZoneMiddleware",
    # A DomainError escaping an HTML view: its 4xx page, the request's writes rolled back.
    "influencer_ops.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
                "config.context_processors.clock",
            ],
            # money, number, percent, reldate, day, when: in every template, no {% load %}.
            "builtins": [
                # {% translate %} / {% blocktranslate %} in every template without a {% load %}.
                "django.templatetags.i18n",
                "influencer_ops.templatetags.formatting",
                "programs.templatetags.deliverable_phrases",
            ],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://influencer_ops@127.0.0.1:5432/influencer_ops"
    )
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# Behind PgBouncer in transaction mode (docker-compose): a server-side cursor would outlive the
# transaction that holds its server connection (docs/operations.md "Scaling out").
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
DATABASES["default"]["TEST"] = {
    "NAME": env.str("TEST_DATABASE_NAME", default="test_influencer_ops")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# allauth: e-mail is the login; verified addresses; rate-limited logins.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Failed sign-ins: 5 per account (the e-mail tried) from anywhere, checked first, so an account
# at its limit uses no more of its address's budget; 20 per client address across accounts.
# One account's wrong passwords never lock another account out of the same address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# Reverse proxies in front of the app, each appending to X-Forwarded-For: the client's address
# (sign-in rate limits, repeat clicks) is the entry the outermost one wrote. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Influencer Ops"
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# Translation catalogues: locale/<language>/LC_MESSAGES/django.po (docs/operations.md#translating).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# Content-Security-Policy (django-csp): our own origin only, no inline script or style, no
# framing. htmx's indicator styles come from app.css (htmx-config in base.html), Swagger UI from
# drf-spectacular-sidecar's static files. data: images: allauth's TOTP QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

STATIC_URL = "static/"
STATIC_ROOT: Path | None = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names from `collectstatic` (the Dockerfile and `make run` run it):
    # served by WhiteNoise with a year-plus immutable Cache-Control (config/staticfiles.py).
    "staticfiles": {"BACKEND": "config.staticfiles.HashedStaticFilesStorage"},
}

# Uploaded media (creators' images and videos). Private: no MEDIA_URL is served; the app streams
# each file after checking who asks (programs/content/media_views.py). Local files under
# MEDIA_ROOT by default; S3-compatible object storage (AWS S3, MinIO) when MEDIA_S3_BUCKET is set.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_S3_BUCKET = env.str("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("MEDIA_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("MEDIA_S3_REGION", default="") or None,
            "addressing_style": env.str("MEDIA_S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Upload limits, per file; a file over MEDIA_VIDEO_MAX_BYTES is dropped while it streams in
# (the upload handler) and the submission refused.
MEDIA_IMAGE_MAX_BYTES = env.int("MEDIA_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
MEDIA_VIDEO_MAX_BYTES = env.int("MEDIA_VIDEO_MAX_BYTES", default=200 * 1024 * 1024)
MEDIA_MAX_FILES = env.int("MEDIA_MAX_FILES", default=10)
FILE_UPLOAD_HANDLERS = [
    "programs.content.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Influencer Ops <no-reply@localhost>")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="io"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server).
CELERY_BROKER_FOLDER = Path(env.str("CELERY_BROKER_FOLDER", default=str(DATA_DIR / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        # Exchange tables (pidbox, broadcast): under .data/ too, never "control/" in the cwd.
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Queues by kind (clicks, payments, notifications, sweeps): config/settings/queues.py.
TASK_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
CELERY_TASK_ROUTES = queues.routes(TASK_QUEUE_PREFIX)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Authorization: Bearer io_… first; without the header, the session (with its CSRF).
        "accounts.tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "influencer_ops.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "influencer_ops.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "influencer_ops.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Influencer Ops API",
    "DESCRIPTION": "Multi-tenant influencer program operations, scoped under /api/v1/orgs/<slug>/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our static files (drf-spectacular-sidecar), not a CDN: CSP 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every endpoint's 400/403/404 (and 409 for changes) documented, with their bodies.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "influencer_ops.schema.add_error_responses",
    ],
    # One stable name per choice set, used under several field names (kind, role, state).
    "ENUM_NAME_OVERRIDES": {
        "TaskKindEnum": "messaging.kinds.TaskKind",
        "ExclusionKindEnum": "influencers.models.ExclusionKind",
        "ThreadKindEnum": "messaging.models.Thread.Kind",
        "OwnerRoleEnum": "messaging.kinds.OwnerRole",
        "TaskStateEnum": "messaging.kinds.TaskState",
        "TopicEnum": "messaging.kinds.Topic",
        "RoleEnum": "organizations.roles.Role",
        "PlatformEnum": "influencer_ops.choices.Platform",
        "CategoryEnum": "influencer_ops.choices.Category",
        "DeliverableKindEnum": "programs.models.DeliverableSpec.Kind",
        "EnrollmentStateEnum": "programs.states.EnrollmentState",
        "ProgramStateEnum": "programs.states.ProgramState",
        "NotificationKindEnum": "messaging.kinds.NotificationKind",
        "DeliverableStateEnum": "programs.models.delivery.DeliverableState",
        "ReviewOutcomeEnum": "programs.models.delivery.Review.Outcome",
        "MediaKindEnum": "programs.models.media.MediaKind",
        "CaseKindEnum": "programs.models.delivery.ComplianceCase.Kind",
        "CaseStateEnum": "programs.models.delivery.ComplianceCase.State",
        "CaseSeverityEnum": "programs.models.delivery.ComplianceCase.Severity",
        "CaseActionKindEnum": "programs.models.delivery.CaseAction.Kind",
        "CaseStaffActionKindEnum": "programs.cases.services.STAFF_ACTION_CHOICES",
        "RemedyEnum": "programs.models.delivery.CaseAction.Remedy",
        "ExtensionStateEnum": "programs.models.delivery.ExtensionState",
        "MetricSourceEnum": "tracking.models.MetricRecord.Source",
        "ReportPaceEnum": "tracking.reports.selectors.Pace",
        "PayoutStateEnum": "payments.models.PayoutState",
        "PayoutReasonEnum": "payments.models.PayoutReason",
        "WebhookEventTypeEnum": "influencer_ops.events.EventType",
        "WebhookEndpointStateEnum": "integrations.models.WebhookEndpoint.State",
        "WebhookDeliveryStateEnum": "integrations.models.WebhookDelivery.State",
    },
}

# Staff invitations expire after this many days.
STAFF_INVITATION_DAYS = env.int("STAFF_INVITATION_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# In development (DEBUG) static files are served from the apps' folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
CELERY_BEAT_SCHEDULE = beat.SCHEDULE

# Click tracking: the filter window for repeat clicks and how long raw clicks are kept.
CLICK_REPEAT_WINDOW_HOURS = env.int("CLICK_REPEAT_WINDOW_HOURS", default=24)
CLICK_RETENTION_DAYS = env.int("CLICK_RETENTION_DAYS", default=90)
# Underperformance: below this share of pace after this share of the program.
PACE_THRESHOLD = env.float("PACE_THRESHOLD", default=0.5)
PACE_MIN_ELAPSED = env.float("PACE_MIN_ELAPSED", default=0.3)
# Where clicks are queued before the flush (Redis); unreachable → clicks go straight to PostgreSQL.
CLICK_REDIS_URL = env.str("CLICK_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")

# Outbound webhooks (integrations): plain http and private, loopback, link-local or reserved
# addresses are refused unless this is on (development and tests only; production forces off).
WEBHOOK_ALLOW_PRIVATE_URLS = env.bool("WEBHOOK_ALLOW_PRIVATE_URLS", default=DEBUG)
# Delivered and given-up webhook deliveries (and their events) are deleted after this many days.
WEBHOOK_RETENTION_DAYS = env.int("WEBHOOK_RETENTION_DAYS", default=30)
