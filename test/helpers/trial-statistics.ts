import type { Qualification, TrialStatistics } from '../../src/reports/types.js';

function qualification(trueAlerts: number, falseAlarms: number, duplicates: number, unqualified: number): Qualification {
  const qualified = trueAlerts + falseAlarms;
  return { events: qualified + duplicates + unqualified, trueAlerts, falseAlarms, duplicates, unqualified, precision: qualified > 0 ? trueAlerts / qualified : null };
}

/** A hand-made month of statistics (February 2027, Paris) with figures easy to find in a rendered report. */
export function trialStatisticsFixture(): TrialStatistics {
  const byDay = Array.from({ length: 28 }, (_, i) => ({ day: `2027-02-${String(i + 1).padStart(2, '0')}`, count: i === 9 ? 40 : 5 }));
  const byWeekdayHour = Array.from({ length: 168 }, (_, i) => ({ weekday: Math.floor(i / 24), hour: i % 24, count: i % 24 === 22 ? 9 : 1 }));
  return {
    query: { from: '2027-01-31T23:00:00.000Z', to: '2027-02-28T23:00:00.000Z', cameras: null, timeZone: 'Europe/Paris' },
    generatedAt: '2027-03-01T00:30:00.000Z',
    days: 28,
    events: {
      total: 175,
      byType: [
        { type: 'intrusion', count: 123 },
        { type: 'gathering', count: 52 },
      ],
      byCamera: [
        { camera: 'parvis-mairie', count: 150 },
        { camera: 'gare-nord', count: 25 },
      ],
      byDay,
      byWeekdayHour,
    },
    qualification: {
      overall: qualification(96, 24, 5, 50),
      perRule: [
        { camera: 'parvis-mairie', rule: 'pelouse', type: 'intrusion', ...qualification(90, 10, 3, 20) },
        { camera: 'gare-nord', rule: 'attroupement', type: 'gathering', ...qualification(6, 14, 2, 30) },
      ],
      perCamera: [
        { camera: 'parvis-mairie', ...qualification(90, 10, 3, 20) },
        { camera: 'gare-nord', ...qualification(6, 14, 2, 30) },
      ],
      trend: [
        { week: '2027-02-01', ...qualification(20, 10, 1, 10) },
        { week: '2027-02-08', ...qualification(30, 5, 2, 20) },
        { week: '2027-02-15', ...qualification(0, 0, 0, 10) },
        { week: '2027-02-22', ...qualification(46, 9, 2, 10) },
      ],
    },
    responseTimes: {
      toAcknowledge: {
        count: 125,
        medianS: 47,
        p90S: 312,
        histogram: [
          { fromS: 0, toS: 30, count: 40 },
          { fromS: 30, toS: 60, count: 30 },
          { fromS: 60, toS: 300, count: 42 },
          { fromS: 300, toS: 600, count: 10 },
          { fromS: 600, toS: null, count: 3 },
        ],
      },
      toDispatch: { count: 12, medianS: 185, p90S: 900, histogram: [{ fromS: 0, toS: 300, count: 7 }, { fromS: 300, toS: null, count: 5 }] },
    },
    workload: [
      { userId: 'u1', username: 'claire', eventsHandled: 80, activeHours: 40, perActiveHour: 2 },
      { userId: 'u2', username: 'marc', eventsHandled: 45, activeHours: 30, perActiveHour: 1.5 },
    ],
    shadow: [{ camera: 'gare-nord', rule: 'rodeur', type: 'vehicle_prowling', wouldBeAlerts: 14, perDay: 0.5 }],
    availability: [
      { camera: 'parvis-mairie', analysedShare: 0.982, recordingCoverage: 0.995 },
      { camera: 'gare-nord', analysedShare: 0.871, recordingCoverage: null },
    ],
    incidents: { total: 19, byType: [{ type: 'intrusion', count: 11 }, { type: 'fire', count: 8 }], onAiCameras: 11, detectedByAi: 9, recall: 9 / 11, onOtherCameras: 8 },
  };
}
