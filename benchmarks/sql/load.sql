-- summary: The flat event table: benchmarks/generate.py's events.csv into a DuckDB table.
-- description: One row per event x agent x target, as a data engineer holding GDELT-style events
--   would lay them out for a columnar engine: codes rather than graph paths, the per-event
--   summaries precomputed (status across reports, report count, first source: GDELT's
--   NumSources/SOURCEURL), a date as given plus the first and last day it spans, a denial's
--   denied event (about) and the codes of its reports' claimants (a list). Empty fields are NULL.
--   The column types are declared (a fixed file, no sniffing); claimants is split into a list here.
-- param path: file, required. The CSV file (generate.py writes it next to sources.nq).
-- columns: event, type, agent, agent_code, target, target_code, date, precision, start_date,
--   end_date, status, reports, first_source, evidence, claimants, about, place
CREATE TABLE events AS
SELECT * REPLACE (string_split(claimants, ';') AS claimants)
FROM read_csv($path, header = true, auto_detect = false, columns = {
  'event': 'VARCHAR', 'type': 'VARCHAR', 'agent': 'VARCHAR', 'agent_code': 'VARCHAR',
  'target': 'VARCHAR', 'target_code': 'VARCHAR', 'date': 'VARCHAR', 'precision': 'VARCHAR',
  'start_date': 'DATE', 'end_date': 'DATE', 'status': 'VARCHAR', 'reports': 'INTEGER',
  'first_source': 'VARCHAR', 'evidence': 'VARCHAR', 'claimants': 'VARCHAR', 'about': 'VARCHAR',
  'place': 'VARCHAR'
});
