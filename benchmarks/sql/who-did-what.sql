-- summary: Who did what to whom, and when: queries/who-did-what.rq over the flat event table.
-- description: One row per (event, agent, target), ordered by date (undated last). Only events
--   whose status across their reports (the strongest: reported > alleged > unconfirmed >
--   hypothetical) is $status. source is the source of the earliest report, reports how many
--   sources report the event. The flat table has one row per (event, agent, target), so no DISTINCT.
-- param actor: actor, optional. A code (KOR) or an actor IRI: rows where it is the agent or the target, or their code.
-- param type: event-type, optional. An event class's name (Summons, TroopDeployment, ...).
-- param from: date-from, optional. Events that end on or after this day.
-- param to: date-to, optional. Events that start on or before this day.
-- param status: status, default reported. reported, alleged, unconfirmed, hypothetical; NULL (any) for all.
-- columns: event, type, agent, agent_code, target, target_code, date, precision, place, status, source, reports
SELECT event, type, agent, agent_code, target, target_code, date, precision, place, status,
       first_source AS source, reports
FROM events
WHERE ($status IS NULL OR status = $status)
  AND ($type IS NULL OR type = $type)
  AND ($from IS NULL OR end_date >= $from)
  AND ($to IS NULL OR start_date <= $to)
  AND ($actor IS NULL OR $actor IN (agent, agent_code, target, target_code))
ORDER BY start_date NULLS LAST, date, event, agent, target;
