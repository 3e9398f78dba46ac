"""Lead objects made from a validation's leads: they point into its compact table (no copy of
their fields), outlive the list, compare by value with leads made otherwise, and are not tracked
by the cyclic garbage collector (they hold no Python object), which made list(report.leads) slow."""

from __future__ import annotations

import gc

import leads

CSV = (
    b"Lead ID,Lead Name,Contact Information,Source,Interest Level,Status,Assigned Salesperson\n"
    b"L-1,Zo\xc3\xab,ZOE@example.com,Website,Hot,open,Grace\n"
    b"L-2,Bob,bob@example.com,Fair,Low,Won,\n"
)


def test_leads_of_a_table_outlive_it_and_equal_the_same_leads_made_otherwise() -> None:
    got = list(leads.validate_csv(CSV).leads)
    gc.collect()
    assert [(lead.lead_id, lead.lead_name, lead.interest_level, lead.status, lead.salesperson) for lead in got] == [
        ("L-1", "Zoë", "High", "Open", "Grace"),
        ("L-2", "Bob", "Low", "Won", None),
    ]
    assert got[0].contact_information == "zoe@example.com"
    v = leads.Validator()
    v.push(CSV)
    listed = list(v.finish().leads)
    assert got == listed and got[0] != got[1]
    assert [lead.to_dict() for lead in got] == [lead.to_dict() for lead in listed]
    assert repr(got[1]) == 'Lead(lead_id="L-2", lead_name="Bob", status="Won", interest_level="Low")'
    # A table lead stores like any other.
    store = leads.MemoryStore(fast_passwords=True)
    user = store.register("ann", "correct horse")["uuid"]
    assert store.upsert_leads(user, got)["inserted"] == 2
    assert store.get_lead(user, "L-1").lead_name == "Zoë"


def test_lead_objects_are_not_tracked_by_the_cycle_collector() -> None:
    report = leads.validate_csv(CSV)
    assert not gc.is_tracked(report.leads[0])
    assert not gc.is_tracked(report.leads[-1:][0])
    assert not any(gc.is_tracked(lead) for lead in report.leads)
