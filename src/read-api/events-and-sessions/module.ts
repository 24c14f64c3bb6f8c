import { type GraphqlModule, mergeModules } from '../graphql-module.js';
import { attendanceForecast } from './attendance-forecast.js';
import { events } from './events.js';

/** The API of events and their sessions: organizing them, reading them, and their attendance forecast. */
export const eventsAndSessions: GraphqlModule = mergeModules([events, attendanceForecast]);
