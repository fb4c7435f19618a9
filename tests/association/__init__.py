"""Tests of crmmine.association."""
