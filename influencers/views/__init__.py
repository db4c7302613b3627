"""Creator pages: ``desk`` (the org's roster and the portal-link acceptance) and ``portal`` (the
creator's own profile, availability and interests). The names below are what urls.py uses."""

from influencers.portal_pages import PortalMixin
from influencers.views.desk import (
    AvailabilityAddView,
    AvailabilityRemoveView,
    CreatorCreateView,
    CreatorDetailView,
    CreatorEditView,
    CreatorImportView,
    CreatorInviteView,
    CreatorLinkAcceptView,
    CreatorListView,
    CreatorMilestoneView,
    InterestAddView,
    InterestRemoveView,
)
from influencers.views.portal import (
    PortalAvailabilityRemoveView,
    PortalAvailabilityView,
    PortalInterestRemoveView,
    PortalInterestsView,
    PortalProfileView,
)

__all__ = [
    "AvailabilityAddView",
    "AvailabilityRemoveView",
    "CreatorCreateView",
    "CreatorDetailView",
    "CreatorEditView",
    "CreatorImportView",
    "CreatorInviteView",
    "CreatorLinkAcceptView",
    "CreatorListView",
    "CreatorMilestoneView",
    "InterestAddView",
    "InterestRemoveView",
    "PortalAvailabilityRemoveView",
    "PortalAvailabilityView",
    "PortalInterestRemoveView",
    "PortalInterestsView",
    "PortalMixin",
    "PortalProfileView",
]
