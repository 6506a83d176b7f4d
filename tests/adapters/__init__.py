"""Tests of the helpdesk adapters against local fakes of their APIs."""
