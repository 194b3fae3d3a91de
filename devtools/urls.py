"""Routed by portal/urls.py only when BENCH_ENABLED (DJANGO_BENCH=1, `make bench`)."""

from django.urls import path

from .yardstick import trivial

urlpatterns = [path("bench/trivial", trivial, name="bench_trivial")]
