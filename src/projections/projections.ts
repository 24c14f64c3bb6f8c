import { accountsProjection } from './accounts/projection.js';
import { attendanceProjection } from './attendance/projection.js';
import { auditProjection } from './audit/projection.js';
import { forecastsProjection } from './forecasts/projection.js';
import type { Projection } from './projection.js';
import { reportsProjection } from './reports/projection.js';

/** Every read model the projector keeps. */
export const projections: readonly Projection[] = [attendanceProjection, accountsProjection, auditProjection, forecastsProjection, reportsProjection];
