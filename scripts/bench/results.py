"""Read a results file of make bench or make bench-instructions."""


def read(path):
    """Return (records, notes): the fields of each measurement line, and
    the comment lines ("# ..."), in order; blank lines are skipped."""
    records, notes = [], []
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        if line.startswith('#'):
            notes.append(line)
        else:
            records.append(line.split())
    return records, notes
