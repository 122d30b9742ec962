// The `telemetry_dropped` event: how many events the spool had to drop since the last report, and
// why. It borrows the identity and context fields of a spooled event (the same device, session and
// build), gets its own insert_id and the current time, and carries counts only.
import type { AmplitudeEvent } from '@dr/shared';

export const DROPPED_EVENT_TYPE = 'telemetry_dropped';

/**
 * A SQL LIKE pattern matching the spooled JSON of a report, and only of a report: a quote
 * inside any string value is escaped, so `"event_type":"…"` appears only as the event's key.
 */
export const DROPPED_REPORT_PATTERN = `%"event_type":"${DROPPED_EVENT_TYPE}"%`;

const REASONS = ['max_events', 'max_bytes', 'max_age', 'rejected', 'too_large', 'over_quota'] as const;

/** Why the spool dropped an event. */
export type DropReason = (typeof REASONS)[number];
export type DroppedCounts = Partial<Record<DropReason, number>>;

/** The report for `counts`, or null when nothing was dropped or there is no event to borrow from. */
export function buildDroppedReport(
  template: AmplitudeEvent | undefined,
  counts: DroppedCounts,
  time: number,
  insertId: string,
): AmplitudeEvent | null {
  if (template === undefined) return null;
  const properties: Record<string, number> = {};
  let total = 0;
  for (const reason of REASONS) {
    const count = counts[reason] ?? 0;
    if (count > 0) {
      properties[`dropped_${reason}`] = count;
      total += count;
    }
  }
  if (total === 0) return null;
  return {
    event_type: DROPPED_EVENT_TYPE,
    device_id: template.device_id,
    ...(template.user_id === undefined ? {} : { user_id: template.user_id }),
    session_id: template.session_id,
    time,
    insert_id: insertId,
    app_version: template.app_version,
    platform: template.platform,
    os_name: template.os_name,
    os_version: template.os_version,
    library: template.library,
    event_properties: { dropped_count: total, ...properties },
  };
}

/** The counts a spooled report carries, by reason; undefined for any other event. */
export function reportedCounts(json: string): DroppedCounts | undefined {
  let event: { event_type?: unknown; event_properties?: Record<string, unknown> };
  try {
    event = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (event.event_type !== DROPPED_EVENT_TYPE) return undefined;
  const counts: DroppedCounts = {};
  for (const reason of REASONS) {
    const count = event.event_properties?.[`dropped_${reason}`];
    if (typeof count === 'number' && Number.isSafeInteger(count) && count > 0) counts[reason] = count;
  }
  return counts;
}
