"""The count: the audit record (record), the rules for one ballot (scoring) and the tally (tally).

Plain Python without Django, so the published record can be recounted anywhere from its JSON
(`recount`, docs/spec/scoring.md) and the rules can be read and tested apart from the database.
Nothing here may import Django or another part of Pingyi outside this folder
(ballots/tests/test_tally.py holds it to that).
"""
