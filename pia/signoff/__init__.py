"""Review and sign-off: who wrote an assessment, who reviewed it, who approved it, on which version.

- roles.py: the roles per draft and the table of what each may do (the store enforces it)
- records.py: the plain data the store returns (marks, threads, records, sign-off state)
- workflow.py: the store methods for review, records, decisions, exports and the audit log
- signing.py: the municipality's Ed25519 key and the signed decision envelope
- verify.py: check a report's signature and say what was signed and what changed
- actions.py: the action plan derived from the answers, CSV and iCalendar
- audit.py: the audit log as data and as text

The UI and the CLI call the store (pia.store.Store); nothing here imports Streamlit.
"""
