"""Tests of the packaged Kemendagri region list (sid_connector.wilayah)."""
