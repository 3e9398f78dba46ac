"""Lists the Python package repeats from the core cannot drift: every core error code has its
exception class, and the map names no code the core does not have."""

from __future__ import annotations

import leads
from leads import errors


def test_every_core_error_code_has_a_class_and_no_other_is_mapped() -> None:
    assert set(errors._BY_CODE) == set(leads.ERROR_CODES)
    assert len(leads.ERROR_CODES) == len(set(leads.ERROR_CODES))
    for code, cls in errors._BY_CODE.items():
        assert issubclass(cls, leads.LeadsError), code
        assert errors._from_core(code, "m", {}).code == code


def test_issue_codes_and_statuses_come_from_the_core() -> None:
    assert leads.ISSUE_CODES[0] == "empty_file" and len(set(leads.ISSUE_CODES)) == len(leads.ISSUE_CODES)
    report = leads.validate_csv(
        "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\n"
        + "".join(f"L-{i},N,n@example.com,Web,High,{s.lower()}\n" for i, s in enumerate(leads.DEFAULT_STATUSES))
    )
    assert report.valid == len(leads.DEFAULT_STATUSES) == 9


def test_leads_validated_with_custom_statuses_are_stored_as_they_are() -> None:
    store = leads.MemoryStore(fast_passwords=True)
    uid = store.register("ann", "correct horse")["uuid"]
    csv = (
        "Lead ID,Lead Name,Contact Information,Source,Interest Level,Status\nL-1,Ann,ann@example.com,Web,High,pending\n"
    )
    report = leads.validate_csv(csv, statuses=["Pending", "Signed"])
    assert report.valid == 1 and report.leads[0].status == "Pending"
    assert store.upsert_leads(uid, report.leads) == {"inserted": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    assert store.get_lead(uid, "L-1").status == "Pending"
