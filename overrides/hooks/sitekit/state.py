"""What one build shares between hooks: the settings and the validation report.

MkDocs loads each hook as its own module; this module is imported once and shared.
"""

site = None  # the validated extra: options (settings.SiteConfig)
settings = None
report = None
formatted_references = {}
# A report scripts/build.py made for this very build (used once, then cleared).
prevalidated = None
