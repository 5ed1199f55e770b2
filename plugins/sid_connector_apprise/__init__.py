"""Optional channel plugin: delivery through `apprise` URLs (install with the ``apprise`` extra)."""
