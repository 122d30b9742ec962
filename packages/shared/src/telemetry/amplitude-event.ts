// The event object dr sends: an Amplitude HTTP V2 event, exactly as it is spooled and sent.
// Built only by the event builder in this package (after scrubbing); the spooler stores and
// sends it as-is and never changes it (insert_id in particular is fixed for its whole life).

export type EventPropertyValue = string | number | boolean | readonly string[];

export interface AmplitudeEvent {
  readonly event_type: string;
  readonly device_id: string;
  /** The DataRobot user id, only when logged in; never an email. */
  readonly user_id?: string;
  /** Milliseconds since the epoch; shared by invocations less than 30 minutes apart. */
  readonly session_id: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
  /** UUID fixed when the event is spooled; Amplitude deduplicates on it per device. */
  readonly insert_id: string;
  readonly app_version: string;
  readonly platform: 'CLI';
  readonly os_name: string;
  readonly os_version: string;
  /** `datarobot-cli-ts/<version>`. */
  readonly library: string;
  readonly event_properties?: Readonly<Record<string, EventPropertyValue>>;
}
