"""Build-time logic shared by the MkDocs hooks and the scripts in scripts/.

The hooks in the folder above are thin: they call into these modules, so that
`scripts/build.py`, the tests and `mkdocs build` all apply exactly the same rules.
"""
