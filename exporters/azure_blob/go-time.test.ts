import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTimezone, formatGoTime, wallClock } from './go-time.ts';

// What Go prints for these layouts at these instants (go1.24: time.Date(...).In(loc).Format(layout)).
const AT = Date.UTC(2026, 0, 5, 3, 4, 9, 120); // Monday 2026-01-05 03:04:09.120 UTC

describe('formatGoTime', () => {
  const utc = wallClock(AT, 'UTC');

  it('formats the Collector default blob names', () => {
    assert.equal(formatGoTime(utc, '2006/01/02/logs_15_04_05.json'), '2026/01/05/logs_03_04_09.json');
    assert.equal(formatGoTime(utc, '2006/01/02/metrics_15_04_05.json'), '2026/01/05/metrics_03_04_09.json');
  });

  it('formats every element as Go does', () => {
    assert.equal(
      formatGoTime(utc, 'Monday Mon January Jan 1 01 2 02 _2 06 2006'),
      'Monday Mon January Jan 1 01 5 05  5 26 2026',
    );
    assert.equal(formatGoTime(utc, '15 3 03 4 04 5 05 PM pm'), '03 3 03 4 04 9 09 AM am');
    assert.equal(formatGoTime(utc, '002 __2'), '005   5');
    assert.equal(formatGoTime(utc, '.000 .999 ,000000 .9'), '.120 .12 ,120000 .1');
    assert.equal(formatGoTime(utc, 'MST Z07:00 -0700 -07 Z0700'), 'UTC Z +0000 +00 Z');
  });

  it('copies what is no element: words starting like one, _2006, digits after a fraction run', () => {
    assert.equal(formatGoTime(utc, 'Janet Monk logs'), 'Janet Monk logs');
    assert.equal(formatGoTime(utc, 'x_2006'), 'x_2026');
    assert.equal(formatGoTime(utc, 'v.0007'), 'v.0007');
  });

  it('uses the zone: offsets, abbreviations, and the tzdata numeric name where a zone has no letter one', () => {
    const ny = wallClock(AT, 'America/New_York');
    assert.equal(formatGoTime(ny, '2006-01-02T15:04:05Z07:00 MST'), '2026-01-04T22:04:09-05:00 EST');
    const kolkata = wallClock(AT, 'Asia/Kolkata');
    assert.equal(formatGoTime(kolkata, '15:04 -07:00 -070000 Z07:00:00'), '08:34 +05:30 +053000 +05:30:00');
    const dubai = wallClock(AT, 'Asia/Dubai');
    assert.equal(formatGoTime(dubai, 'MST'), '+04');
    assert.equal(formatGoTime(wallClock(AT, 'Asia/Kathmandu'), 'MST'), '+0545');
  });

  it('refuses a zone Go would not load', () => {
    assert.equal(checkTimezone(''), undefined);
    assert.equal(checkTimezone('Europe/Berlin'), undefined);
    assert.match(checkTimezone('Mars/Olympus') ?? '', /unknown time zone "Mars\/Olympus"/);
  });
});
