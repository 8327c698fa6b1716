"""The server's own sequences must agree: capped traversals, directions and partitions, on hand-made data."""

from __future__ import annotations

from contract_tests.checks import agreement
from tests.kit.samples import ALL, DESC, RENTALS, STATUS, A, B, C, D, E, customer, raises, traversal

# --- check_agreement -----------------------------------------------------------------------------

DIFFERENT_SET = "limits: the traversals do not hold the same customers"
DIFFERENT_FIELDS = "limits: the same customer differs between the traversals"
DIFFERENT_ORDER = "limits: the traversals order the same customers differently"


def test_agreement_of_complete_traversals() -> None:
    agreement.check_agreement(traversal([A, B], [C, D], [E]), traversal([A, B, C], [D, E]), "limits")
    agreement.check_agreement(traversal([]), traversal([]), "limits")


def test_agreement_with_a_missing_customer() -> None:
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B], [C, D], [E]), traversal([A, B], [D, E]), "limits"),
        DIFFERENT_SET,
    )
    assert "only in A: ['cus_3'], only in B: []" in violation.details
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B], [D, E]), traversal([A, B], [C, D], [E]), "limits"),
        DIFFERENT_SET,
    )
    assert "only in A: [], only in B: ['cus_3']" in violation.details


def test_agreement_with_an_empty_traversal() -> None:
    raises(lambda: agreement.check_agreement(traversal([]), traversal([A]), "limits"), DIFFERENT_SET)


def test_agreement_with_different_fields() -> None:
    changed = {**C, "status": "inactive"}
    violation = raises(
        lambda: agreement.check_agreement(traversal([A, B, C], [D, E]), traversal([A, B], [changed, D, E]), "limits"),
        DIFFERENT_FIELDS,
    )
    assert violation.details.startswith("cus_3:")


def test_agreement_with_a_field_missing() -> None:
    shorter = {key: value for key, value in C.items() if key != "lastName"}
    raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([A, B, shorter, D, E]), "limits"), DIFFERENT_FIELDS
    )


def test_agreement_with_a_different_order() -> None:
    violation = raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([A, C], [B, D, E]), "limits"),
        DIFFERENT_ORDER,
    )
    assert "['cus_1', 'cus_2', 'cus_3', 'cus_4', 'cus_5']" in violation.details


def test_agreement_of_a_capped_traversal_compares_only_what_it_covers() -> None:
    capped = traversal([A, B], complete=False)  # stopped after B: C, D, E were never reached
    whole = traversal([A, B, C], [D, E])
    agreement.check_agreement(capped, whole, "limits")
    agreement.check_agreement(whole, capped, "limits")
    agreement.check_agreement(capped, traversal([A, B, C], complete=False), "limits")
    agreement.check_agreement(traversal([A], [B, C, D], complete=False), capped, "limits")


def test_agreement_of_a_capped_traversal_missing_a_covered_customer() -> None:
    capped = traversal([A], [C], complete=False)  # B comes before C, so it should have been shown
    violation = raises(lambda: agreement.check_agreement(capped, traversal(ALL), "limits"), DIFFERENT_SET)
    assert "only in A: [], only in B: ['cus_2']" in violation.details
    raises(lambda: agreement.check_agreement(traversal(ALL), capped, "limits"), DIFFERENT_SET)
    raises(lambda: agreement.check_agreement(traversal([A, B, C], complete=False), capped, "limits"), DIFFERENT_SET)


def test_agreement_of_a_capped_traversal_with_different_fields() -> None:
    changed = {**B, "email": "someone.else@example.com"}
    raises(
        lambda: agreement.check_agreement(traversal([A, changed], complete=False), traversal(ALL), "limits"),
        DIFFERENT_FIELDS,
    )


def test_agreement_of_directions() -> None:
    ascending = traversal([A, B], [C, D], [E])
    descending = traversal([E, D, C], [B, A], ordered=DESC)
    agreement.check_agreement(ascending, descending, "directions")
    agreement.check_agreement(descending, ascending, "directions")


