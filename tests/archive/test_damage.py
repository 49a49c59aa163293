"""A WARC record damaged at every byte (``tests/faults/damage.py``): cut short as a kill leaves
it, the repair keeps exactly the records before it (``gzip -t``, ``warcio check``); cut short
with whole records after it, replay loses exactly that record; never a crash."""

from __future__ import annotations

from tests.faults.cases import Case
from tests.faults.damage import repaired_at_every_byte, replayed_at_every_byte


def test_a_kill_inside_a_record_at_every_byte_is_repaired_to_the_records_before_it(tmp_path):
    case = Case("repair", exit_status=0)
    repaired_at_every_byte(tmp_path, case)
    assert case.truth > 300  # one file per byte of the record
    assert case.problems == [], case.line()


def test_a_record_cut_short_at_every_byte_costs_that_record_alone_in_replay(tmp_path):
    case = Case("replay", exit_status=0)
    replayed_at_every_byte(tmp_path, case)
    assert case.truth > 300
    assert case.problems == [], case.line()
