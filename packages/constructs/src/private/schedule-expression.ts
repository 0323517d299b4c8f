/**
 * EventBridge Scheduler's three expression forms, checked at synth so a typo fails there and not at apply:
 *
 * - `rate(value unit)`: a whole value of 1 or more; the unit `minute(s)`, `hour(s)` or `day(s)`, singular
 *   exactly when the value is 1.
 * - `cron(minutes hours day-of-month month day-of-week year)`: six fields, one of day-of-month and
 *   day-of-week is `?`.
 * - `at(yyyy-mm-ddThh:mm:ss)`: one date and time that exists.
 *
 * Returns what is wrong, or undefined.
 *
 * @example
 * scheduleExpressionProblem('rate(5 minute)'); // 'use "minutes" with a value other than 1: rate(5 minutes)'
 */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) return 'a rate needs a value of 1 or more.';
    const singular = unit.replace(/s$/, '');
    const expected = value === 1 ? singular : `${singular}s`;
    if (unit !== expected) {
      return `use "${expected}" with ${value === 1 ? 'a value of 1' : 'a value other than 1'}: rate(${value} ${expected})`;
    }
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) {
    const fields = (cron[1] as string).split(' ');
    if (fields.length !== 6 || fields.some((f) => f.length === 0)) {
      return 'a cron expression has six fields separated by single spaces: minutes hours day-of-month month day-of-week year.';
    }
    if (fields.some((f) => !/^[0-9A-Za-z*?,/#L W-]+$/.test(f))) {
      return 'a cron field holds digits, names (JAN, MON) and the characters * ? , - / # L W only.';
    }
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
      return 'exactly one of day-of-month (third field) and day-of-week (fifth field) must be "?".';
    }
    return undefined;
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    const exists =
      date.getUTCFullYear() === year &&
      date.getUTCMonth() === month - 1 &&
      date.getUTCDate() === day &&
      date.getUTCHours() === hour &&
      date.getUTCMinutes() === minute &&
      date.getUTCSeconds() === second;
    return exists ? undefined : 'that date and time does not exist.';
  }
  return 'use rate(5 minutes), cron(0 3 * * ? *) or at(2030-01-31T09:00:00).';
}

/** Whether the runtime knows the IANA time zone (Scheduler takes the same names). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
