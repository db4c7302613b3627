"""Every write about creators. Keyword-only, atomic, audited.

Desk services (``creator_*``, ``handle_*``, ``availability_*``, ``interest_*``,
``milestone_change``, ``creators_import_csv``, ``creator_link_invite``) are for members who may
work pre-launch (the views and API check it). Portal services (``*_own``) are for the creator
whose profile it is, and refuse anyone else.

One module a responsibility: ``cleaning`` (one rule per field), ``profiles`` (profile and
handles), ``roster`` (away windows, interests, click milestone), ``csv_import``, ``links`` (the
portal login link) and ``own`` (the creator's own edits). The names below are the public API.
"""

from influencer_ops.errors import FieldError
from influencers.services.cleaning import (
    clean_audience,
    clean_categories,
    clean_currency,
    clean_display_name,
    clean_email,
    clean_handle,
    clean_handles,
    clean_languages,
    clean_location,
    clean_milestone,
    clean_notes,
    clean_rate,
)
from influencers.services.csv_import import (
    IMPORT_COLUMNS,
    IMPORT_PLATFORMS,
    IMPORT_REQUIRED,
    ImportProblem,
    ImportReport,
    creators_import_csv,
)
from influencers.services.links import (
    CREATOR_LINK_DAYS,
    creator_link_accept,
    creator_link_by_token,
    creator_link_invite,
    creator_link_url,
)
from influencers.services.own import (
    availability_remove_own,
    availability_set_own,
    interest_add_own,
    interest_remove_own,
    profile_update_own,
)
from influencers.services.profiles import (
    PROFILE_FIELDS,
    creator_create,
    creator_update,
    handle_remove,
    handle_set,
)
from influencers.services.roster import (
    availability_add,
    availability_remove,
    interest_add,
    interest_remove,
    milestone_change,
)

__all__ = [
    "CREATOR_LINK_DAYS",
    "IMPORT_COLUMNS",
    "IMPORT_PLATFORMS",
    "IMPORT_REQUIRED",
    "PROFILE_FIELDS",
    "FieldError",
    "ImportProblem",
    "ImportReport",
    "availability_add",
    "availability_remove",
    "availability_remove_own",
    "availability_set_own",
    "clean_audience",
    "clean_categories",
    "clean_currency",
    "clean_display_name",
    "clean_email",
    "clean_handle",
    "clean_handles",
    "clean_languages",
    "clean_location",
    "clean_milestone",
    "clean_notes",
    "clean_rate",
    "creator_create",
    "creator_link_accept",
    "creator_link_by_token",
    "creator_link_invite",
    "creator_link_url",
    "creator_update",
    "creators_import_csv",
    "handle_remove",
    "handle_set",
    "interest_add",
    "interest_add_own",
    "interest_remove",
    "interest_remove_own",
    "milestone_change",
    "profile_update_own",
]
