"""First-party rule pack: Dukcapil / OpenSID data-quality rules of RULES.md."""
