"""Tests of the demo data generator (desktop/demo)."""
