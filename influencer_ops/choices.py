"""Vocabularies shared across apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", _("Instagram")
    TIKTOK = "tiktok", _("TikTok")
    YOUTUBE = "youtube", _("YouTube")
    BLOG = "blog", _("Blog")
    X = "x", _("X")
    FACEBOOK = "facebook", _("Facebook")
    PINTEREST = "pinterest", _("Pinterest")
    TWITCH = "twitch", _("Twitch")


class Category(models.TextChoices):
    BEAUTY = "beauty", _("Beauty")
    FASHION = "fashion", _("Fashion")
    FOOD = "food", _("Food")
    FITNESS = "fitness", _("Fitness")
    OUTDOOR = "outdoor", _("Outdoor")
    TRAVEL = "travel", _("Travel")
    TECH = "tech", _("Tech")
    GAMING = "gaming", _("Gaming")
    PARENTING = "parenting", _("Parenting")
    HOME = "home", _("Home")
    FINANCE = "finance", _("Finance")
    WELLNESS = "wellness", _("Wellness")
