// Amplitude's insert_id deduplication: an event whose insert_id was already taken for the same
// device within the retention (7 days by default) is accepted but not ingested again. The clock
// is the first sighting, so a duplicate does not extend its own retention.

/** Events with a device_id are remembered per device; events with only a user_id, per user. */
export interface DeduplicatedEvent {
  readonly device_id?: string;
  readonly user_id?: string;
  readonly insert_id?: string;
}

export class InsertIdMemory {
  private readonly firstSeenAt = new Map<string, number>();

  constructor(private readonly retentionMs: number) {}

  /** True if the event is new (and now remembered); false if it is a duplicate to absorb. */
  admit(event: DeduplicatedEvent, now: number): boolean {
    if (typeof event.insert_id !== 'string') return true;
    const owner = typeof event.device_id === 'string' ? `device:${event.device_id}` : `user:${event.user_id}`;
    const key = `${owner}\u0000${event.insert_id}`;
    const seenAt = this.firstSeenAt.get(key);
    if (seenAt !== undefined && now - seenAt < this.retentionMs) return false;
    this.firstSeenAt.set(key, now);
    return true;
  }

  forget(): void {
    this.firstSeenAt.clear();
  }
}
