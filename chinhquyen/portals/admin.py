"""Wagtail's images and documents and taggit's tags are managed in the Wagtail admin
(/quan-tri-cong-thong-tin/), not in the platform's Django admin."""

from django.contrib import admin
from taggit.models import Tag
from wagtail.documents.models import Document
from wagtail.images.models import Image

for model in (Tag, Document, Image):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
