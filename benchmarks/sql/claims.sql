-- summary: Claims, with their claimants and any denials: queries/claims.rq over the flat event table.
-- description: One row per (claimed event, agent code, target code, claimant code): events whose
--   status across their reports is alleged, unconfirmed or hypothetical (no source reports them as
--   having happened), a NULL claimant_code when no report names one. denied_by lists the agent
--   codes of the Denial events about it (";"-separated; NULL: none).
-- param actor: actor, optional. A code or an actor IRI: claims in which it is agent or target.
-- param type: event-type, optional. An event class's name.
-- param status: claim-status, optional. alleged, unconfirmed or hypothetical; NULL: all three.
-- columns: event, type, agent_code, target_code, date, status, claimant_code, denied_by, source
WITH claim AS (
  SELECT *, unnest(coalesce(claimants, [NULL::VARCHAR])) AS claimant_code
  FROM events
  WHERE status IN ('alleged', 'unconfirmed', 'hypothetical')
    AND ($status IS NULL OR status = $status)
    AND ($type IS NULL OR type = $type)
    AND ($actor IS NULL OR $actor IN (agent_code, target_code)
         OR event IN (SELECT event FROM events WHERE $actor IN (agent, target)))
), denial AS (
  SELECT about, agent_code AS denier_code FROM events WHERE type = 'Denial' AND about IS NOT NULL
)
SELECT c.event, c.type, c.agent_code, c.target_code, c.date, c.status, c.claimant_code,
       string_agg(DISTINCT d.denier_code, ';') AS denied_by, c.first_source AS source
FROM claim c LEFT JOIN denial d ON d.about = c.event
GROUP BY c.event, c.type, c.agent_code, c.target_code, c.date, c.status, c.claimant_code,
         c.first_source, c.start_date
ORDER BY c.start_date NULLS LAST, c.event, c.agent_code, c.claimant_code;
