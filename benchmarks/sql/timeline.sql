-- summary: An actor's events in order: queries/timeline.rq over the flat event table.
-- description: One row per (event, role) in which the actor (by IRI, or by code: anyone acting
--   for it) is agent or target, in date order (undated last); agents and targets are all the
--   event's codes, ";"-separated; evidence is the quote of the earliest report. Only events whose
--   status across their reports is $status.
-- param actor: actor, required. A code (KOR) or an actor IRI.
-- param from: date-from, optional. Events that end on or after this day.
-- param to: date-to, optional. Events that start on or before this day.
-- param status: status, default reported. reported, alleged, unconfirmed, hypothetical; NULL (any) for all.
-- columns: date, precision, type, role, event, agents, targets, place, status, evidence, source
WITH hit AS (  -- the actor's events, and the role it plays in each
  SELECT event, 'agent' AS role FROM events WHERE $actor IN (agent, agent_code)
  UNION
  SELECT event, 'target' AS role FROM events WHERE $actor IN (target, target_code)
)
SELECT e.date, e.precision, e.type, hit.role, e.event,
       string_agg(DISTINCT e.agent_code, ';') AS agents,
       string_agg(DISTINCT e.target_code, ';') AS targets,
       min(e.place) AS place, e.status, min(e.evidence) AS evidence, e.first_source AS source
FROM hit JOIN events e ON e.event = hit.event
WHERE ($status IS NULL OR e.status = $status)
  AND ($from IS NULL OR e.end_date >= $from)
  AND ($to IS NULL OR e.start_date <= $to)
GROUP BY e.date, e.precision, e.type, hit.role, e.event, e.status, e.first_source, e.start_date
ORDER BY e.start_date NULLS LAST, e.date, e.event, hit.role;
