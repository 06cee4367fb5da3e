from curator.library import Library


def test_create_and_get_round_trip(library: Library, sample_record):
    record, warnings = library.create(sample_record)
    assert warnings == []
    got = library.get(record["id"])
    assert got["ics"] == "E54000057"
    assert got["summary"] == sample_record["summary"]
