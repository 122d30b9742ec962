// Reference: the same CLI-shaped script with no telemetry at all (loads the event module, sends
// nothing). The floor every other peer script's exit latency is built on.
import { commandEvents } from './command-events.mjs';

commandEvents();
