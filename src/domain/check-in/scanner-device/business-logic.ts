import { type Actor, hasRole } from '../../actor.js';
import type { Decider } from '../../decider.js';
import { DomainError } from '../../domain-error.js';
import type { ExistingEvent } from '../../event/event.js';
import { text } from '../../values.js';
import { type ScannerDeviceEvent, type ScannerDeviceState, evolve, initialState } from './scanner-device.js';

const DEVICE_NAME = { min: 1, max: 100 };

/** `tokenHash` is made by the command side, which hands the token out once and keeps only this. */
export type RegisterScannerDevice = {
  type: 'RegisterScannerDevice';
  data: { actor: Actor; event: ExistingEvent; deviceId: string; name: string; tokenHash: string };
};

export type RevokeScannerDevice = { type: 'RevokeScannerDevice'; data: { actor: Actor; event: ExistingEvent } };

export type ScannerDeviceCommand = RegisterScannerDevice | RevokeScannerDevice;

/** The event's organizer and admins decide which devices work its doors; its staff do not. */
const mayManage = (actor: Actor, event: ExistingEvent): void => {
  if (!(hasRole(actor, 'admin') || event.organizerId === actor.accountId))
    throw new DomainError('FORBIDDEN', "Only the event's organizer can register or revoke its scanners");
};

export const registerScannerDevice = ({ actor, event, deviceId, name, tokenHash }: RegisterScannerDevice['data'], state: ScannerDeviceState): ScannerDeviceEvent[] => {
  mayManage(actor, event);
  const checkedName = text(name, 'name', DEVICE_NAME);
  if (event.status === 'cancelled') throw new DomainError('CONFLICT', 'The event is cancelled: its doors are closed');
  if (state.status !== 'none') throw new DomainError('CONFLICT', 'This scanner is registered already');
  return [{ type: 'ScannerDeviceRegistered', data: { deviceId, eventId: event.eventId, name: checkedName, tokenHash, registeredBy: actor.accountId } }];
};

export const revokeScannerDevice = ({ actor, event }: RevokeScannerDevice['data'], state: ScannerDeviceState): ScannerDeviceEvent[] => {
  mayManage(actor, event);
  if (state.status === 'none' || state.eventId !== event.eventId) throw new DomainError('NOT_FOUND', 'No such scanner at this event');
  if (state.status === 'revoked') throw new DomainError('CONFLICT', 'This scanner is revoked already');
  return [{ type: 'ScannerDeviceRevoked', data: { deviceId: state.deviceId, eventId: state.eventId, revokedBy: actor.accountId } }];
};

export const decide = (command: ScannerDeviceCommand, state: ScannerDeviceState): ScannerDeviceEvent[] => {
  switch (command.type) {
    case 'RegisterScannerDevice':
      return registerScannerDevice(command.data, state);
    case 'RevokeScannerDevice':
      return revokeScannerDevice(command.data, state);
    default: {
      const unknown: never = command;
      throw new DomainError('VALIDATION', `Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

export const scannerDeviceDecider: Decider<ScannerDeviceCommand, ScannerDeviceState, ScannerDeviceEvent> = { initialState, evolve, decide };
