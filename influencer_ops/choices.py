"""Vocabularies shared across apps."""

from django.db import models


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    BLOG = "blog", "Blog"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"
    PINTEREST = "pinterest", "Pinterest"
    TWITCH = "twitch", "Twitch"


class Category(models.TextChoices):
    BEAUTY = "beauty", "Beauty"
    FASHION = "fashion", "Fashion"
    FOOD = "food", "Food"
    FITNESS = "fitness", "Fitness"
    OUTDOOR = "outdoor", "Outdoor"
    TRAVEL = "travel", "Travel"
    TECH = "tech", "Tech"
    GAMING = "gaming", "Gaming"
    PARENTING = "parenting", "Parenting"
    HOME = "home", "Home"
    FINANCE = "finance", "Finance"
    WELLNESS = "wellness", "Wellness"
