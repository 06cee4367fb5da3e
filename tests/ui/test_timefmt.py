"""Stored UTC times are shown in the user's time zone (a British summer is an hour ahead)."""

from __future__ import annotations

import time

import pytest

from curator.ui.timefmt import local_date, local_time


@pytest.fixture
def london(monkeypatch):
    monkeypatch.setenv("TZ", "GMT0BST,M3.5.0/1,M10.5.0")  # the UK rule, needing no tzdata
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_summer_times_are_an_hour_ahead_and_winter_times_are_not(london):
    assert local_time("2026-07-01T12:00:05Z") == "2026-07-01 13:00"
    assert local_time("2026-07-01T12:00:05Z", seconds=True) == "2026-07-01 13:00:05"
    assert local_time("2026-12-01T12:00:05Z") == "2026-12-01 12:00"
    assert local_date("2026-06-30T23:30:00Z") == "2026-07-01"  # half past midnight BST is the next day


def test_missing_and_unreadable_times_are_shown_as_they_are(london):
    assert local_time(None, default="never") == "never" and local_time("") == ""
    assert local_time("not a time") == "not a time"
    assert local_time("2026-07-01T12:00:00") == "2026-07-01 13:00"  # no zone written: stored times are UTC