def test_agreement_of_directions_with_a_missing_customer() -> None:
    ascending = traversal(ALL)
    descending = traversal([E, D], [B, A], ordered=DESC)
    violation = raises(
        lambda: agreement.check_agreement(ascending, descending, "directions"),
        "directions: the traversals do not hold the same customers",
    )
    assert "only in A: ['cus_3']" in violation.details


def test_agreement_of_directions_in_the_wrong_order() -> None:
    raises(
        lambda: agreement.check_agreement(traversal(ALL), traversal([E, D, C, A, B], ordered=DESC), "directions"),
        "directions: the traversals order the same customers differently",
    )


def test_agreement_of_capped_directions() -> None:
    # Each end of the list, capped: they meet nowhere, and neither could have reached the other's part.
    agreement.check_agreement(
        traversal([A, B], complete=False), traversal([E, D], ordered=DESC, complete=False), "directions"
    )
    agreement.check_agreement(traversal([E, D], ordered=DESC, complete=False), traversal(ALL), "directions")
    # D comes before C going down, so a descending traversal that reached C must show D.
    raises(
        lambda: agreement.check_agreement(
            traversal(ALL), traversal([E, C], ordered=DESC, complete=False), "directions"
        ),
        "directions: the traversals do not hold the same customers",
    )


# --- check_partition -----------------------------------------------------------------------------


def test_partition_holds() -> None:
    agreement.check_partition(
        traversal([A, B], [C, D], [E]), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B], [D])}
    )
    agreement.check_partition(traversal(ALL), RENTALS, {"true": traversal([A, D]), "false": traversal([B, C, E])})


def test_partition_with_an_empty_part() -> None:
    inactive = [B, D]
    agreement.check_partition(traversal(inactive), STATUS, {"active": traversal([]), "inactive": traversal(inactive)})


def test_partition_of_capped_traversals() -> None:
    # The whole stopped after B: the parts' later customers are beyond what it covers.
    agreement.check_partition(
        traversal([A, B], complete=False), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, D])}
    )
    # A part stopped after A: C and E are beyond what it covers.
    agreement.check_partition(
        traversal(ALL), STATUS, {"active": traversal([A], complete=False), "inactive": traversal([B, D])}
    )


def test_partition_with_overlapping_parts() -> None:
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, C, D])}
        ),
        "status parts overlap",
    )
    assert "cus_3" in violation.details


def test_partition_with_a_stray_customer() -> None:
    stray = customer("cus_6", firstName="Fay", status="active")
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, C, E, stray]), "inactive": traversal([B, D])}
        ),
        "status=active lists customers the unfiltered list lacks",
    )
    assert "['cus_6']" in violation.details


def test_partition_with_a_stray_customer_inside_a_capped_whole() -> None:
    stray = customer("cus_0", firstName="Abe", status="inactive")  # before B, so the capped whole covers it
    raises(
        lambda: agreement.check_partition(
            traversal([A, B], complete=False), STATUS, {"active": traversal([A, C]), "inactive": traversal([stray, B])}
        ),
        "status=inactive lists customers the unfiltered list lacks",
    )


def test_partition_with_a_missing_customer() -> None:
    violation = raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, E]), "inactive": traversal([B, D])}
        ),
        "status=active misses a customer of the unfiltered list",
    )
    assert "missing: cus_3" in violation.details


def test_partition_with_a_customer_in_the_wrong_part() -> None:
    # C is active but only the inactive part lists it.
    raises(
        lambda: agreement.check_partition(
            traversal(ALL), STATUS, {"active": traversal([A, E]), "inactive": traversal([B, C, D])}
        ),
        "status=active misses a customer of the unfiltered list",
    )


def test_partition_with_a_customer_matching_no_part() -> None:
    suspended = customer("cus_6", firstName="Fay", status="suspended")
    violation = raises(
        lambda: agreement.check_partition(
            traversal([*ALL, suspended]), STATUS, {"active": traversal([A, C, E]), "inactive": traversal([B, D])}
        ),
        "a customer belongs to 0 values of status",
    )
    assert "cus_6" in violation.details
