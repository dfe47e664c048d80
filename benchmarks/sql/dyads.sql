-- summary: Event counts per dyad (agent code, target code, event type): queries/dyads.rq over the flat event table.
-- description: How many distinct events each (agent code, target code) pair has, per event type,
--   most first; events with no coded target count under an empty target_code. Only events whose
--   status across their reports is $status.
-- param actor: actor, optional. A code or an actor IRI: only dyads with it as agent or target code, or events it takes part in.
-- param type: event-type, optional. Count only this event class (its name).
-- param from: date-from, optional. Events that end on or after this day.
-- param to: date-to, optional. Events that start on or before this day.
-- param status: status, default reported. reported, alleged, unconfirmed, hypothetical; NULL (any) for all.
-- columns: agent_code, target_code, type, events
SELECT coalesce(agent_code, '') AS agent_code, coalesce(target_code, '') AS target_code, type,
       count(DISTINCT event) AS events
FROM events
WHERE ($status IS NULL OR status = $status)
  AND ($type IS NULL OR type = $type)
  AND ($from IS NULL OR end_date >= $from)
  AND ($to IS NULL OR start_date <= $to)
  AND ($actor IS NULL OR $actor IN (agent_code, target_code)
       OR event IN (SELECT event FROM events WHERE $actor IN (agent, target)))
GROUP BY ALL
ORDER BY events DESC, agent_code, target_code, type;
