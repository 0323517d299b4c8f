import {
  DEPRECATION_WARNING_DAYS,
  daysUntil,
  LAMBDA_RUNTIME,
  NODE_RUNTIMES,
  nodeMajorOf,
  runtimeLifecycle,
  runtimeStatus,
} from '../src/runtime';

const at = (iso: string) => new Date(iso);

describe('the runtime table', () => {
  test('the platform runtime is listed, with the dates AWS announced for nodejs22.x', () => {
    expect(runtimeLifecycle(LAMBDA_RUNTIME)).toEqual({
      runtime: 'nodejs22.x',
      nodeMajor: 22,
      deprecation: '2027-04-30',
      blockCreate: '2027-06-01',
      blockUpdate: '2027-07-01',
    });
  });

  test('every row is a real day, blocks come after deprecation, and majors match the identifiers', () => {
    for (const row of NODE_RUNTIMES) {
      for (const day of [row.deprecation, row.blockCreate, row.blockUpdate]) {
        expect({
          row: row.runtime,
          day,
          valid: new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
        }).toEqual({ row: row.runtime, day, valid: true });
      }
      expect(row.blockCreate > row.deprecation && row.blockUpdate > row.blockCreate).toBe(true);
      expect(row.runtime).toBe(`nodejs${row.nodeMajor}.x`);
    }
    expect(NODE_RUNTIMES.map((row) => row.runtime)).toEqual([
      'nodejs24.x',
      'nodejs22.x',
      'nodejs20.x',
      'nodejs18.x',
    ]);
  });

  test('nodeMajorOf reads the table, and the name of a runtime it does not list yet', () => {
    expect(nodeMajorOf('nodejs22.x')).toBe(22);
    expect(nodeMajorOf('nodejs26.x')).toBe(26);
    expect(nodeMajorOf('python3.13')).toBeUndefined();
  });
});

describe('runtimeStatus with a fixed clock', () => {
  test('daysUntil counts whole UTC days, whatever the time of day', () => {
    expect(daysUntil('2027-04-30', at('2026-11-01T00:00:00Z'))).toBe(180);
    expect(daysUntil('2027-04-30', at('2026-11-01T23:59:59Z'))).toBe(180);
    expect(daysUntil('2027-04-30', at('2027-04-30T12:00:00Z'))).toBe(0);
    expect(daysUntil('2027-04-30', at('2027-05-01T00:00:00Z'))).toBe(-1);
  });

  test.each([
    ['2026-10-31T12:00:00Z', 'supported', 181],
    ['2026-11-01T00:00:00Z', 'deprecating', 180],
    ['2026-12-07T08:00:00Z', 'deprecating', 144],
    ['2027-04-29T23:59:59Z', 'deprecating', 1],
    ['2027-04-30T00:00:00Z', 'deprecated', 0],
    ['2027-08-01T00:00:00Z', 'deprecated', -93],
  ])('nodejs22.x on %s is %s (%i days left)', (now, state, daysLeft) => {
    expect(runtimeStatus('nodejs22.x', at(now))).toMatchObject({ state, daysLeft });
  });

  test('the warning window is the default of 180 days, and can be changed', () => {
    expect(DEPRECATION_WARNING_DAYS).toBe(180);
    expect(runtimeStatus('nodejs22.x', at('2026-12-07'), 30).state).toBe('supported');
  });

  test('a runtime the table does not list is unknown, never supported', () => {
    expect(runtimeStatus('python3.13', at('2026-12-07'))).toEqual({
      state: 'unknown',
      runtime: 'python3.13',
    });
  });
});
