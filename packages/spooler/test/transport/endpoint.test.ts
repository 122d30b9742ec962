import { describe, expect, it } from 'vitest';
import { apiUrl, resolveEndpoint, TelemetryEndpointError } from '../../src/transport/endpoint.ts';

describe('resolveEndpoint', () => {
  it('defaults to the region base', () => {
    expect(resolveEndpoint(undefined, 'us')).toBe('https://api2.amplitude.com');
    expect(resolveEndpoint('', 'eu')).toBe('https://api.eu.amplitude.com');
    expect(resolveEndpoint('  ', 'us')).toBe('https://api2.amplitude.com');
  });

  it.each([
    ['https://collector.example.com/', 'https://collector.example.com'],
    ['https://collector.example.com/amp/', 'https://collector.example.com/amp'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.1.2.3:8080/', 'http://127.1.2.3:8080'],
    ['http://localhost:9/x', 'http://localhost:9/x'],
    ['http://[::1]:9', 'http://[::1]:9'],
  ])('accepts %s', (value, base) => {
    expect(resolveEndpoint(value, 'us')).toBe(base);
  });

  it.each([
    'http://collector.example.com',
    'http://10.0.0.1',
    'http://localhost.example.com',
    'http://[::2]',
    'ftp://127.0.0.1',
    'not a url',
    'https://user:secret@collector.example.com',
    'https://collector.example.com/?a=1',
    'https://collector.example.com/#x',
  ])('refuses %s with a typed error that does not echo the value', (value) => {
    let caught: unknown;
    try {
      resolveEndpoint(value, 'us');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TelemetryEndpointError);
    expect((caught as TelemetryEndpointError).code).toBe('TELEMETRY_ENDPOINT_INVALID');
    expect((caught as Error).message).not.toContain('secret');
  });

  it('builds the API paths', () => {
    expect(apiUrl('https://api2.amplitude.com', 'httpapi')).toBe('https://api2.amplitude.com/2/httpapi');
    expect(apiUrl('https://api2.amplitude.com', 'batch')).toBe('https://api2.amplitude.com/batch');
  });
});
